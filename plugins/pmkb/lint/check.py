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
from ..knowledge.parallel import PARALLEL_FROM, map_ordered
from .linter import Finding, lint_text
from .names import names_of, people_names
from .findings_cache import FindingsCache
from .rules import RuleSet, compile_rules
from .settings import BlamelessSettings
from ..knowledge.base import KnowledgeBase


__all__ = ["blameless_check", "blameless_findings", "findings_as_diagnostics", "lint_body", "lint_postmortem"]

# Below this many bodies to lint, the rules are compiled without their prefilters (working those
# out is ~0.5 s; the patterns then run over whole bodies): the same findings either way.
PREFILTER_FROM = 40


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


def blameless_check(kb: KnowledgeBase, jobs: int = 1) -> list[Diagnostic]:
    """BL warnings for every postmortem body (see `blameless_findings`)."""
    return findings_as_diagnostics(blameless_findings(kb, jobs))


def findings_as_diagnostics(findings: dict[str, list[Finding]]) -> list[Diagnostic]:
    return [
        Diagnostic(rel, f.line, Level.WARNING, f.code, f.describe(), column=f.column)
        for rel, found in findings.items()
        for f in found
    ]


def blameless_findings(kb: KnowledgeBase, jobs: int = 1) -> dict[str, list[Finding]]:
    """rel -> findings, for every postmortem body: the valid ones, and those whose front matter failed.

    A postmortem with a schema error is linted too (from `kb.unvalidated`), so the
    author sees the blameless warnings in the same run as the errors. Each file is
    in exactly one of the two lists, so no warning is reported twice.

    Findings come from `.pmkb/check/blameless.pack` for bodies linted before (when the KB was
    loaded with its cache); the rest are linted in `jobs` processes when there are many of
    them, else here. Either way the warnings are the same, in the same order.
    """
    settings = kb.settings.blameless
    if not settings.enabled:
        return {}
    configured = tuple(settings.names)  # what `rules.names` holds: the rules are compiled only if needed
    work: list[tuple[str, str, int, frozenset[str]]] = [
        (doc.rel, doc.body, doc.front.body_start_line, frozenset(names_of(doc.meta, configured)))
        for doc in kb.postmortems
    ]
    for body_only in kb.unvalidated:
        if body_only.kind == "postmortem":
            names = people_names([*body_only.people, *configured])
            work.append((body_only.rel, body_only.body, body_only.body_start_line, frozenset(names)))

    cache = FindingsCache(kb.root, settings) if kb.cached else None
    results: list[list[Finding] | None] = [cache.get(*item[1:]) if cache else None for item in work]
    missing = [i for i, found in enumerate(results) if found is None]
    # Compiling the rules (~100 patterns) is a fixed cost a fully cached run does not pay.
    # Validated with the settings; cached per configuration. A fully cached run compiles nothing.
    rules = compile_rules(settings, prefilter=len(missing) >= PREFILTER_FROM) if missing else None
    for i, findings in zip(missing, _lint_all([work[i][1:] for i in missing], settings, rules, jobs)):
        results[i] = findings
        if cache is not None:
            cache.put(*work[i][1:], findings)
    if cache is not None:
        cache.save()
    return {rel: findings or [] for (rel, *_), findings in zip(work, results)}


def _lint_all(
    items: list[tuple[str, int, frozenset[str]]], settings: BlamelessSettings, rules: RuleSet | None, jobs: int
) -> list[list[Finding]]:
    """Findings for each (body, first line, names), in order; over `jobs` processes when it pays."""
    if rules is None or not items:
        return []
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        return [lint_body(body, start, names, rules) for body, start, names in items]
    return map_ordered(_lint_batch, [(settings, item) for item in items], jobs)


def _lint_batch(batch: list[tuple[BlamelessSettings, tuple[str, int, frozenset[str]]]]) -> list[list[Finding]]:
    # The settings travel with the work: a forked worker finds the rules compiled already, a spawned one compiles them.
    return [lint_body(body, start, names, compile_rules(settings)) for settings, (body, start, names) in batch]
