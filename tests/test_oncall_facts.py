"""On-call facts computed by hand for small pager files, compared with pmkb's (SPEC "On-call load")."""

from __future__ import annotations

import json

from .conftest import KB
from .helpers import run, run_json

HEADER = "created_at,rotation,service,urgency,assignee,title,id\n"

# Auckland is UTC+13 in March 2026 (daylight time until 5 April): far from UTC on purpose.
AUCKLAND_ROWS = """\
2026-03-02T09:00:00+13:00,Alpha,checkout,high,Ana,Pool high,A1
2026-03-02T18:00:00+13:00,Alpha,checkout,,Ana,Pool high,A2
2026-03-06T17:59:59+13:00,Alpha,checkout,HIGH,Ana,Pool high,A3
2026-03-07T10:00:00+13:00,Alpha,checkout,high,Ana,Pool high,A4
2026-03-08T23:30:00+13:00,Alpha,checkout,high,Ana,Pool high,A5
2026-03-02T09:00:00+13:00,Alpha,checkout,high,Ana,Pool high,A1
2026-03-10T10:00:00+13:00,Alpha,checkout,low,Ana,Pool high,A6
2026-03-15T11:00:00Z,Alpha,checkout,high,Ana,Pool high,A7
2026-03-04T12:00:00+13:00,,search-api,high,Bo,Search slow,B1
2026-03-18T12:00:00+13:00,,search-api,high,Bo,Search slow,B2
"""


def _auckland(kb: KB) -> None:
    kb.settings("oncall:\n  timezone: Pacific/Auckland\n  working_hours: 09:00-18:00")
    kb.write("oncall/export.csv", HEADER + AUCKLAND_ROWS)


def test_pages_per_oncall_week_by_hand_far_from_utc(kb: KB) -> None:
    _auckland(kb)
    code, doc = run_json(kb.root, "oncall")
    assert code == 0
    # By hand, weeks from Monday 00:00 in Auckland:
    #   Alpha: week of 2 Mar has A1 (Mon 09:00), A2 (Mon 18:00), A3 (Fri 17:59:59), A4 (Sat), A5 (Sun 23:30) = 5;
    #          week of 9 Mar only a low-urgency alert = 0; week of 16 Mar A7 (15 Mar 11:00Z = Mon 16 Mar 00:00) = 1.
    #          (In UTC, A1 would be Sunday 1 March, in the week before.) A1's second row is a duplicate.
    #   Beta has no rotation: its service search-api is the rotation; weeks 2 Mar = 1, 9 Mar = 0, 16 Mar = 1.
    # Weeks sorted: 0 0 1 1 1 5 -> mean 8/6 = 1.33, median 1, p90 at rank 0.9 * 5 = 4.5: 1 + 0.5 * (5 - 1) = 3, max 5.
    assert doc["pages"] == 8
    assert doc["pages_per_oncall_week"] == {"mean": 1.3, "median": 1.0, "p90": 3.0, "max": 5}
    # Out of hours: A2 (18:00 exactly), A4 (Saturday), A5 (Sunday), A7 (Monday 00:00) = 4 of 8. A1 at 09:00 and
    # A3 at 17:59:59 are in hours.
    assert doc["out_of_hours_share"] == 0.5
    assert doc["duplicates"] == 1 and doc["low_urgency"] == 1
    assert list(doc["rotations"]) == ["Alpha", "search-api"]
    assert doc["rotations"]["Alpha"]["pages"] == 6
    assert doc["rotations"]["Alpha"]["oncall_weeks"] == 3
    assert doc["rotations"]["Alpha"]["pages_per_oncall_week"] == {"mean": 2.0, "median": 1.0, "p90": 4.2, "max": 5}
    assert doc["rotations"]["search-api"]["pages_per_oncall_week"] == {"mean": 0.7, "median": 1.0, "p90": 1.0, "max": 1}
    # Every week's Thursday is in March.
    assert list(doc["months"]) == ["2026-03"]
    assert doc["months"]["2026-03"]["pages"] == 8 and doc["months"]["2026-03"]["oncall_weeks"] == 6


def test_stats_json_gains_the_oncall_block(kb: KB) -> None:
    code, before = run_json(kb.root, "stats")
    assert code == 0 and before["oncall"] is None  # no pager data
    _auckland(kb)
    code, stats = run_json(kb.root, "stats")
    assert code == 0
    oncall = stats["oncall"]
    assert oncall["pages"] == 8
    assert oncall["pages_per_oncall_week"] == {"mean": 1.3, "median": 1.0, "p90": 3.0, "max": 5}
    assert oncall["out_of_hours_share"] == 0.5
    assert set(oncall["rotations"]) == {"Alpha", "search-api"}
    # The period filters pages by their day in oncall.timezone: 2 March (Auckland) only.
    code, one_day = run_json(kb.root, "stats", "--since", "2026-03-02", "--until", "2026-03-02")
    assert one_day["oncall"]["pages"] == 2


