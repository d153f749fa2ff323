"""The blameless-language check over a loaded knowledge base (code family BL).

Run by its callers over a loaded knowledge base (`pmkb check`, and the site's
blameless feature in the build), so both report the same warnings and the
knowledge layer never imports the linter. Postmortems whose front matter failed are
linted too, from the body the loader kept. Only postmortem bodies are linted: runbooks and the
hand-written `docs/` pages are not postmortems.
"""

from __future__ import annotations

from typing import Iterable

from ..diagnostics import Diagnostic, Level
from ..knowledge.documents import PostmortemDoc
from .linter import Finding, lint_text
from .names import names_of, people_names
from .rules import RuleSet, compile_rules
from ..knowledge.base import KnowledgeBase


__all__ = ["blameless_check", "lint_body", "lint_postmortem"]


def lint_postmortem(doc: PostmortemDoc, rules: RuleSet) -> list[Finding]:
    """Findings in one postmortem's body, with lines counted in the file."""
    return lint_body(doc.body, doc.front.body_start_line, names_of(doc.meta, rules.names), rules)


def lint_body(body: str, body_start_line: int, names: Iterable[str], rules: RuleSet) -> list[Finding]:
    """Findings in a body that starts at file line `body_start_line`."""
    offset = body_start_line - 1
    findings = lint_text(body, rules, names)
    return [
        Finding(f.line + offset, f.column, f.code, f.phrase, f.message, f.hint) for f in findings
    ]


def blameless_check(kb: KnowledgeBase) -> Iterable[Diagnostic]:
    """BL warnings for every postmortem body: the valid ones, and those whose front matter failed.

    A postmortem with a schema error is linted too (from `kb.unvalidated`), so the
    author sees the blameless warnings in the same run as the errors. Each file is
    in exactly one of the two lists, so no warning is reported twice.
    """
    settings = kb.settings.blameless
    if not settings.enabled:
        return []
    rules = compile_rules(settings)  # validated with the settings; cached per configuration
    found = [
        Diagnostic(doc.rel, f.line, Level.WARNING, f.code, f.describe(), column=f.column)
        for doc in kb.postmortems
        for f in lint_postmortem(doc, rules)
    ]
    for body_only in kb.unvalidated:
        if body_only.kind != "postmortem":
            continue
        names = people_names([*body_only.people, *rules.names])
        found += [
            Diagnostic(body_only.rel, f.line, Level.WARNING, f.code, f.describe(), column=f.column)
            for f in lint_body(body_only.body, body_only.body_start_line, names, rules)
        ]
    return found
