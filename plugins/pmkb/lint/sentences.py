"""Which sentences of a text a pattern can match in, from the words it needs.

A match never spans two sentences (`split`), so each pattern runs only over
the sentences that satisfy every clause it needs (`clauses.py`: a person
word *and* a lapse verb...). What a text holds is looked up per distinct
whitespace-separated token (`WordIndex`); most patterns stop there, their
words absent from the whole text. For the others, which sentences hold
which needle is worked out once per text, as bit masks, so a pattern's
sentences cost a few integer operations.

Where lowercasing does not find what `re.IGNORECASE` matches (`FOLDS_LOWER_MISSES`),
each pattern keeps to its one group of `required` words (`prefilter.py`),
found with `str.find`, as before clauses.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import Iterator

from .clauses import FOLDS_LOWER_MISSES, Clause
from .rules import RuleSet

__all__ = ["Sentences", "split"]

# Where a sentence ends: . ! ? before whitespace, or a blank line (end of a paragraph).
_SEGMENT_BREAK = re.compile(r"[.!?]\s+|\n[ \t]*\n")
_NONE: frozenset[str] = frozenset()
_RUN = re.compile(r"\w+")


def split(masked: str) -> list[tuple[int, int]]:
    """Sentences (roughly), as (start, end): a match never spans two, so each can be searched alone."""
    spans, start = [], 0
    for match in _SEGMENT_BREAK.finditer(masked):
        spans.append((start, match.start() + (match.group(0)[0] in ".!?")))  # keep the full stop
        start = match.end()
    spans.append((start, len(masked)))
    return spans


class WordIndex:
    """Which of a rule set's needles a token holds, worked out once per distinct token.

    A needle has no whitespace, so it occurs in a text exactly when it occurs inside one
    of the text's tokens, and as a whole word exactly when it does so in a token (the
    token's ends are whitespace): the answer is exact. Tokens repeat from one postmortem
    to the next, so a text costs one split and a lookup per distinct token, instead of a
    full scan of the text per needle (~300 of them, most absent).
    """

    _LIMIT = 200_000  # tokens remembered; a huge vocabulary starts over rather than growing without bound

    def __init__(self, rules: RuleSet):
        needles = {n for rule in rules.rules for clauses in rule.clauses for clause in clauses for n in clause}
        # Needles by their first two characters (the one, for a one-character needle): a token is then
        # looked at once per character, not once per needle (~250 of them).
        self.starting: dict[str, list[str]] = {}
        for word in sorted(n for n in needles if not n.startswith(" ")):
            self.starting.setdefault(word[:2], []).append(word)
        whole = sorted(n for n in needles if n.startswith(" "))
        # A whole word made of word characters is one of the token's runs of them; others need a search.
        self.runs = {n[1:]: n for n in whole if _RUN.fullmatch(n[1:])}
        self.others = tuple(
            (n, n[1:], re.compile(rf"(?<!\w){re.escape(n[1:])}(?!\w)")) for n in whole if n[1:] not in self.runs
        )
        self.held: dict[str, frozenset[str]] = {}
        # Each distinct clause is a bit: a needle sets the bits of the clauses it satisfies, and a
        # pattern's clauses are the bits it needs, so "does the text hold them all" is one AND.
        per_pattern = {clauses for rule in rules.rules for clauses in rule.clauses}
        bits = {clause: 1 << i for i, clause in enumerate(sorted({c for cs in per_pattern for c in cs}, key=sorted))}
        self.satisfies: dict[str, int] = {}
        for clause, bit in bits.items():
            for needle in clause:
                self.satisfies[needle] = self.satisfies.get(needle, 0) | bit
        self.needs = {clauses: sum(bits[c] for c in set(clauses)) for clauses in per_pattern}

    def _learn(self, token: str) -> frozenset[str]:
        starting = self.starting
        found = [
            w
            for i in range(len(token))
            for key in (token[i : i + 2], token[i])
            for w in starting.get(key, ())
            if len(w) == len(key) or token.startswith(w, i)
        ]
        found += [self.runs[run] for run in self.runs.keys() & _RUN.findall(token)]
        found += [needle for needle, word, pattern in self.others if word in token and pattern.search(token)]
        return frozenset(found) or _NONE

    def present(self, tokens: list[str]) -> set[str]:
        """The needles `tokens` hold."""
        if len(self.held) > self._LIMIT:
            self.held.clear()
        distinct = set(tokens)
        for token in distinct.difference(self.held):
            self.held[token] = self._learn(token)
        return set().union(*map(self.held.__getitem__, distinct))


# By identity: hashing a rule set hashes every compiled pattern (~0.3 ms), and `compile_rules`
# hands out one object per configuration. The rule set is kept alongside, so its id stays its own.
_INDEXES: dict[int, tuple[RuleSet, WordIndex]] = {}


def _word_index(rules: RuleSet) -> WordIndex:
    entry = _INDEXES.get(id(rules))
    if entry is None or entry[0] is not rules:
        if len(_INDEXES) >= 16:  # a long `mkdocs serve` session with many configurations
            _INDEXES.clear()
        entry = _INDEXES[id(rules)] = (rules, WordIndex(rules))
    return entry[1]


def _holding(lowered: str, spans: list[tuple[int, int]], held: dict[str, frozenset[str]]) -> dict[str, int]:
    holding: dict[str, int] = {}
    for number, (start, end) in enumerate(spans):
        bit = 1 << number
        for needle in _NONE.union(*map(held.__getitem__, lowered[start:end].split())):
            holding[needle] = holding.get(needle, 0) | bit
    return holding


def _numbers(mask: int) -> Iterator[int]:
    """The set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Sentences:
    """One masked text's sentences, and which of them each pattern needs to search."""

    def __init__(self, masked: str, rules: RuleSet):
        self.masked = masked
        self.index = _word_index(rules)
        lowered: str | None = masked.lower()
        if len(lowered) != len(masked):  # a rare letter whose lowercase is longer: skip the prefilter
            lowered = None
        self.lowered = lowered
        # Clauses are exact only where lowercasing finds what re.IGNORECASE matches (clauses.py).
        self.exact = lowered is not None and not any(ch in masked for ch in FOLDS_LOWER_MISSES)
        self.present = self.index.present(lowered.split()) if self.exact and lowered is not None else _NONE
        satisfies = self.index.satisfies
        self.satisfied = 0  # the clauses the text holds, as bits (`WordIndex.needs`)
        for needle in self.present:
            self.satisfied |= satisfies[needle]
        self._holding: dict[str, int] | None = None  # needle -> sentences holding it, once a pattern asks
        self._found: dict[str, int] = {}  # word -> sentences holding it, where clauses are not exact

    def regions(self, required: frozenset[str] | None, clauses: tuple[Clause, ...]) -> list[tuple[int, int]]:
        """(start, end) of each sentence where a pattern needing `required` and `clauses` may match.

        `required` None: the pattern needs no word, and runs over the whole text at once.
        """
        if required is None or self.lowered is None:
            return [(0, len(self.masked))]
        if not self.exact or not clauses:  # clauses not exact here, or none worth testing ("ly" in "\\w+ly")
            mask = 0
            for word in required:
                mask |= self._find(word)
        else:
            # Whether the text holds every clause at all: most patterns stop here.
            present = self.present
            need = self.index.needs.get(clauses)
            if need is None:  # clauses from elsewhere than the rule set
                if any(clause.isdisjoint(present) for clause in clauses):
                    return []
            elif need & ~self.satisfied:
                return []
            holding = self._holding if self._holding is not None else self._index()
            mask = (1 << len(self.spans)) - 1
            for clause in clauses:
                held = 0
                for needle in clause.intersection(present):
                    held |= holding[needle]
                mask &= held
        return [self.spans[n] for n in _numbers(mask)]

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """The sentences, split only once a pattern may match: most texts never need them."""
        return split(self.masked)

    @cached_property
    def starts(self) -> list[int]:
        return [start for start, _ in self.spans]

    def _index(self) -> dict[str, int]:
        """Needle -> the sentences holding it, from each sentence's tokens (the text's own, already looked up)."""
        assert self.lowered is not None
        lowered, spans = self.lowered, self.spans
        try:
            holding = _holding(lowered, spans, self.index.held)
        except KeyError:  # the index started over (`WordIndex._LIMIT`) since this text was looked up
            for start, end in spans:
                self.index.present(lowered[start:end].split())
            holding = _holding(lowered, spans, self.index.held)
        self._holding = holding
        return holding

    def _find(self, word: str) -> int:
        """The sentences holding `word` (by `str.find`), as a bit mask."""
        mask = self._found.get(word)
        if mask is None:
            assert self.lowered is not None
            lowered, spans, mask = self.lowered, self.spans, 0
            index = lowered.find(word)
            while index != -1:
                number = bisect.bisect_right(self.starts, index) - 1
                mask |= 1 << number
                index = lowered.find(word, max(index + 1, spans[number][1] + 1))  # next sentence
            self._found[word] = mask
        return mask
