"""People the linter recognises, and how their names reach the patterns.

A rule says `{name}`; it cannot know the people of every postmortem, and
compiling each rule once per postmortem would cost more than the linting.
So before matching, every whole-word occurrence of a known name in the
masked text is replaced by a same-length token (`NAME_START` then
`NAME_REST`...), which `{name}` matches. Lines and columns do not move.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..knowledge.models import Postmortem
from .patterns import NAME_REST, NAME_SLOT, NAME_START

__all__ = ["NAME_SLOT", "mask_names", "names_of", "people_names"]


# Owners are sometimes teams ("Platform Team"): their words are not first names.
_GROUP_WORDS = {"team", "squad", "group", "guild", "crew", "ops", "sre", "oncall", "on-call", "platform", "support"}


def people_names(values: Iterable[str]) -> set[str]:
    """Full names plus the first name of each multi-word personal name."""
    names: set[str] = set()
    for value in values:
        full = " ".join(value.split())
        if not full or not full[0].isupper():
            continue  # "payments", "sre-oncall": a team slug, not a person
        names.add(full)
        words = full.split(" ")
        looks_personal = all(w[:1].isupper() for w in words) and not any(w.casefold() in _GROUP_WORDS for w in words)
        if len(words) > 1 and looks_personal and len(words[0]) > 1:
            names.add(words[0])
    return names


def names_of(meta: Postmortem, configured: Iterable[str] = ()) -> set[str]:
    """The people a postmortem mentions in its front matter, plus the configured list."""
    values = [*meta.authors, *([meta.incident_commander] if meta.incident_commander else [])]
    values += [item.owner for item in meta.action_items]
    return people_names([*values, *configured])


def mask_names(text: str, names: Iterable[str]) -> str:
    """Replace each whole-word, case-exact occurrence of a name by a same-length token."""
    # "Sam Lee" before "Sam"; names of one length in a fixed order, so no run depends on set order.
    # A name whose words are not all in the text cannot match: leaving it out changes no match, and
    # most bodies name nobody, so they skip the pattern (and its compiling) altogether.
    given = {n for n in names if n}
    found = {part for part in {p for n in given for p in n.split(" ")} if part in text}  # "Sam" once, for "Sam Lee" too
    present = {n for n in given if found.issuperset(n.split(" "))}
    ordered = sorted(present, key=lambda n: (-len(n), n))
    if not ordered:
        return text
    # A space in a name matches a line break too: prose wraps.
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in name.split(" ")) for name in ordered)
    # The left word boundary is checked in `token`: a leading look-behind would slow every position.
    pattern = re.compile(rf"(?:{alternatives})(?!\w)")

    def token(match: re.Match[str]) -> str:
        found = match.group(0)
        before = text[match.start() - 1] if match.start() else " "
        if before.isalnum() or before == "_":
            return found  # the end of a longer word ("McDana"), not a name
        # Keep line breaks where they were, so lines still line up.
        return NAME_START + "".join("\n" if ch == "\n" else NAME_REST for ch in found[1:])

    return pattern.sub(token, text)
