"""Blameless language in the build: the BL warnings, and a note on draft and in-review postmortem pages.

Authors see it in `mkdocs serve` while they write, next to the page, with the
same file:line:column, phrase and hint that `pmkb check` prints. Published
postmortems get no note (the warnings still go to the build log and CI).
"""

from __future__ import annotations

from ..knowledge.documents import PostmortemDoc
from ..diagnostics import Diagnostic
from ..knowledge.parallel import build_jobs
from ..lint.check import blameless_check, lint_postmortem
from ..lint.rules import compile_rules
from .postmortem_page import Linker
from .feature import BuildContext, Feature

__all__ = ["BlamelessNote"]


class BlamelessNote(Feature):
    def problems(self, ctx: BuildContext) -> list[Diagnostic]:
        return list(blameless_check(ctx.kb, jobs=build_jobs()))

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
