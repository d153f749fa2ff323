"""The May 2026 review of the small KB in reviews_support, against numbers computed by hand there."""

from __future__ import annotations

import pytest

from pmkb.actions.facts import action_item_facts
from pmkb.actions.view import jira_view
from pmkb.reviews.index import MonthIndex
from pmkb.reviews.model import MonthlyReview
from pmkb.reviews.months import parse_month
from pmkb.reviews.review import monthly_review

from .conftest import KB
from .helpers import load, run, run_json
from .reviews_support import write_review_kb


@pytest.fixture
def review_kb(kb: KB, monkeypatch: pytest.MonkeyPatch) -> KB:
    monkeypatch.delenv("JIRA_URL", raising=False)
    return write_review_kb(kb)


def _index(root) -> MonthIndex:  # type: ignore[no-untyped-def]
    kb = load(root)
    cache = jira_view(kb, allow_sync=False).cache
    return MonthIndex.build(kb, action_item_facts(kb, cache), cache)


@pytest.fixture
def may(review_kb: KB) -> MonthlyReview:
    return monthly_review(_index(review_kb.root), "2026-05")


def test_the_kb_itself_is_clean(review_kb: KB) -> None:
    assert [d.as_text() for d in load(review_kb.root).diagnostics] == []


def test_months_are_utc_months_of_counted_postmortems(review_kb: KB) -> None:
    index = _index(review_kb.root)
    # P4 started 2026-05-31T23:30-02:00, which is June in UTC; the draft and the drill count nowhere.
    assert index.months == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert [p.id for p in monthly_review(index, "2026-06").postmortems] == ["PM-2026-004"]


def test_postmortems_major_first_with_plain_text_summary(may: MonthlyReview) -> None:
    assert [(p.id, p.severity, p.major) for p in may.postmortems] == [("PM-2026-002", "SEV2", True), ("PM-2026-003", "SEV3", False)]
    first = may.postmortems[0]
    # First paragraph of ## Summary only, inline Markdown dropped; HTML is kept as text (escaped when shown).
    assert first.summary == "Stale prices from the cache for 100 minutes <script>alert(1)</script>."
    # A paragraph ending with ':' continues after its code block.
    assert first.root_cause == "A key format changed: and nothing purged the old keys."
    assert first.timeline_highlights == ["10:00 first", "10:05 alert fires"]
    assert (first.time_to_detect, first.time_to_resolve, first.repeat_of) == (5.0, 100.0, None)
    assert may.postmortems[1].repeat_of == "PM-2026-001"


def test_metrics_against_previous_and_trailing_months(may: MonthlyReview) -> None:
    assert may.previous_month == "2026-04"
    assert may.trailing_months == ["2026-03", "2026-04"]  # February is before the first postmortem
    got = {m.key: (m.value, m.previous, m.trailing) for m in may.metrics}
    assert got == {
        "postmortems": (2, 1, 1),
        "major": (1, 1, 0.5),
        "time_to_detect_median": (12.5, 10, 20),
        "time_to_resolve_median": (70, 60, 90),
        "time_to_resolve_p90": (94, 60, 114),
        "time_to_resolve_mean": (70, 60, 90),
        "repeat_rate": (0.5, 0.0, 0.0),
    }
    ttr = next(m for m in may.metrics if m.key == "time_to_resolve_median")
    assert (ttr.delta_previous, ttr.direction_previous, ttr.better_previous) == (10, "up", False)
    assert (ttr.delta_trailing, ttr.direction_trailing, ttr.better_trailing) == (-20, "down", True)
    major = next(m for m in may.metrics if m.key == "major")
    assert (major.direction_previous, major.better_previous) == ("same", None)


def test_first_month_has_nothing_to_compare(review_kb: KB) -> None:
    march = monthly_review(_index(review_kb.root), "2026-03")
    assert march.previous_month is None and march.trailing_months == []
    assert all(m.previous is None and m.delta_previous is None for m in march.metrics)


