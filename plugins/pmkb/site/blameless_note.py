"""A note on draft and in-review postmortem pages listing their blameless-language findings.

Authors see it in `mkdocs serve` while they write, next to the page, with the
same file:line:column, phrase and hint that `pmkb check` prints. Published
postmortems get no note (the warnings still go to the build log and CI).
"""

from __future__ import annotations

from ..documents import PostmortemDoc
from ..lint.check import lint_postmortem
from ..lint.rules import compile_rules
from ..pages.postmortem import Linker
from .feature import BuildContext, Feature

__all__ = ["BlamelessNote"]


class BlamelessNote(Feature):
    def postmortem_notes(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        settings = ctx.kb.settings.blameless
        if not settings.enabled or doc.meta.is_published:
            return ""
        # Drafts are few: linting them again here (rules are cached) keeps phrase
        # and hint apart for the note, and gives exactly what the check reported.
        findings = lint_postmortem(doc, compile_rules(settings))
        if not findings:
            return ""
        return ctx.renderer.render("blameless_note.html.j2", findings=findings, rel=doc.rel)
