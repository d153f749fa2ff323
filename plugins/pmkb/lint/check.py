"""The blameless-language check over a loaded knowledge base (code family BL).

Run by its callers over a loaded knowledge base (`pmkb check`, and the site's
blameless feature in the build), so both report the same warnings and the
knowledge layer never imports the linter. Only postmortem bodies are linted: runbooks and the
hand-written `docs/` pages are not postmortems.
"""

from __future__ import annotations

from typing import Iterable

from ..diagnostics import Diagnostic, Level
from ..knowledge.documents import PostmortemDoc
from .linter import Finding, lint_text
from .names import names_of
from .rules import RuleSet, compile_rules
from ..knowledge.base import KnowledgeBase


__all__ = ["blameless_check", "lint_postmortem"]


def lint_postmortem(doc: PostmortemDoc, rules: RuleSet) -> list[Finding]:
    """Findings in one postmortem's body, with lines counted in the file."""
    offset = doc.front.body_start_line - 1
    findings = lint_text(doc.body, rules, names_of(doc.meta, rules.names))
    return [
        Finding(f.line + offset, f.column, f.code, f.phrase, f.message, f.hint) for f in findings
    ]


def blameless_check(kb: KnowledgeBase) -> Iterable[Diagnostic]:
    settings = kb.settings.blameless
    if not settings.enabled:
        return []
    rules = compile_rules(settings)  # validated with the settings; cached per configuration
    return [
        Diagnostic(doc.rel, f.line, Level.WARNING, f.code, f.describe(), column=f.column)
        for doc in kb.postmortems
        for f in lint_postmortem(doc, rules)
    ]
