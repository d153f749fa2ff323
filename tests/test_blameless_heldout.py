"""The shipped blameless rules on a held-out set written after they were frozen (issue 15).

tests/data/blameless_heldout.yml was written by hand once the rules were frozen
(commit db23bce) and never used to tune them: it measures how the rules
generalise to prose their author had not seen. Recall (blaming sentences that
get a warning) must be >= 90% and the false-positive rate (neutral sentences
that get one) <= 5%; both are printed. When the rules change, write a new set
rather than tuning to this one.
"""

from __future__ import annotations

from pathlib import Path

from .blameless_support import labelled, score

DATA = Path(__file__).parent / "data" / "blameless_heldout.yml"


def test_the_held_out_set_has_60_of_each() -> None:
    sentences = labelled(DATA)
    assert sum(1 for s in sentences if s["blaming"]) >= 60
    assert sum(1 for s in sentences if not s["blaming"]) >= 60
    assert len({s["text"] for s in sentences}) == len(sentences), "a sentence is listed twice"


def test_recall_and_false_positives_on_held_out_sentences(capsys) -> None:  # type: ignore[no-untyped-def]
    result = score(labelled(DATA))
    with capsys.disabled():
        print(result.describe("blameless linter, held-out set"))
        for text in result.missed:
            print(f"  missed: {text}")
        for text in result.false_alarms:
            print(f"  false alarm: {text}")
    assert result.recall >= 0.90, "missed:\n" + "\n".join(result.missed)
    assert result.false_positive_rate <= 0.05, "false alarms:\n" + "\n".join(result.false_alarms)