def test_pages_belong_to_a_postmortem_from_started_minus_30_minutes_to_resolved(kb: KB) -> None:
    # PM-2026-001: services [checkout], started 02:10Z, resolved 03:05Z -> window 01:40Z .. 03:05Z, both included.
    kb.write("oncall/pages.csv", HEADER + """\
2026-03-14T01:39:59Z,,checkout,high,,Pool 91% on db-12,C1
2026-03-14T01:40:00Z,,checkout,high,,Pool 87% on db-3,C2
2026-03-14T03:05:00Z,,checkout,high,,Checkout 5xx,C3
2026-03-14T03:05:01Z,,checkout,high,,Pool 50% on db-1,C4
2026-03-14T02:30:00Z,,search-api,high,,Pool 10% on db-2,C5
""")
    code, doc = run_json(kb.root, "oncall")
    assert doc["pages_per_postmortem"] == {"PM-2026-001": 2}
    assert [(a["service"], a["title"], a["pages"], a["no_postmortem"]) for a in doc["noisy_alerts"]] == [
        ("checkout", "Pool #% on db-#", 3, 2),
        ("search-api", "Pool #% on db-#", 1, 1),
        ("checkout", "Checkout #xx", 1, 0),
    ]


def test_pagerduty_json_uses_the_escalation_policy_else_the_service(kb: KB) -> None:
    answer = {"incidents": [
        {"id": "PX1", "incident_number": 1, "title": "Disk 91% on runner-4", "created_at": "2026-03-03T10:00:00Z",
         "urgency": "high", "status": "resolved", "service": {"summary": "build-runners"},
         "escalation_policy": {"summary": "Platform primary"}, "assignments": [{"assignee": {"summary": "Jo"}}]},
        {"id": "PX2", "incident_number": 2, "title": "Disk 80% on runner-1", "created_at": "2026-03-04T10:00:00Z",
         "urgency": "high", "status": "resolved", "service": {"summary": "build-runners"}, "escalation_policy": None,
         "assignments": []},
        {"id": "PX3", "incident_number": 3, "title": "Low", "created_at": "2026-03-04T11:00:00Z", "urgency": "low",
         "service": {"summary": "build-runners"}},
    ], "limit": 100, "offset": 0, "more": False}
    # Two answers back to back in one file (as pages of the API arrive); PX1 again is counted once.
    text = json.dumps(answer) + "\n" + json.dumps({"incidents": answer["incidents"][:1], "more": False})
    kb.write("oncall/pagerduty-2026-03.json", text)
    code, doc = run_json(kb.root, "oncall")
    assert doc["pages"] == 2 and doc["duplicates"] == 1 and doc["low_urgency"] == 1
    assert set(doc["rotations"]) == {"Platform primary", "build-runners"}
    assert doc["noisy_alerts"][0]["title"] == "Disk #% on runner-#" and doc["noisy_alerts"][0]["pages"] == 2


def test_bad_pager_files_are_reported_with_file_and_line_and_the_rest_is_read(kb: KB) -> None:
    kb.write("oncall/a-broken.json", '{"incidents": [\n  {"id": "P1",\n   "title": oops}\n]}\n')
    kb.write("oncall/b-header.csv", "when,who,what\n2026-03-02T09:00:00Z,a,b\n")
    kb.write("oncall/c-rows.csv", HEADER + "2026-03-02T09:00:00,Alpha,checkout,high,,No offset,X1\n"
             "2026-03-02T10:00:00Z,Alpha,checkout,urgent,,Bad urgency,X2\n"
             "2026-03-02T11:00:00Z,Alpha,checkout,high,,Good,X3\n")
    result = run(kb.root, "oncall", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pages"] == 1  # the good row
    lines = result.stderr.splitlines()
    assert any(line.startswith("oncall/a-broken.json:3: warning OC001: broken JSON") for line in lines), lines
    assert any(line.startswith("oncall/b-header.csv:1: warning OC002: bad header (missing created_at") for line in lines)
    assert any(line.startswith("oncall/c-rows.csv:2: warning OC003: created_at '2026-03-02T09:00:00' is not an ISO 8601 "
                               "time with an offset") for line in lines)
    assert any(line.startswith("oncall/c-rows.csv:3: warning OC004: urgency 'urgent'") for line in lines)
    assert "Traceback" not in result.output


def test_invalid_timezone_is_a_clear_usage_error(kb: KB) -> None:
    kb.settings("oncall:\n  timezone: Europe/Londn")
    result = run(kb.root, "oncall")
    assert result.exit_code == 2
    assert "plugins.pmkb.oncall.timezone" in result.stderr and "unknown time zone 'Europe/Londn'" in result.stderr
    kb.settings("oncall:\n  working_hours: 18:00-09:00")
    result = run(kb.root, "stats")
    assert result.exit_code == 2 and "working_hours '18:00-09:00'" in result.stderr
