"""Quality of the shipped rules on the labelled sentence set (tests/data/blameless_sentences.yml).

Recall: share of blaming sentences that get at least one warning (>= 90%).
False positives: share of neutral sentences that get any warning (<= 5%).
Both figures are printed (`pytest -s` or the -ra summary shows them).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pmkb.lint.linter import lint_text
from pmkb.lint.names import people_names
from pmkb.lint.rules import compile_rules
from pmkb.lint.settings import BlamelessSettings

DATA = Path(__file__).parent / "data" / "blameless_sentences.yml"


def _labelled() -> list[dict]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def test_the_set_is_big_and_balanced_enough() -> None:
    sentences = _labelled()
    blaming = sum(1 for s in sentences if s["blaming"])
    assert len(sentences) >= 150
    assert 0.4 <= blaming / len(sentences) <= 0.6


def test_recall_and_false_positive_rate(capsys) -> None:  # type: ignore[no-untyped-def]
    rules = compile_rules(BlamelessSettings())
    missed: list[str] = []
    false_alarms: list[str] = []
    blaming = neutral = 0
    for sentence in _labelled():
        findings = lint_text(sentence["text"], rules, people_names(sentence.get("names") or []))
        if sentence["blaming"]:
            blaming += 1
            if not findings:
                missed.append(sentence["text"])
        else:
            neutral += 1
            if findings:
                false_alarms.append(f"{sentence['text']}  <- {[(f.code, f.phrase) for f in findings]}")
    recall = 1 - len(missed) / blaming
    fp_rate = len(false_alarms) / neutral
    with capsys.disabled():
        print(
            f"\nblameless linter: recall {recall:.1%} ({blaming - len(missed)}/{blaming} blaming sentences flagged), "
            f"false positives {fp_rate:.1%} ({len(false_alarms)}/{neutral} neutral sentences flagged)"
        )
    assert recall >= 0.90, "missed:\n" + "\n".join(missed)
    assert fp_rate <= 0.05, "false alarms:\n" + "\n".join(false_alarms)
