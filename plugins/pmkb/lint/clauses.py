"""Every group of words a pattern needs, not only the most selective one.

`prefilter.required_words` keeps one group: for BL003's "{person} ...
{lapse}" that is the lapse verbs, and common ones ("check", "read", "missed")
send half the sentences of a postmortem to a pattern that then fails at every
position for want of a person (~0.5 ms a postmortem for that pattern alone).
Here every group is kept (a clause), so a sentence must hold a person word
*and* a lapse verb; and a word the pattern fences with `\\b` on both sides
("he", "she", "I") counts only as a whole word, or every "the" would hold a "he".

A clause is a frozenset of lowercase needles: a word the sentence must hold
anywhere, or, written with a space before it (" he"), as a whole word (no
word character either side). A sentence satisfies a clause when it holds one
of its needles, and every match of the pattern satisfies every clause where
the lowercased text holds what `re.IGNORECASE` matches: `FOLDS_LOWER_MISSES`
says where it does not (the linter then keeps to `required_words`).
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

from .prefilter import COMMON_WORDS, parse_tree

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]

__all__ = ["Clause", "FOLDS_LOWER_MISSES", "required_clauses"]

Clause = frozenset[str]

# The characters `re.IGNORECASE` takes for an ASCII letter but `str.lower()` leaves alone
# ("ı" for i, "ſ" for s; "İ" lowercases to two characters, which turns the prefilter off).
# Clauses hold only ASCII and caseless characters, which nothing else folds to.
FOLDS_LOWER_MISSES = "ıſ"

_WORD = re.compile(r"\w")
_LIMIT = 64  # strings in a finite language worth listing; past that, the words inside are used


def _key(clause: Clause) -> tuple[bool, int, int]:
    """Selectivity, as `prefilter` ranks word groups: no common word, longest shortest word, fewest words."""
    words = {needle.lstrip(" ") for needle in clause}
    return (not (words & COMMON_WORDS), min(len(w) for w in words), -len(words))


# Whole words that still point at people: rare in postmortems, which are written as "we".
_PRONOUNS = frozenset({"he", "she", "i", "they", "who", "someone", "somebody"})


def _weak(clause: Clause) -> bool:
    """Held by nearly every sentence ("ed", "the", "is" anywhere): costs more to look up than it saves.

    A short needle is weak when it is made of letters (the name token `{name}` is one character);
    a common word is weak even whole, unless it is a pronoun.
    """
    for needle in clause:
        word = needle.lstrip(" ")
        if needle.startswith(" "):
            if word in COMMON_WORDS and word not in _PRONOUNS:
                return True
        elif (len(word) < 3 and word.isascii()) or word in COMMON_WORDS:
            return True
    return False


# Stands for a `\b` in the strings `_language` lists: a noncharacter, never in prose.
_FENCE = "\ufdd0"


def _language(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Every string `items` can match, `\b` written as `_FENCE`, when they are few and known; else None."""
    strings = {""}
    for op, arg in items:
        if op is _c.LITERAL and chr(arg) != _FENCE:
            options: set[str] | None = {chr(arg)}
        elif op is _c.IN and all(kind is _c.LITERAL and chr(code) != _FENCE for kind, code in arg):
            options = {chr(code) for _, code in arg}
        elif op is _c.AT and arg is _c.AT_BOUNDARY:
            options = {_FENCE}
        elif op is _c.SUBPATTERN and not arg[1] & _c.SRE_FLAG_ASCII:
            options = _language(arg[-1])
        elif op is _c.BRANCH:
            options = set()
            for alternative in arg[1]:
                found = _language(alternative)
                if found is None:
                    return None
                options |= found
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[1] <= 3:
            once = _language(arg[2])
            if once is None:
                return None
            options = {"".join(p) for n in range(arg[0], arg[1] + 1) for p in product(sorted(once), repeat=n)}
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            options = {""}  # a look-around takes no characters: allowing the empty string only widens the set
        else:
            return None
        if options is None:
            return None
        strings = {s + o for s in strings for o in options}
        if len(strings) > _LIMIT:
            return None
    return strings


_STARTS = (_c.AT_BEGINNING, _c.AT_BEGINNING_LINE, _c.AT_BEGINNING_STRING)  # nothing or a line break before
_ENDS = (_c.AT_END, _c.AT_END_LINE, _c.AT_END_STRING)  # nothing or a line break after
_NONWORD_CATEGORIES = (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD, _c.CATEGORY_LINEBREAK)


def _nonword_member(kind: Any, value: Any) -> bool:
    if kind is _c.LITERAL:
        return not _WORD.match(chr(value))
    if kind is _c.CATEGORY:
        return value in _NONWORD_CATEGORIES
    return False  # ranges, negations: not worth proving


def _edge(items: Any, last: bool) -> tuple[bool, bool]:
    """(every non-empty match of `items` starts, or with `last` ends, with a non-word character; it may be empty)."""
    nonword = True
    for op, arg in reversed(list(items)) if last else items:
        if op is _c.LITERAL:
            found = (not _WORD.match(chr(arg)), False)
        elif op is _c.IN:
            found = (all(_nonword_member(kind, value) for kind, value in arg), False)
        elif op is _c.SUBPATTERN:
            found = _edge(arg[-1], last)
        elif op is _c.BRANCH:
            alternatives = [_edge(alternative, last) for alternative in arg[1]]
            found = (all(a[0] for a in alternatives), any(a[1] for a in alternatives))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            inner = _edge(arg[2], last)
            found = (inner[0], arg[0] == 0 or inner[1])
        elif op is _c.AT and arg in (_STARTS if last else _ENDS):
            found = (True, False)
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            found = (True, True)  # takes no character: look further
        else:
            found = (False, True)
        nonword = nonword and found[0]
        if not found[1]:
            return nonword, False
    return nonword, True


