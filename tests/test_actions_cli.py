"""`pmkb jira sync` then `pmkb actions` against the Jira test server, in both deployment types.

The expected overdue, drift and slip sets are computed by hand below from
the SPEC's definitions (as-of 2026-11-28), not by pmkb's code.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from .conftest import KB
from .jira_server import JiraServer
from .jira_support import cli, issue, postmortem

AS_OF = "2026-11-28"

PAYMENTS = [
    {"summary": "B due today", "due": "2026-11-28", "ticket": "PAY-11"},
    {"summary": "C due yesterday, no Jira due date", "due": "2026-11-27", "ticket": "PAY-12"},
    {"summary": "D moved later in Jira", "due": "2026-11-01", "ticket": "PAY-13", "owner": "Sam Lee"},
    {"summary": "E done here, in review in Jira", "due": "2026-10-01", "ticket": "PAY-14", "status": "done"},
    {"summary": "F won't do in Jira", "due": "2026-09-01", "ticket": "PAY-15"},
    {"summary": "G ticket Jira does not know", "due": "2026-11-20", "ticket": "PAY-99"},
    {"summary": "H dropped", "due": "2026-11-25", "status": "not-doing"},
]
SEARCH = [
    {"summary": "I slipped and drifted", "due": "2026-11-10", "ticket": "SRCH-1", "owner": "Tomás Herrera"},
    {"summary": "J done, no Jira due", "due": "2026-12-01", "ticket": "SRCH-2", "status": "done"},
]


def _jira_first_sync(server: JiraServer) -> None:
    server.issues.update(
        {
            "PAY-1": issue("Done", due="2026-04-01", resolution="Done", resolved="2026-03-30"),
            "PAY-11": issue("In Progress", due="2026-11-28"),
            "PAY-12": issue("To Do"),
            "PAY-13": issue("In Progress", due="2026-11-01"),
            "PAY-14": issue("In Review", due="2026-10-01"),
            "PAY-15": issue("Won't Do", due="2026-09-01", resolution="Won't Do", resolved="2026-08-20"),
            "SRCH-1": issue("To Do", due="2026-11-05"),
            "SRCH-2": issue("Done", resolution="Done", resolved="2026-11-02"),
        }
    )


def _jira_second_sync(server: JiraServer) -> None:
    server.issues["PAY-13"] = issue("In Progress", due="2026-12-10")
    server.issues["SRCH-1"] = issue("In Progress", due="2026-11-15")


@pytest.fixture
def synced(kb: KB, jira_server: JiraServer) -> KB:
    kb.write("postmortems/2026/pm-2026-010.md", postmortem("PM-2026-010", PAYMENTS))
    kb.write("postmortems/2026/pm-2026-011.md", postmortem("PM-2026-011", SEARCH, teams="[search, payments]"))
    _jira_first_sync(jira_server)
    first = cli(kb, "jira", "sync", env=jira_server.env())
    _jira_second_sync(jira_server)
    second = cli(kb, "jira", "sync", env=jira_server.env())
    for result in (first, second):
        assert result.exit_code == 1, result.output  # PAY-99 is unknown: a problem, reported
        assert "10 issue(s)" not in result.stdout
    return kb


def _by_ticket(data: object) -> dict[str | None, dict]:
    assert isinstance(data, list)
    return {row["ticket"] or row["summary"]: row for row in data}


def _actions_json(kb: KB, *args: str) -> list[dict]:
    result = cli(kb, "actions", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_gives_exactly_the_hand_computed_sets(synced: KB) -> None:
    rows = _by_ticket(_actions_json(synced, "--as-of", AS_OF))
    overdue = {t for t, r in rows.items() if r["overdue"]}
    drift = {t for t, r in rows.items() if r["drift"]}
    slipped = {t for t, r in rows.items() if r["slipped"]}
    assert overdue == {"PAY-12", "PAY-14", "PAY-99", "SRCH-1"}
    assert drift == {"PAY-13", "PAY-14", "SRCH-1"}
    assert slipped == {"PAY-13", "SRCH-1"}
    assert {t: r["days_overdue"] for t, r in rows.items() if r["overdue"]} == {
        "PAY-12": 1, "PAY-14": 58, "PAY-99": 8, "SRCH-1": 13,
    }  # fmt: skip
    assert {t: r["status"] for t, r in rows.items()} == {
        "PAY-1": "done", "PAY-11": "open", "PAY-12": "open", "PAY-13": "open", "PAY-14": "open",
        "PAY-15": "not-doing", "PAY-99": "open", "H dropped": "not-doing", "SRCH-1": "open", "SRCH-2": "done",
    }  # fmt: skip
    assert rows["PAY-13"]["due"] == "2026-12-10"  # Jira over front matter
    assert rows["PAY-12"]["due"] == "2026-11-27"  # no Jira due date: front matter
    assert rows["PAY-99"]["source"] == "front-matter" and rows["PAY-12"]["source"] == "jira"
    assert all(r["done"] == (r["status"] == "done") for r in rows.values())


def test_json_has_exactly_the_spec_fields(synced: KB) -> None:
    row = _by_ticket(_actions_json(synced, "--as-of", AS_OF))["SRCH-1"]
    assert list(row) == [
        "postmortem", "file", "line", "ticket", "summary", "owner", "team", "due", "status",
        "done", "overdue", "days_overdue", "drift", "slipped", "source",
    ]  # fmt: skip
    assert row["file"] == "postmortems/2026/pm-2026-011.md"
    lines = (synced.root / row["file"]).read_text().splitlines()
    assert lines[row["line"] - 1] == "  - summary: I slipped and drifted"
    assert row["team"] == "search" and row["postmortem"] == "PM-2026-011"


def test_due_today_is_not_overdue(synced: KB) -> None:
    rows = _by_ticket(_actions_json(synced, "--as-of", "2026-11-27"))
    assert rows["PAY-12"]["due"] == "2026-11-27" and rows["PAY-12"]["overdue"] is False
    assert rows["PAY-12"]["days_overdue"] == 0
    rows = _by_ticket(_actions_json(synced, "--as-of", "2026-11-28"))
    assert rows["PAY-11"]["due"] == "2026-11-28" and rows["PAY-11"]["overdue"] is False


def test_filters(synced: KB) -> None:
    assert [r["ticket"] for r in _actions_json(synced, "--overdue", "--as-of", AS_OF)] == [
        "PAY-14", "SRCH-1", "PAY-99", "PAY-12",
    ]  # most overdue first  # fmt: skip
    assert {r["ticket"] for r in _actions_json(synced, "--drift", "--as-of", AS_OF)} == {"PAY-13", "PAY-14", "SRCH-1"}
    assert {r["ticket"] for r in _actions_json(synced, "--team", "search")} == {"SRCH-1", "SRCH-2"}
    # --team matches any of the postmortem's teams; PM-2026-011 is owned by search and payments.
    assert len(_actions_json(synced, "--team", "PAYMENTS")) == 10
    assert {r["ticket"] for r in _actions_json(synced, "--owner", "sam lee")} == {"PAY-13"}
    assert {r["ticket"] for r in _actions_json(synced, "--owner", "Sam Lee", "--drift", "--overdue")} == set()


def test_csv_and_table(synced: KB) -> None:
    result = cli(synced, "actions", "--format", "csv", "--as-of", AS_OF)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 10 and rows[0]["postmortem"] == "PM-2026-001"
    assert {r["ticket"] for r in rows if r["overdue"] == "True"} == {"PAY-12", "PAY-14", "PAY-99", "SRCH-1"}

    table = cli(synced, "actions", "--as-of", AS_OF, "--overdue")
    assert table.exit_code == 0
    first = table.stdout.splitlines()[1]
    assert first.split()[:4] == ["2026-10-01", "open", "58d", "PAY-14"] and "drift" in first
    assert "4 action item(s), 4 overdue as of 2026-11-28" in table.stderr


def test_sync_reports_unknown_keys_with_file_and_line(synced: KB, jira_server: JiraServer) -> None:
    result = cli(synced, "jira", "sync", env=jira_server.env())
    text = (synced.root / "postmortems/2026/pm-2026-010.md").read_text().splitlines()
    line = text.index("    ticket: PAY-99") + 1
    assert f"postmortems/2026/pm-2026-010.md:{line}: warning JR001: ticket PAY-99 is not known to Jira" in result.stderr
    assert "Synced 8 issue(s)" in result.stdout and "1 unknown key(s)" in result.stdout
    # PAY-99 was unknown at the last sync, so it is asked in a batch of its own: serverInfo, field,
    # the known keys, then PAY-99 alone (Cloud refuses it with 400; Data Center names it in warningMessages).
    assert "in 4 request(s)" in result.stdout


def test_first_sync_request_count_with_an_unknown_key(kb: KB, jira_server: JiraServer) -> None:
    kb.write("postmortems/2026/pm-2026-010.md", postmortem("PM-2026-010", PAYMENTS))
    _jira_first_sync(jira_server)
    result = cli(kb, "jira", "sync", env=jira_server.env())
    # Cloud: serverInfo, field, the query refused for PAY-99, the retry without it.
    # Data Center (validateQuery=false): serverInfo, field, one query naming PAY-99 in warningMessages.
    expected = 4 if jira_server.deployment == "Cloud" else 3
    assert f"in {expected} request(s)" in result.stdout and len(jira_server.log) == expected
    assert jira_server.token not in result.output and jira_server.pat not in result.output


def test_actions_without_jira_uses_front_matter(kb: KB, no_jira_env: None) -> None:
    kb.write("postmortems/2026/pm-2026-010.md", postmortem("PM-2026-010", PAYMENTS))
    rows = _by_ticket(_actions_json(kb, "--as-of", AS_OF))
    assert all(r["source"] == "front-matter" and not r["drift"] and not r["slipped"] for r in rows.values())
    assert {t for t, r in rows.items() if r["overdue"]} == {"PAY-1", "PAY-12", "PAY-13", "PAY-15", "PAY-99"}
    assert rows["PAY-14"]["status"] == "done" and rows["H dropped"]["status"] == "not-doing"
    assert date.fromisoformat(rows["PAY-11"]["due"]) == date(2026, 11, 28)


def test_drafts_are_not_listed(kb: KB, no_jira_env: None) -> None:
    kb.write("postmortems/2026/pm-2026-012.md", postmortem("PM-2026-012", SEARCH, status="draft"))
    assert [r["postmortem"] for r in _actions_json(kb)] == ["PM-2026-001"]
