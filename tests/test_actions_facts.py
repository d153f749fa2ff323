"""The derived facts of SPEC "Derived facts", from a hand-made cache (no Jira involved)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pmkb.actions.cache import CachedIssue, HistoryEntry, JiraCache
from pmkb.actions.facts import action_item_facts, summary_counts

from .conftest import KB
from .helpers import load
from .jira_support import postmortem

D = date.fromisoformat


def _issue(key: str, category: str, due: str | None, status: str = "", resolution: str | None = None,
           dues: tuple[str | None, ...] = ()) -> CachedIssue:  # fmt: skip
    history = tuple(
        HistoryEntry(datetime(2026, 10, n + 1, tzinfo=timezone.utc), D(d) if d else None, "X", category)
        for n, d in enumerate(dues)
    )
    return CachedIssue(key, status or category, category, D(due) if due else None, resolution, None, history)


def _cache(*issues: CachedIssue, unknown: tuple[str, ...] = ()) -> JiraCache:
    return JiraCache(
        fetched_at=datetime(2026, 11, 27, tzinfo=timezone.utc),
        server_url="https://jira.example.com",
        deployment="Cloud",
        issues={i.key: i for i in issues},
        unknown=frozenset(unknown),
    )


@pytest.fixture
def items_kb(kb: KB, no_jira_env: None) -> KB:
    kb.write(
        "postmortems/2026/pm-2026-002.md",
        postmortem(
            "PM-2026-002",
            [
                {"summary": "a", "due": "2026-11-20", "ticket": "AB-1"},
                {"summary": "b", "due": "2026-11-20", "ticket": "AB-2", "status": "not-doing"},
                {"summary": "c", "due": "2026-11-20", "ticket": "AB-3", "status": "done"},
                {"summary": "d", "due": "2026-11-20", "ticket": "AB-4"},
                {"summary": "e", "due": "2026-11-20", "ticket": "AB-5"},
            ],
        ),
    )
    return kb


def _facts(kb: KB, cache: JiraCache, as_of: str = "2026-11-28") -> dict[str, object]:
    return {f.ticket: f for f in action_item_facts(load(kb.root), cache, D(as_of)) if f.ticket != "PAY-1"}


def test_status_order_not_doing_then_done_then_open(items_kb: KB) -> None:
    cache = _cache(
        _issue("AB-1", "done", None, "Won't Do", resolution="Won\u2019t Do"),  # Jira won't do beats done
        _issue("AB-2", "done", None, "Done", resolution="Done"),  # front-matter not-doing beats Jira done
        _issue("AB-3", "new", None, "To Do"),  # Jira beats the front matter's done
        _issue("AB-4", "done", None, "Closed", resolution="Fixed"),
    )
    facts = _facts(items_kb, cache)
    assert {k: f.status for k, f in facts.items()} == {
        "AB-1": "not-doing", "AB-2": "not-doing", "AB-3": "open", "AB-4": "done", "AB-5": "open",
    }  # fmt: skip
    assert facts["AB-3"].drift and "done in the front matter, To Do in Jira" in facts["AB-3"].drift_reasons
    assert facts["AB-3"].overdue and not facts["AB-1"].overdue and not facts["AB-2"].overdue
    assert facts["AB-5"].source == "front-matter" and facts["AB-4"].source == "jira"
    counts = summary_counts(action_item_facts(load(items_kb.root), cache, D("2026-11-28")))
    assert counts == {"total": 6, "done": 1, "open": 3, "overdue": 3, "not_doing": 2}


def test_due_date_jira_over_front_matter_and_the_as_of_edge(items_kb: KB) -> None:
    cache = _cache(_issue("AB-1", "indeterminate", "2026-11-28"), _issue("AB-4", "indeterminate", None))
    today = _facts(items_kb, cache, "2026-11-28")
    assert today["AB-1"].due == D("2026-11-28") and not today["AB-1"].overdue  # due today: not overdue
    assert today["AB-1"].drift  # 11-20 in the front matter, 11-28 in Jira
    assert today["AB-4"].due == D("2026-11-20") and not today["AB-4"].drift  # Jira has no due date: no drift
    tomorrow = _facts(items_kb, cache, "2026-11-29")
    assert tomorrow["AB-1"].overdue and tomorrow["AB-1"].days_overdue == 1


def test_slips_count_only_later_moves(items_kb: KB) -> None:
    cache = _cache(
        _issue("AB-1", "new", "2026-12-20", dues=("2026-11-20", "2026-12-01", None, "2026-11-25", "2026-12-20")),
        _issue("AB-4", "new", "2026-11-10", dues=("2026-11-20", "2026-11-10")),  # moved earlier: no slip
    )
    facts = _facts(items_kb, cache)
    assert facts["AB-1"].slipped and facts["AB-1"].slips == (11, 25) and facts["AB-1"].slip_days == 36
    assert not facts["AB-4"].slipped


def test_unknown_ticket_has_no_jira_data(items_kb: KB) -> None:
    cache = _cache(_issue("AB-1", "done", "2026-12-30"), unknown=("AB-1",))
    fact = _facts(items_kb, cache)["AB-1"]
    assert fact.source == "front-matter" and fact.unknown_ticket
    assert fact.status == "open" and fact.due == D("2026-11-20") and fact.overdue and not fact.drift


def test_ticket_links_and_export_fields(items_kb: KB) -> None:
    fact = _facts(items_kb, _cache(_issue("AB-1", "new", None)))["AB-1"]
    assert fact.ticket_url == "https://jira.example.com/browse/AB-1"
    data = fact.export_json()
    assert data["ticket_url"] == fact.ticket_url and data["front_matter_due"] == "2026-11-20"
    assert set(fact.spec_json()) < set(data)