def test_recurring_types_repeats_and_new_gaps(may: MonthlyReview) -> None:
    assert [(r.slug, r.repeats_in_month, r.postmortems_all_time, r.has_runbook) for r in may.recurring_types] == [
        ("db-pool", ["PM-2026-003"], 2, True)
    ]
    assert [(r.id, r.repeat_of, r.days_after) for r in may.repeats] == [("PM-2026-003", "PM-2026-001", 40)]
    assert [(g.slug, g.first_postmortem) for g in may.runbook_gaps] == [("cache-stale", "PM-2026-002")]


def test_action_items_of_the_month(may: MonthlyReview) -> None:
    items = may.action_items
    assert [(a.summary, a.completion) for a in items.due] == [
        ("Rewrite the pool", "not doing"),
        ("Drill follow-up", "done, date unknown"),  # a drill's items still count
        ("Fix invalidation", "on time"),
    ]
    assert [(a.summary, str(a.completed)) for a in items.completed] == [("Fix invalidation", "2026-05-18")]
    # Nothing due in May is overdue; the April item of a May postmortem is counted, and listed in April.
    assert (items.overdue, items.overdue_before) == ([], 1)
    assert [(a.summary, a.slipped_days) for a in items.slipped] == [("Add staleness alert", 16)]


def test_overdue_items_are_listed_in_their_due_month(review_kb: KB) -> None:
    index = _index(review_kb.root)
    april = monthly_review(index, "2026-04").action_items
    assert [(a.summary, a.days_overdue) for a in april.overdue] == [("Add leak detection", 212)]
    assert april.overdue_before == 0
    # The slipped item is due 2026-06-10 (Jira's date wins over the front matter's 05-25).
    june = monthly_review(index, "2026-06").action_items
    assert [(a.summary, a.due.isoformat(), a.days_overdue) for a in june.overdue] == [("Add staleness alert", "2026-06-10", 171)]
    assert june.overdue_before == 1


def test_went_well_and_unpublished(may: MonthlyReview) -> None:
    assert [(w.postmortem, w.text) for w in may.went_well] == [
        ("PM-2026-002", "The alert fired in 5 minutes."),
        ("PM-2026-002", "Rollback took one command."),
        ("PM-2026-003", "The runbook worked."),  # a paragraph, not a list
    ]
    assert [(p.id, p.status) for p in may.not_published] == [("PM-2026-005", "draft")]


def test_cli_json_is_the_model(review_kb: KB) -> None:
    code, data = run_json(review_kb.root, "review", "2026-05")
    assert code == 0
    assert data["month"] == "2026-05" and data["title"] == "Incident review: May 2026"
    assert [p["id"] for p in data["postmortems"]] == ["PM-2026-002", "PM-2026-003"]
    assert {m["key"]: m["value"] for m in data["metrics"]}["time_to_resolve_p90"] == 94
    assert data["action_items"]["overdue_before"] == 1
    assert [a["summary"] for a in data["action_items"]["slipped"]] == ["Add staleness alert"]


def test_cli_markdown_has_every_section(review_kb: KB) -> None:
    result = run(review_kb.root, "review", "2026-05")
    assert result.exit_code == 0
    text = result.stdout
    for heading in ("# Incident review: May 2026", "## Metrics", "## Postmortems", "## Recurring types and repeats",
                    "## Runbook gaps that appeared", "### Overdue (0)", "### Slipped (1)", "### Due (3)",
                    "### Completed (1)", "## What went well", "## Still in draft or review"):  # fmt: skip
        assert heading in text, heading
    assert "| Time to resolve (p90) | 1 h 34 min | 1 h | ▲ 34 min (worse) | 1 h 54 min | ▼ 20 min (better) |" in text
    # Author text is escaped: no raw HTML reaches a meeting doc's Markdown renderer.
    assert "Also overdue: 1 item due before May 2026" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Stale &lt;b&gt;prices&lt;/b&gt; &amp; co" in text


@pytest.mark.parametrize("month", ["2026-13", "2026-5", "May", "2026-05-01"])
def test_invalid_month_is_a_usage_error(review_kb: KB, month: str) -> None:
    result = run(review_kb.root, "review", month)
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output


def test_parse_month() -> None:
    assert parse_month("2026-11") == "2026-11"
    with pytest.raises(ValueError, match="not YYYY-MM"):
        parse_month("2026-00")
