"""Run the blameless-language rules over one Markdown body.

1. `prose_mask` blanks what is not the author's prose (code, quotes, links...).
2. `mask_names` turns the postmortem's people into `{name}` tokens.
3. Every rule's patterns run over each sentence that holds one of the words
   the pattern needs (`prefilter.py`); a phrase that wraps onto the next line
   is still found, one that spans two sentences is not. A match is mapped back
   to its line and column (both 1-based, columns in characters).
4. A match is dropped when a rule's `unless` pattern occurs in the same
   sentence, when its line carries `<!-- blameless: ignore -->`, or when it
   overlaps an earlier finding (one warning per phrase).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

from .names import mask_names
from .rules import Rule, RuleSet
from .scope import ignored_lines, prose_mask

__all__ = ["Finding", "lint_text"]

_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n[ \t]*\n")
_MAX_PHRASE = 60


@dataclass(frozen=True, slots=True)
class Finding:
    line: int  # 1-based, counted from the first line of the text given
    column: int  # 1-based, in characters
    code: str
    phrase: str  # as the author wrote it, whitespace collapsed
    message: str
    hint: str

    def describe(self) -> str:
        return f'"{self.phrase}": {self.message}. Hint: {self.hint}'


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]."""
    before = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 400), start)), default=max(0, start - 400))
    after = _SENTENCE_END.search(text, end)
    return text[before : after.start() if after else min(len(text), end + 400)]


def _phrase(original: str) -> str:
    phrase = " ".join(original.split())
    return phrase if len(phrase) <= _MAX_PHRASE else phrase[: _MAX_PHRASE - 1].rstrip() + "…"


# Where a sentence ends: . ! ? before whitespace, or a blank line (end of a paragraph).
_SEGMENT_BREAK = re.compile(r"[.!?]\s+|\n[ \t]*\n")


def _segments(masked: str) -> list[tuple[int, int]]:
    """Sentences (roughly): a match never spans two, so each can be searched alone."""
    spans, start = [], 0
    for match in _SEGMENT_BREAK.finditer(masked):
        spans.append((start, match.start() + (match.group(0)[0] in ".!?")))  # keep the full stop
        start = match.end()
    spans.append((start, len(masked)))
    return spans


class _WordIndex:
    """Which of a rule set's required words a text holds, from its distinct whitespace-separated tokens.

    A required word without whitespace occurs in a text exactly when it occurs inside one of the
    text's tokens, so the answer is exact. Tokens repeat from one postmortem to the next, so what
    each token holds is worked out once: a text then costs one split and a dictionary lookup per
    distinct token, instead of a full scan of the text per required word (~300 of them, most absent).
    """

    _LIMIT = 200_000  # tokens remembered; a huge vocabulary starts over rather than growing without bound

    def __init__(self, rules: RuleSet):
        words = {w for rule in rules.rules for ws in rule.required if ws is not None for w in ws}
        self.spaced = frozenset(w for w in words if any(ch.isspace() for ch in w))  # always searched
        self.words = tuple(sorted(words - self.spaced))
        self.memo: dict[str, frozenset[str]] = {}

    def present(self, lowered: str) -> set[str]:
        memo, found = self.memo, set(self.spaced)
        if len(memo) > self._LIMIT:
            memo.clear()
        for token in set(lowered.split()):
            held = memo.get(token)
            if held is None:
                held = memo[token] = frozenset(w for w in self.words if w in token)
            if held:
                found |= held
        return found


# By identity: hashing a rule set hashes every compiled pattern (~0.3 ms), and `compile_rules`
# hands out one object per configuration. The rule set is kept alongside, so its id stays its own.
_INDEXES: dict[int, tuple[RuleSet, _WordIndex]] = {}


