"""The knowledge model against a small KB whose every derived number is computed by hand.

Window 90 days. db-pool incidents (TTR in minutes):
  P1 2026-01-01 00:00      50
  P2 2026-03-31 00:00      30   89 days after P1          -> repeat of P1
  P3 2026-06-29 00:00      20   exactly 90 days after P2  -> repeat of P2 (the window is inclusive)
  P4 2026-09-27 00:00:01   10   90 days + 1 s after P3    -> not a repeat
  P5 2026-09-27 00:00:01  100   same instant as P4        -> not a repeat (0 < difference is required)
cache-stale (no runbook: a gap):
  P6 2026-02-01            40
  P7 2026-02-10  draft                                     -> counted nowhere
  P8 2026-02-12  exclude_from_metrics (a drill)             -> counted nowhere
  P9 2026-02-20            60   19 days after P6 (P8 does not count) -> repeat of P6
disk (handled by the runbook "dual", which covers disk and net-flap):
  P10 2026-03-01           45
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from . import factories
from .conftest import KB
from .helpers import load, run_json

TAXONOMY = """\
db-pool:
  title: Database pool exhaustion
cache-stale:
  title: Stale cache
dns:
  title: DNS failure
disk:
  title: Disk full
"""

RUNBOOK = """\
---
id: {id}
title: {title}
incident_types: [{types}]
owner_team: platform
last_reviewed: {reviewed}
---

## Symptoms

x

## Immediate Mitigation

x

## Root Cause Investigation

x

## Prevention Checklist