def _fenced(items: list[tuple[Any, Any]], last: bool) -> bool:
    """Whether a non-word character (or the text's edge) always comes right after (`last`: before) `items`."""
    nonword, empty = _edge(items, last)
    return nonword and not empty


def _whole_words(items: list[tuple[Any, Any]], start: int, end: int) -> Clause | None:
    """A clause of whole words from `items[start:end]`, when every string they match holds one.

    A word is whole between two fences: a `\\b` next to its word character, or what comes
    before or after the stretch when that is always a non-word character (a space, a comma).
    So "he" in "\\bhe\\b" is a whole word, never the end of "the", and so is "who" in "\\bwho ".
    """
    strings = _language(items[start:end])
    if not strings:
        return None
    before = _FENCE if _fenced(items[:start], last=True) else ""
    after = _FENCE if _fenced(items[end:], last=False) else ""
    whole: set[str] = set()
    for string in strings:
        words = (before + string + after).split(_FENCE)[1:-1]
        fenced = [w for w in words if w and _WORD.match(w[0]) and _WORD.match(w[-1])]
        if not fenced:
            return None
        whole.add(" " + max(fenced, key=len).lower())
    return frozenset(whole) if _checkable(frozenset(whole)) else None


def _stretches(items: list[tuple[Any, Any]]) -> list[tuple[int, int]]:
    """(start, end) of each longest run of items whose strings `_language` can list."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, item in enumerate([*items, None]):
        listable = item is not None and _language([item]) is not None
        if listable and start is None:
            start = index
        elif not listable and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _sequence(items: Any, unicode_words: bool) -> list[Clause]:
    """The clauses every match of `items` (in a row) satisfies.

    `unicode_words`: `\\b` means what `str` word characters say (not ASCII's), so fenced
    words can be whole words. Outside them a run of literal characters is a word, and
    each other item adds its own clauses.
    """
    items = list(items)
    clauses: list[Clause] = []
    fenced: set[int] = set()
    for start, end in _stretches(items) if unicode_words else []:
        whole = _whole_words(items, start, end)
        if whole is not None:
            clauses.append(whole)
            fenced.update(range(start, end))
    run: list[str] = []
    for index, (op, arg) in enumerate([*items, (None, None)]):
        if op is _c.LITERAL and index not in fenced:
            run.append(chr(arg))
            continue
        if run:
            clauses.append(frozenset({"".join(run).lower()}))
            run = []
        if op is not None and index not in fenced:
            clauses += _item(op, arg, unicode_words)
    return clauses


def _item(op: Any, arg: Any, unicode_words: bool) -> list[Clause]:
    if op is _c.SUBPATTERN:
        return _sequence(arg[-1], unicode_words and not arg[1] & _c.SRE_FLAG_ASCII)
    if op is _c.BRANCH:
        # One clause: the best of each alternative's, joined. An alternative that needs nothing needs nothing.
        joined: set[str] = set()
        for alternative in arg[1]:
            found = _sequence(alternative, unicode_words)
            if not found:
                return []
            joined |= max(found, key=_key)  # the first of equals, as `prefilter` picks
        return [frozenset(joined)]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(arg[2], unicode_words)
    return []  # classes, anchors, look-arounds, optional parts: nothing guaranteed


def _safe(ch: str) -> bool:
    """Whether `str.lower()` finds every character `re.IGNORECASE` matches to `ch`, and a token may hold it.

    ASCII and caseless characters, in a text without `FOLDS_LOWER_MISSES`; whitespace splits tokens.
    """
    return not ch.isspace() and (ch.isascii() or ch.upper() == ch.lower())


def _checkable(clause: Clause) -> bool:
    return all(needle.lstrip(" ") and all(_safe(ch) for ch in needle.lstrip(" ")) for needle in clause)


def _safe_part(needle: str) -> str:
    """`needle` if it is checkable, else its longest checkable piece, held anywhere ("vely" for "naïvely")."""
    word = needle.lstrip(" ")
    if word and all(_safe(ch) for ch in word):
        return needle
    pieces = "".join(ch if _safe(ch) else "\n" for ch in word).split("\n")
    return max(pieces, key=len)


def _simplest(clause: Clause) -> Clause:
    """The same clause with fewer needles: "admin" anywhere covers "administrator" and the whole word "admins"."""
    words = [n for n in clause if not n.startswith(" ")]
    return frozenset(n for n in clause if not any(w != n and w in n for w in words))


def required_clauses(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """Clauses every match of `pattern` satisfies, the most selective first; () if none is known or worth it."""
    parsed = parse_tree(pattern)
    if parsed is None:  # pragma: no cover - the pattern compiled, so this is defensive only
        return ()
    found = [frozenset(_safe_part(n) for n in c) for c in _sequence(parsed, not pattern.flags & re.ASCII)]
    useful = list(dict.fromkeys(_simplest(c) for c in found if c and "" not in c and not _weak(c)))
    return tuple(sorted(useful, key=_key, reverse=True))
