"""Blameless rule patterns: slot expansion, whitespace and phrase handling, compiling.

The lowest layer of the linter: it knows the shipped vocabulary (`{person}`,
`{failed}` ... in `pmkb/data/blameless.yml`) and turns a written pattern into
a compiled regular expression, once per distinct pattern (cached), so that
validating the settings and building the rule set never compile twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


__all__ = ["NAME_REST", "NAME_SLOT", "NAME_START", "RuleError", "compile_pattern", "expanded_pattern", "phrase_pattern", "shipped_data", "vocabulary"]

# `{name}` in a rule: the linter replaces every known person's name with this same-length
# token before matching (see `pmkb.lint.names`), so rules compile once, not once per postmortem.
NAME_START = "\ue000"
NAME_REST = "\ue001"
NAME_SLOT = f"{NAME_START}(?:{NAME_REST}|\n(?={NAME_REST}))*"  # a name may wrap onto the next line

_SLOT = re.compile(r"\{([a-z_]+)\}")


class RuleError(ValueError):
    """A rule or its vocabulary cannot be compiled; the message names the rule and the pattern."""


@lru_cache(maxsize=1)
def shipped_data() -> dict[str, Any]:
    """The shipped data file as written: `vocabulary` (slot -> pattern) and `rules` (plain mappings)."""
    text = resources.files("pmkb").joinpath("data/blameless.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in (shipped_data().get("vocabulary") or {}).items()}


def _expand(pattern: str, vocabulary: dict[str, str], seen: tuple[str, ...] = (), name_slot: str = NAME_SLOT) -> str:
    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "name":
            return name_slot
        if name not in vocabulary:
            known = ", ".join(["{name}", *(f"{{{k}}}" for k in sorted(vocabulary))])
            raise RuleError(f"unknown slot {{{name}}} (known: {known})")
        if name in seen:
            raise RuleError(f"slot {{{name}}} refers to itself")
        return _expand(vocabulary[name], vocabulary, (*seen, name), name_slot)

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


def phrase_pattern(phrase: str) -> str:
    """A literal phrase as a pattern: its words escaped, whole words at either end."""
    words = phrase.split()
    body = " ".join(re.escape(w) for w in words)
    start = r"\b" if re.match(r"\w", words[0]) else ""
    end = r"\b" if re.search(r"\w$", words[-1]) else ""
    return start + body + end


def expanded_pattern(raw: str, name_slot: str) -> str:
    """`raw` with its slots expanded (`{name}` as `name_slot`) and spaces made flexible, not compiled.

    For exports to other regex engines (`pmkb.lint.vale`), which cannot see the linter's name tokens.
    """
    return _spaces(_expand(raw, vocabulary(), name_slot=name_slot))


def compile_pattern(raw: str, where: str) -> re.Pattern[str]:
    """`raw` with its slots expanded and spaces made flexible, compiled (RuleError names `where`)."""
    try:
        return _compiled(raw)
    except RuleError as exc:
        raise RuleError(f"{where}: {exc}") from None
    except re.error as exc:
        raise RuleError(f"{where}: not a valid regular expression ({exc}): {raw!r}") from None


@lru_cache(maxsize=4096)
def _compiled(raw: str) -> re.Pattern[str]:
    return re.compile(_spaces(_expand(raw, vocabulary())), re.IGNORECASE)