- [ ] x
"""


def postmortem(number: int, kind: str, started: str, ttr: int, *, status: str = "published",
               drill: bool = False, ttd: int = 10) -> str:
    """SEV3 postmortem `number` from its times (minutes), with one done item due 30 days after the start."""
    due = (datetime.fromisoformat(started) + timedelta(days=30)).date().isoformat()
    return factories.postmortem(
        f"PM-2026-{number:03d}", f"Incident {number}", status=status, severity="SEV3", incident_type=kind,
        incident_commander=None, detection=None, customer_impact=False, timestamps=factories.clock(started, ttd, ttr),
        runbooks=None, tags=None, exclude_from_metrics=drill,
        action_items=[factories.action_item(f"Fix {number}", due, status="done")],
        summary="x", timeline="x", root_cause="x", went_well="x", improved="x",
    )


INCIDENTS = [
    (1, "db-pool", "2026-01-01T00:00:00", 50, {}),
    (2, "db-pool", "2026-03-31T00:00:00", 30, {}),
    (3, "db-pool", "2026-06-29T00:00:00", 20, {}),
    (4, "db-pool", "2026-09-27T00:00:01", 10, {}),
    (5, "db-pool", "2026-09-27T00:00:01", 100, {}),
    (6, "cache-stale", "2026-02-01T00:00:00", 40, {}),
    (7, "cache-stale", "2026-02-10T00:00:00", 5, {"status": "draft"}),
    (8, "cache-stale", "2026-02-12T00:00:00", 5, {"drill": True}),
    (9, "cache-stale", "2026-02-20T00:00:00", 60, {}),
    (10, "disk", "2026-03-01T00:00:00", 45, {}),
]


@pytest.fixture
def history(kb: KB) -> KB:
    (kb.root / "postmortems/2026/pm-2026-001.md").unlink()
    (kb.root / "runbooks/db-pool.md").unlink()
    kb.write("incident-types.yml", TAXONOMY)
    kb.write("runbooks/db-pool.md", RUNBOOK.format(id="db-pool", title="Pool runbook", types="db-pool", reviewed="2026-10-01"))
    # Reviewed 2026-05-01: 211 days before the as-of date 2026-11-28, so stale.
    kb.write("runbooks/dual.md", RUNBOOK.format(id="dual", title="Disk and network", types="disk, net-flap", reviewed="2026-05-01"))
    for number, kind, started, ttr, options in INCIDENTS:
        kb.write(f"postmortems/2026/pm-2026-{number:03d}.md", postmortem(number, kind, started, ttr, **options))
    return kb


def test_repeats_follow_the_window_and_equal_times(history: KB) -> None:
    model = load(history.root).facts
    assert model.repeat_of == {"PM-2026-002": "PM-2026-001", "PM-2026-003": "PM-2026-002", "PM-2026-009": "PM-2026-006"}


def test_type_facts(history: KB) -> None:
    model = load(history.root).facts
    pool = model.types["db-pool"]
    assert [d.id for d in pool.postmortems] == ["PM-2026-001", "PM-2026-002", "PM-2026-003", "PM-2026-004", "PM-2026-005"]
    assert pool.repeats == ("PM-2026-002", "PM-2026-003")
    assert pool.recurring and not pool.is_gap
    assert str(pool.last_started) == "2026-09-27"
    # TTR [10, 20, 30, 50, 100]: mean 42, median 30, p90 = 50 + 0.6 * (100 - 50) = 80.
    assert pool.time_to_resolve.as_json() == {"mean": 42.0, "median": 30.0, "p90": 80.0}
    assert pool.time_to_detect.as_json() == {"mean": 10.0, "median": 10.0, "p90": 10.0}
    cache = model.types["cache-stale"]
    assert [d.id for d in cache.postmortems] == ["PM-2026-006", "PM-2026-009"]  # no draft, no drill
    assert cache.is_gap and cache.recurring
    # A type only a runbook names is known, with no incidents and no gap.
    assert model.types["net-flap"].count == 0 and not model.types["net-flap"].is_gap
    assert model.types["disk"].runbook_ids == ("dual",)
    assert [t.slug for t in model.gaps] == ["cache-stale"]
    assert [r.id for r in model.stale_runbooks] == ["dual"]


def test_one_value_gives_that_value_for_every_statistic(history: KB) -> None:
    disk = load(history.root).facts.types["disk"]
    assert disk.time_to_resolve.as_json() == {"mean": 45.0, "median": 45.0, "p90": 45.0}


def test_no_values_give_null(history: KB) -> None:
    assert load(history.root).facts.types["dns"].time_to_resolve.as_json() == {"mean": None, "median": None, "p90": None}


def test_earlier_incidents_of_the_type(history: KB) -> None:
    kb = load(history.root)
    p3 = kb.postmortem("PM-2026-003")
    assert [d.id for d in kb.facts.earlier_of_type(p3)] == ["PM-2026-002", "PM-2026-001"]
    p5 = kb.postmortem("PM-2026-005")  # P4 started at the same instant: not earlier
    assert [d.id for d in kb.facts.earlier_of_type(p5)][:1] == ["PM-2026-003"]
    draft = kb.postmortem("PM-2026-007")  # not counted, but its page still shows history
    assert [d.id for d in kb.facts.earlier_of_type(draft)] == ["PM-2026-006"]


def test_stats_json(history: KB) -> None:
    code, report = run_json(history.root, "stats", "--as-of", "2026-11-28")
    assert code == 0
    assert report == {
        "postmortems": 8,
        "by_severity": {"SEV1": 0, "SEV2": 0, "SEV3": 8, "SEV4": 0},
        "by_type": {"db-pool": 5, "cache-stale": 2, "disk": 1},
        # TTD all 10; TTR [10, 20, 30, 40, 45, 50, 60, 100]: mean 44.375, median 42.5,
        # p90 = 60 + 0.3 * (100 - 60) = 72. TTM = TTR // 2: [5, 10, 15, 20, 22, 25, 30, 50]:
        # mean 22.125, median 21, p90 = 30 + 0.3 * (50 - 30) = 36.
        "time_to_detect": {"mean": 10.0, "median": 10.0, "p90": 10.0},
        "time_to_mitigate": {"mean": 22.1, "median": 21.0, "p90": 36.0},
        "time_to_resolve": {"mean": 44.4, "median": 42.5, "p90": 72.0},
        "repeats": 3,
        "repeat_rate": 0.375,
        "recurring_types": ["cache-stale", "db-pool"],
        "runbook_gaps": ["cache-stale"],
        "stale_runbooks": ["dual"],
        # Drill P8's action item counts; draft P7's does not.
        "action_items": {"total": 9, "done": 9, "open": 0, "overdue": 0, "not_doing": 0},
        "oncall": None,  # no pager data under oncall/
    }


def test_stats_period_is_inclusive_on_both_ends(history: KB) -> None:
    _, report = run_json(history.root, "stats", "--since", "2026-03-31", "--until", "2026-06-29")
    assert report["postmortems"] == 2
    assert report["by_type"] == {"db-pool": 2}
    # Both are repeats; P2's earlier incident lies before --since and still counts.
    assert (report["repeats"], report["repeat_rate"]) == (2, 1.0)
    assert report["runbook_gaps"] == []


def test_stats_text_is_a_table(history: KB) -> None:
    from .helpers import run

    result = run(history.root, "stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.split() == ["cache-stale", "2", "recurring,", "NO", "RUNBOOK"] for line in lines), lines
    assert "Time to resolve       44 min    42 min    72 min" in result.stdout


def test_stats_rejects_bad_dates(history: KB) -> None:
    from .helpers import run

    assert run(history.root, "stats", "--since", "2026-02-30").exit_code == 2
    assert run(history.root, "stats", "--since", "2026-05-01", "--until", "2026-04-01").exit_code == 2


def test_site_pages_show_the_same_facts(history: KB) -> None:
    result = history.mkdocs("build")
    assert result.returncode == 0, result.stderr
    assert "runbooks/dual.md:6: warning RB001" in result.stderr  # the stale runbook is reported
    p2 = history.site("postmortems/2026/pm-2026-002/index.html")
    assert "this type recurred 2 times within 90 days, last on 2026-09-27" in p2
    assert "This incident is a repeat</strong> of <a href=\"../pm-2026-001/\">PM-2026-001</a> (89 days earlier)" in p2
    assert '<a href="../../../runbooks/db-pool/">Pool runbook</a>' in p2
    assert '<a href="../../../incident-types/db-pool/">Database pool exhaustion</a>' in p2
    p9 = history.site("postmortems/2026/pm-2026-009/index.html")
    assert "No runbook handles this type yet" in p9
    runbook = history.site("runbooks/db-pool/index.html")
    assert "5 incidents, last on 2026-09-27. Median time to resolve 30 min." in runbook
    for number in (1, 2, 3, 4, 5):
        assert f'<a href="../../postmortems/2026/pm-2026-{number:03d}/">PM-2026-{number:03d}</a>' in runbook
    dual = history.site("runbooks/dual/index.html")
    assert "1 incident of the types disk, net-flap" in dual
    gaps = history.site("gaps/index.html")
    assert '<a href="../incident-types/cache-stale/">Stale cache</a>' in gaps
    assert '<a href="../runbooks/dual/">Disk and network</a>' in gaps  # stale runbook
    assert "Stale cache" in history.site("incident-types/index.html")
    assert "Incidents by month" in history.site("incident-types/db-pool/index.html")
    # Generated pages are in the navigation without being listed in mkdocs.yml.
    assert 'href="incident-types/"' in history.site("index.html")

    _, report = run_json(history.root, "stats")
    types = {t["slug"]: t for t in json.loads(history.site("api/incident-types.json"))}
    assert {s: t["postmortems"] for s, t in types.items() if t["postmortems"]} == report["by_type"]
    assert sorted(s for s, t in types.items() if t["recurring"]) == report["recurring_types"]
    assert sorted(s for s, t in types.items() if t["runbook_gap"]) == report["runbook_gaps"]
    pms = {p["id"]: p for p in json.loads(history.site("api/postmortems.json"))}
    assert pms["PM-2026-003"]["repeat_of"] == "PM-2026-002"
    assert pms["PM-2026-007"]["counted"] is False and pms["PM-2026-008"]["counted"] is False
    assert sum(p["repeat"] for p in pms.values()) == report["repeats"]
