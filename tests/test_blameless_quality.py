"""Quality of the shipped rules on the labelled sentence set (tests/data/blameless_sentences.yml).

Recall: share of blaming sentences that get at least one warning (>= 90%).
False positives: share of neutral sentences that get any warning (<= 5%).
Both figures are printed (`pytest -s` or the -ra summary shows them).
"""

from __future__ import annotations

from pathlib import Path

from .blameless_support import labelled, score

DATA = Path(__file__).parent / "data" / "blameless_sentences.yml"


def test_the_set_is_big_and_balanced_enough() -> None:
    sentences = labelled(DATA)
    blaming = sum(1 for s in sentences if s["blaming"])
    assert len(sentences) >= 150
    assert 0.4 <= blaming / len(sentences) <= 0.6


def test_recall_and_false_positive_rate(capsys) -> None:  # type: ignore[no-untyped-def]
    result = score(labelled(DATA))
    missed, false_alarms = result.missed, result.false_alarms
    recall, fp_rate = result.recall, result.false_positive_rate
    blaming, neutral = result.blaming, result.neutral
    with capsys.disabled():
        print(
            f"\nblameless linter: recall {recall:.1%} ({blaming - len(missed)}/{blaming} blaming sentences flagged), "
            f"false positives {fp_rate:.1%} ({len(false_alarms)}/{neutral} neutral sentences flagged)"
        )
    assert recall >= 0.90, "missed:\n" + "\n".join(missed)
    assert fp_rate <= 0.05, "false alarms:\n" + "\n".join(false_alarms)
