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
    with capsys.disabled():
        print(result.describe("blameless linter"))
    assert result.recall >= 0.90, "missed:\n" + "\n".join(result.missed)
    assert result.false_positive_rate <= 0.05, "false alarms:\n" + "\n".join(result.false_alarms)
