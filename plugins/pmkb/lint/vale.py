"""The blameless rules as a Vale style, so editors running Vale flag blame while the author types.

Vale (vale.sh) matches with Go's `regexp`, which is RE2: no look-around, no
back-references. Each pmkb rule becomes one Vale `existence` rule whose tokens
are the rule's patterns with every slot expanded. What cannot be carried over:

- a rule with `unless` exceptions (BL005 "blame", BL006 "at fault"): the
  exceptions apply to the whole sentence ("nobody was to blame"); Vale has no
  such condition, and without it the rule would flag the blameless sentences
  themselves. Left out.
- a pattern with a look-behind, a positive look-ahead or a back-reference:
  no RE2 equivalent. Left out (the shipped rules have none).
- a negative look-ahead (e.g. "should have" but not "should have been"): RE2
  cannot say "not followed by", so it is dropped and the pattern exported a
  little wider. Each such pattern is listed as approximate.
- `{name}`: pmkb fills it per postmortem with the people of its front matter;
  Vale cannot read front matter, so it matches only the `blameless.names` of
  mkdocs.yml (nothing when that list is empty). Roles, pronouns and the rest
  still match.
- `<!-- blameless: ignore -->` and the quoted-text exemption are pmkb's; Vale
  has its own (`<!-- vale Blameless.BL003 = NO -->`) and does not skip text in
  double quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .patterns import expanded_pattern, phrase_pattern
from .settings import BlamelessRule, BlamelessSettings
from .rules import effective_rules

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["ValeExport", "ValeRule", "export_vale", "re2_problem", "write_vale_style"]

# A class that matches nothing: what `{name}` becomes when no names are configured.
_NOTHING = r"[^\s\S]"


@dataclass(frozen=True, slots=True)
class ValeRule:
    code: str
    message: str
    tokens: tuple[str, ...]
    approximate: tuple[str, ...] = ()  # notes on patterns exported wider than in pmkb


@dataclass(slots=True)
class ValeExport:
    rules: list[ValeRule] = field(default_factory=list)
    # (code, why) for each rule or pattern that could not be expressed.
    left_out: list[tuple[str, str]] = field(default_factory=list)


def _names_slot(names: list[str]) -> str:
    if not names:
        return _NOTHING
    return "(?:" + "|".join(r"\s+".join(re.escape(part) for part in n.split()) for n in sorted(set(names), key=len, reverse=True)) + ")"


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opening at `start` (escapes and classes respected)."""
    depth = 0
    i = start
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(pattern)


def _drop_negative_lookaheads(pattern: str) -> tuple[str, int]:
    """The pattern without its `(?!...)` groups, and how many were dropped."""
    out: list[str] = []
    dropped = 0
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif pattern.startswith("(?!", i):
            i = _group_end(pattern, i)
            dropped += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), dropped


def re2_problem(pattern: str) -> str | None:
    """Why RE2 (Go's regexp, Vale's engine) cannot run `pattern`, or None when it can."""
    try:
        tree = _p.parse(pattern)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a reason
        return f"not a valid regular expression ({exc})"
    stack = [tree]
    while stack:
        items = stack.pop()
        for op, arg in items:
            if op in (_c.ASSERT, _c.ASSERT_NOT):
                return "a look-behind or look-ahead"
            if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
                return "a back-reference"
            if op is _c.AT and arg in (_c.AT_END_STRING,):
                return r"\Z (RE2 spells it \z)"
            if op is _c.SUBPATTERN:
                stack.append(arg[-1])
            elif op is _c.BRANCH:
                stack.extend(arg[1])
            elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
                if op is getattr(_c, "POSSESSIVE_REPEAT", object()):
                    return "a possessive repeat"
                if arg[1] is not _c.MAXREPEAT and arg[1] > 1000:
                    return "a repeat count above 1000"
                stack.append(arg[2])
            elif op is getattr(_c, "ATOMIC_GROUP", object()):
                return "an atomic group"
    return None


def _export_rule(rule: BlamelessRule, names_slot: str, export: ValeExport) -> None:
    if rule.unless:
        export.left_out.append(
            (rule.code, "its `unless` exceptions apply to the whole sentence, which Vale cannot express; "
             "without them it would flag blameless sentences such as \"nobody was to blame\"")
        )
        return
    tokens: list[str] = []
    approximate: list[str] = []
    written = [*rule.patterns, *(phrase_pattern(p) for p in rule.phrases if p.strip())]
    for index, raw in enumerate(written):
        pattern = expanded_pattern(raw, names_slot)
        pattern, dropped = _drop_negative_lookaheads(pattern)
        problem = re2_problem(pattern)
        if problem:
            export.left_out.append((f"{rule.code} pattern {index + 1}", f"uses {problem}, which RE2 has no equivalent for"))
            continue
        if dropped:
            approximate.append(str(index + 1))
        tokens.append(pattern)
    if tokens:
        message = " ".join(rule.message.split()).rstrip(".")
        hint = " ".join(rule.hint.split())
        notes = (
            (f"pattern(s) {', '.join(approximate)} lost a negative look-ahead (RE2 cannot say 'not followed by'), "
             "so Vale may flag a few phrases pmkb lets through",)
            if approximate else ()
        )
        export.rules.append(ValeRule(rule.code, f"'%s': {message}. {hint}", tuple(tokens), notes))


def export_vale(settings: BlamelessSettings) -> ValeExport:
    """The effective rules (shipped + mkdocs.yml, minus `disable`) as Vale rules, and what was left out."""
    export = ValeExport()
    names_slot = _names_slot(list(settings.names))
    for rule in effective_rules(settings):
        _export_rule(rule, names_slot, export)
    return export


def _rule_yaml(rule: ValeRule, style: str) -> str:
    header = [
        f"# {style}.{rule.code}: generated by `pmkb lint-rules --format vale` from pmkb's blameless rule {rule.code}.",
        "# Do not edit: change the rule in mkdocs.yml (plugins.pmkb.blameless) and regenerate.",
        *(f"# Approximate: {note}" for note in rule.approximate),
    ]
    body = {
        "extends": "existence",
        # Vale formats the message with Go's fmt: a literal % is written %%.
        "message": rule.message.replace("%", "%%").replace("'%%s'", "'%s'"),
        "level": "warning",
        "ignorecase": True,
        "nonword": True,  # the tokens carry their own word boundaries
        "tokens": list(rule.tokens),
    }
    return "\n".join(header) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=1_000_000)


def write_vale_style(export: ValeExport, styles_path: Path, style: str) -> Path:
    """Write `<styles_path>/<style>/<code>.yml` for each rule (stale ones of this style removed); the style folder."""
    folder = styles_path / style
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{rule.code}.yml" for rule in export.rules}
    for old in folder.glob("BL*.yml"):
        if old.name not in wanted and old.read_text(encoding="utf-8").startswith(f"# {style}.BL"):
            old.unlink()  # a rule since disabled; only files this export wrote
    for rule in export.rules:
        (folder / f"{rule.code}.yml").write_text(_rule_yaml(rule, style), encoding="utf-8")
    return folder