def _word_index(rules: RuleSet) -> _WordIndex:
    entry = _INDEXES.get(id(rules))
    if entry is None or entry[0] is not rules:
        if len(_INDEXES) >= 16:  # a long `mkdocs serve` session with many configurations
            _INDEXES.clear()
        entry = _INDEXES[id(rules)] = (rules, _WordIndex(rules))
    return entry[1]


def _regions(
    lowered: str | None,
    words: frozenset[str] | None,
    segments: list[tuple[int, int]],
    starts: list[int],
    seen: dict[str, list[int]],
    present: set[str] | None = None,
) -> list[tuple[int, int]]:
    """The sentences where a pattern can match: those holding one of its required words.

    `seen` remembers, per text, the sentences each word occurs in: many rules share
    required words (a person's role, "should"), and each would otherwise rescan the text.
    `present` (when known) is every required word the text holds: the others need no search.
    """
    if words is None or lowered is None:
        return [(segments[0][0], segments[-1][1])]
    hit: set[int] = set()
    for word in words:
        numbers = seen.get(word)
        if numbers is None:
            numbers = []
            if present is not None and word not in present:
                seen[word] = numbers
                continue
            index = lowered.find(word)
            while index != -1:
                number = bisect.bisect_right(starts, index) - 1
                numbers.append(number)
                index = lowered.find(word, max(index + 1, segments[number][1] + 1))  # next sentence
            seen[word] = numbers
        hit.update(numbers)
    return [segments[n] for n in sorted(hit)]


def _matches(
    rule: Rule, masked: str, lowered: str | None, segments: list[tuple[int, int]], starts: list[int],
    seen: dict[str, list[int]], present: set[str] | None,
) -> Iterable[re.Match[str]]:
    for pattern, words in zip(rule.patterns, rule.required):
        for begin, end in _regions(lowered, words, segments, starts, seen, present):
            for match in pattern.finditer(masked, begin, end):
                if match.end() == match.start():
                    continue  # an empty match is no phrase
                if rule.unless:
                    sentence = _sentence(masked, match.start(), match.end())
                    if any(u.search(sentence) for u in rule.unless):
                        continue
                yield match


def lint_text(text: str, rules: RuleSet, names: Iterable[str] = ()) -> list[Finding]:
    """Findings in a Markdown body, in reading order, one per phrase."""
    return list(_lint(text, rules, frozenset(names)))


# No memo here: unchanged postmortems are served from the on-disk check cache
# (`pmkb.knowledge.cache`), so nothing grows in memory across `mkdocs serve` rebuilds.
def _lint(text: str, rules: RuleSet, names: frozenset[str]) -> tuple[Finding, ...]:
    masked = mask_names(prose_mask(text), [*names])
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    silenced = ignored_lines(text)

    lowered: str | None = masked.lower()
    if len(lowered) != len(masked):  # a rare letter whose lowercase is longer: skip the prefilter
        lowered = None
    segments = _segments(masked)
    starts = [start for start, _ in segments]
    seen: dict[str, list[int]] = {}
    present = _word_index(rules).present(lowered) if lowered is not None else None
    candidates: list[tuple[int, int, Rule]] = []
    for rule in rules.rules:
        for match in _matches(rule, masked, lowered, segments, starts, seen, present):
            candidates.append((match.start(), match.end(), rule))
    candidates.sort(key=lambda c: (c[0], c[2].code))

    findings: list[Finding] = []
    covered_until = -1
    for start, end, rule in candidates:
        if start < covered_until:
            continue
        first = bisect.bisect_right(line_starts, start) - 1
        last = bisect.bisect_right(line_starts, end - 1) - 1
        if any(
            (codes := silenced.get(n)) is not None and (not codes or rule.code in codes) for n in range(first, last + 1)
        ):
            continue
        covered_until = end
        findings.append(
            Finding(
                line=first + 1,
                column=start - line_starts[first] + 1,
                code=rule.code,
                phrase=_phrase(text[start:end]),
                message=rule.message,
                hint=rule.hint,
            )
        )
    return tuple(findings)
