"""Literal words a pattern cannot match without, to skip text cheaply.

Python's `re` scans a pattern that starts with `\\b` or an alternation at
every position of the text: about 0.25 ms per pattern for a 5,000-character
postmortem, so ~35 patterns cost ~10 ms a postmortem (50 s for 5,000). Every
rule, though, needs some word ("forgot", "fault", "blam"...): the pattern's
parse tree says which. The linter looks for those words with `str.find`
(C speed) in the lowercased text, and runs the pattern only on the paragraphs
where one occurs. A pattern with no such word (all classes, or all optional)
is simply run everywhere, so user rules of any shape stay correct.

This is the "required factors" idea of RE2's prefilter, in a few lines.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["COMMON_WORDS", "parse_tree", "required_words"]

Words = frozenset[str]


# Words in nearly every paragraph select nothing: prefer any other requirement to them.
COMMON_WORDS = frozenset(
    "a an and are as at be been but by did do for had has have he i in is it not of on or she the they to was we were who".split()
)


def _key(words: Words) -> tuple[bool, int, int]:
    return (not (words & COMMON_WORDS), min(len(w) for w in words), -len(words))


def _better(a: Words | None, b: Words | None) -> Words | None:
    """The more selective of two requirements: no common word, longer shortest word, fewer words."""
    if a is None:
        return b
    if b is None:
        return a
    return a if _key(a) >= _key(b) else b


def _sequence(items: Any) -> Words | None:
    best: Words | None = None
    run: list[str] = []
    for op, arg in list(items) + [(None, None)]:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            best = _better(best, frozenset({"".join(run).lower()}))
            run = []
        if op is None:
            break
        best = _better(best, _item(op, arg))
    return best


def _item(op: Any, arg: Any) -> Words | None:
    if op is _c.SUBPATTERN:
        return _sequence(arg[-1])
    if op is _c.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            words = _sequence(alternative)
            if words is None:
                return None  # one branch needs nothing: the whole branch needs nothing
            union |= words
        return frozenset(union)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(arg[2])
    return None  # classes, anchors, look-arounds, optional parts: no word guaranteed


def parse_tree(pattern: re.Pattern[str]) -> Any:
    """The parse tree `re` compiled `pattern` from (None should it not parse again)."""
    try:
        return _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - the pattern compiled, so this is defensive only
        return None


def required_words(pattern: re.Pattern[str]) -> Words | None:
    """Lowercase words of which every match contains at least one; None if there is no such set."""
    parsed = parse_tree(pattern)
    if parsed is None:  # pragma: no cover - the pattern compiled, so this is defensive only
        return None
    words = _sequence(parsed)
    if words is None or any(not w.strip() for w in words):
        return None
    return words
