"""The blameless-language rules: the shipped data file merged with mkdocs.yml.

Rules are data (`pmkb/data/blameless.yml`): each has a code, regular
expressions or literal phrases, a message and a rewording hint. The
`blameless` block of mkdocs.yml adds rules (a rule with a shipped code
replaces it), silences codes (`disable`) and names more people (`names`).

Patterns are compiled once per distinct configuration (cached), never once
per postmortem: `{name}` matches a token the linter puts where a known
person's name was (see `pmkb.lint.names`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..settings import BlamelessRule, BlamelessSettings
from .names import NAME_SLOT
from .prefilter import required_words

__all__ = ["Rule", "RuleError", "RuleSet", "compile_rules", "shipped_rules"]

_SLOT = re.compile(r"\{([a-z_]+)\}")


class RuleError(ValueError):
    """A rule or its vocabulary cannot be compiled; the message names the rule and the pattern."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    message: str
    hint: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    # Per pattern: lowercase words one of which every match contains (None: unknown). See prefilter.py.
    required: tuple[frozenset[str] | None, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    names: tuple[str, ...]  # the `names` setting; each postmortem adds its own people

    @property
    def codes(self) -> list[str]:
        return [rule.code for rule in self.rules]


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, str], tuple[BlamelessRule, ...]]:
    text = resources.files("pmkb").joinpath("data/blameless.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    vocabulary = {str(k): str(v).strip() for k, v in (data.get("vocabulary") or {}).items()}
    rules = tuple(BlamelessRule.model_validate(raw) for raw in data.get("rules") or [])
    return vocabulary, rules


def shipped_rules() -> tuple[BlamelessRule, ...]:
    """The rules pmkb ships, as written in the data file."""
    return _shipped()[1]


def _expand(pattern: str, vocabulary: dict[str, str], seen: tuple[str, ...] = ()) -> str:
    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "name":
            return NAME_SLOT
        if name not in vocabulary:
            known = ", ".join(["{name}", *(f"{{{k}}}" for k in sorted(vocabulary))])
            raise RuleError(f"unknown slot {{{name}}} (known: {known})")
        if name in seen:
            raise RuleError(f"slot {{{name}}} refers to itself")
        return _expand(vocabulary[name], vocabulary, (*seen, name))

    return _SLOT.sub(slot, pattern)


def _spaces(pattern: str) -> str:
    """A space outside a character class matches any whitespace run (prose wraps lines).

    ` ?` and ` *` make the whitespace optional; ` +` is the same as a space.
    """
    out: list[str] = []
    in_class = escaped = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a literal ] first in a class
                out.append("]")
                i += 1
        elif ch == " ":
            while pattern[i + 1 : i + 2] == " ":
                i += 1
            quantifier = pattern[i + 1 : i + 2]
            if quantifier in ("?", "*"):
                out.append(r"\s*")
                i += 1
            elif quantifier == "+":
                out.append(r"\s+")
                i += 1
            else:
                out.append(r"\s+")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _phrase(phrase: str) -> str:
    words = phrase.split()
    body = " ".join(re.escape(w) for w in words)
    start = r"\b" if re.match(r"\w", words[0]) else ""
    end = r"\b" if re.search(r"\w$", words[-1]) else ""
    return start + body + end


def _compile(raw: str, vocabulary: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(_spaces(_expand(raw, vocabulary)), re.IGNORECASE)
    except RuleError as exc:
        raise RuleError(f"{where}: {exc}") from None
    except re.error as exc:
        raise RuleError(f"{where}: not a valid regular expression ({exc}): {raw!r}") from None


def _build(rule: BlamelessRule, vocabulary: dict[str, str], where: str) -> Rule:
    patterns = [_compile(p, vocabulary, f"{where} {rule.code} patterns[{i}]") for i, p in enumerate(rule.patterns)]
    patterns += [
        _compile(_phrase(p), vocabulary, f"{where} {rule.code} phrases[{i}]") for i, p in enumerate(rule.phrases) if p.strip()
    ]
    unless = [_compile(p, vocabulary, f"{where} {rule.code} unless[{i}]") for i, p in enumerate(rule.unless)]
    required = tuple(required_words(p) for p in patterns)
    message = " ".join(rule.message.split()).rstrip(".")  # the warning adds its own full stop
    return Rule(rule.code, message, " ".join(rule.hint.split()), tuple(patterns), tuple(unless), required)


@lru_cache(maxsize=16)
def _compile_cached(config_json: str) -> RuleSet:
    # Plain data, not BlamelessSettings: its validator calls us (no recursion).
    config: dict[str, Any] = json.loads(config_json)
    vocabulary, shipped = _shipped()
    by_code: dict[str, Rule] = {}
    for rule in shipped:
        by_code[rule.code] = _build(rule, vocabulary, "pmkb/data/blameless.yml")
    for index, raw in enumerate(config.get("rules") or []):
        rule = BlamelessRule.model_validate(raw)
        by_code[rule.code] = _build(rule, vocabulary, f"rules[{index}]")
    disable = set(config.get("disable") or [])
    unknown = sorted(disable - set(by_code))
    if unknown:
        raise RuleError(f"disable: no rule {', '.join(unknown)} (rules: {', '.join(sorted(by_code))})")
    kept = tuple(by_code[code] for code in sorted(by_code) if code not in disable)
    return RuleSet(kept, tuple(config.get("names") or []))


def compile_rules(settings: BlamelessSettings) -> RuleSet:
    """The shipped rules plus the configured ones, minus the silenced codes.

    Raises RuleError (a ValueError) naming the rule and pattern that does not compile.
    """
    return _compile_cached(json.dumps(settings.model_dump(mode="json"), sort_keys=True))
