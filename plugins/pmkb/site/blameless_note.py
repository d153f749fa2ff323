"""Blameless language in the build: the BL warnings, and a note on draft and in-review postmortem pages.

Authors see it in `mkdocs serve` while they write, next to the page, with the
same file:line:column, phrase and hint that `pmkb check` prints. Published
postmortems get no note (the warnings still go to the build log and CI).
"""

from __future__ import annotations

from ..knowledge.documents import PostmortemDoc
from ..diagnostics import Diagnostic
from ..knowledge.parallel import build_jobs
from ..lint.check import blameless_findings, findings_as_diagnostics
from ..lint.linter import Finding
from .postmortem_page import Linker
from .feature import BuildContext, Feature

__all__ = ["BlamelessNote"]


class BlamelessNote(Feature):
    def __init__(self) -> None:
        self.findings: dict[str, list[Finding]] = {}

    def problems(self, ctx: BuildContext) -> list[Diagnostic]:
        self.findings = blameless_findings(ctx.kb, jobs=build_jobs())
        return findings_as_diagnostics(self.findings)

    def postmortem_notes(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        settings = ctx.kb.settings.blameless
        if not settings.enabled or doc.meta.is_published:
            return ""
        # Exactly what the check reported (from the findings cache when the body is unchanged).
        findings = self.findings.get(doc.rel)
        if not findings:
            return ""
        return ctx.renderer.render("blameless_note.html.j2", findings=findings, rel=doc.rel)
