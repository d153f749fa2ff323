"""Run the blameless-language rules over one Markdown body.

1. `prose_mask` blanks what is not the author's prose (code, quotes, links...).
2. `mask_names` turns the postmortem's people into `{name}` tokens.
3. Every rule's patterns run over each sentence that holds the words the
   pattern needs (`sentences.py`); a phrase that wraps onto the next line
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
from .sentences import Sentences

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


def _matches(rule: Rule, masked: str, sentences: Sentences) -> Iterable[re.Match[str]]:
    clauses = rule.clauses or tuple(() for _ in rule.patterns)
    for pattern, words, needs in zip(rule.patterns, rule.required, clauses):
        for begin, end in sentences.regions(words, needs):
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

    sentences = Sentences(masked, rules)
    candidates: list[tuple[int, int, Rule]] = []
    for rule in rules.rules:
        for match in _matches(rule, masked, sentences):
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
