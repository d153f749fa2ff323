"""The blameless-language rules: the shipped data file merged with mkdocs.yml.

Rules are data (`pmkb/data/blameless.yml`): each has a code, regular
expressions or literal phrases, a message and a rewording hint. The
`blameless` block of mkdocs.yml adds rules (a rule with a shipped code
replaces it), silences codes (`disable`) and names more people (`names`).

Patterns are compiled once (`pmkb.lint.patterns` caches them), rule sets
once per distinct configuration, never once per postmortem: `{name}` matches
a token the linter puts where a known person's name was (see `pmkb.lint.names`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .clauses import Clause, required_clauses
from .patterns import RuleError, compile_pattern, shipped_data
from .prefilter import required_words
from .settings import BlamelessRule, BlamelessSettings

__all__ = ["Rule", "RuleError", "RuleSet", "compile_rules", "effective_rules", "shipped_rules"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    message: str
    hint: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    # Per pattern: lowercase words one of which every match contains (None: unknown). See prefilter.py.
    required: tuple[frozenset[str] | None, ...] = ()
    # Per pattern: every word group a match holds (clauses.py); a sentence needs them all.
    clauses: tuple[tuple[Clause, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    names: tuple[str, ...]  # the `names` setting; each postmortem adds its own people

    @property
    def codes(self) -> list[str]:
        return [rule.code for rule in self.rules]


@lru_cache(maxsize=1)
def shipped_rules() -> tuple[BlamelessRule, ...]:
    """The rules pmkb ships, as written in the data file."""
    return tuple(BlamelessRule.model_validate(raw) for raw in shipped_data().get("rules") or [])


def effective_rules(settings: BlamelessSettings) -> list[BlamelessRule]:
    """The rules as written, in code order: shipped ones, replaced or added by mkdocs.yml, minus `disable`."""
    by_code = {rule.code: rule for rule in shipped_rules()}
    by_code.update({rule.code: rule for rule in settings.rules})
    return [by_code[code] for code in sorted(by_code) if code not in set(settings.disable)]


def _build(rule: BlamelessRule, where: str, prefilter: bool) -> Rule:
    compiled = {name: compile_pattern(raw, f"{where} {rule.code} {name}") for name, raw in rule.written_patterns()}
    patterns = [p for name, p in compiled.items() if not name.startswith("unless")]
    unless = [p for name, p in compiled.items() if name.startswith("unless")]
    if prefilter:
        required = tuple(required_words(p) for p in patterns)
        clauses = tuple(required_clauses(p) for p in patterns)
    else:  # every pattern runs over the whole text (what `required` None means): the same findings
        required, clauses = tuple(None for _ in patterns), ()
    message = " ".join(rule.message.split()).rstrip(".")  # the warning adds its own full stop
    return Rule(rule.code, message, " ".join(rule.hint.split()), tuple(patterns), tuple(unless), required, clauses)


_BUILT: dict[str, RuleSet] = {}


def compile_rules(settings: BlamelessSettings, prefilter: bool = True) -> RuleSet:
    """The shipped rules plus the configured ones, minus the silenced codes.

    Built once per distinct configuration (the settings are validated already, and
    every pattern was compiled then: `pmkb.lint.patterns` caches them). Without `prefilter`, the
    patterns are not analysed for the words a match needs: cheaper for a few texts, slower for many.
    """
    key = f"{prefilter} {settings.model_dump_json()}"
    if key not in _BUILT:
        by_code = {rule.code: _build(rule, "pmkb/data/blameless.yml", prefilter) for rule in shipped_rules()}
        by_code.update({rule.code: _build(rule, f"rules[{i}]", prefilter) for i, rule in enumerate(settings.rules)})
        disabled = set(settings.disable)
        kept = tuple(by_code[code] for code in sorted(by_code) if code not in disabled)
        if len(_BUILT) >= 16:  # a long `mkdocs serve` session with many configurations
            _BUILT.clear()
        _BUILT[key] = RuleSet(kept, tuple(settings.names))
    return _BUILT[key]
