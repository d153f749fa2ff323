"""Shared bits of the blameless-language tests: a postmortem with chosen prose, and scoring a labelled set."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pmkb.lint.linter import lint_text
from pmkb.lint.names import people_names
from pmkb.lint.rules import compile_rules
from pmkb.lint.settings import BlamelessSettings

from . import factories
from .conftest import VALID_PM

PM = "postmortems/2026/pm-2026-001.md"
_ANCHOR = "A leak in the refund path."
# File line (1-based) of the first line of the prose put in by `postmortem_with`.
PROSE_LINE = VALID_PM.split("\n").index(_ANCHOR) + 1


def postmortem_with(prose: str, *, status: str = "published") -> str:
    """The valid test postmortem with `prose` as its root-cause section (starting at PROSE_LINE)."""
    return factories.postmortem(status=status, root_cause=prose.strip("\n"))


def bl_lines(problems: list[str]) -> list[str]:
    """Only the blameless-language diagnostics, as the CLI prints them."""
    return [p for p in problems if " BL0" in p or " BL1" in p]


@dataclass(frozen=True)
class Score:
    """The shipped rules on a labelled sentence set: what they missed and what they flagged wrongly."""

    blaming: int
    neutral: int
    missed: list[str]
    false_alarms: list[str]

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.blaming

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_alarms) / self.neutral

    def describe(self, name: str) -> str:
        """The line the quality tests print."""
        return (
            f"\n{name}: recall {self.recall:.1%} ({self.blaming - len(self.missed)}/{self.blaming} blaming sentences "
            f"flagged), false positives {self.false_positive_rate:.1%} ({len(self.false_alarms)}/{self.neutral} "
            "neutral sentences flagged)"
        )


def labelled(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def score(sentences: list[dict]) -> Score:
    rules = compile_rules(BlamelessSettings())
    missed: list[str] = []
    false_alarms: list[str] = []
    blaming = neutral = 0
    for sentence in sentences:
        findings = lint_text(sentence["text"], rules, people_names(sentence.get("names") or []))
        if sentence["blaming"]:
            blaming += 1
            if not findings:
                missed.append(sentence["text"])
        else:
            neutral += 1
            if findings:
                false_alarms.append(f"{sentence['text']}  <- {[(f.code, f.phrase) for f in findings]}")
    return Score(blaming, neutral, missed, false_alarms)
