"""The site: `action-items/`, live status on postmortem pages, `api/action-items.json`, build-time faults.

Real `mkdocs build` runs; Jira is the test server on 127.0.0.1 (both deployment types).
"""

from __future__ import annotations

import json
import re

import pytest

from .conftest import KB
from .jira_server import JiraServer
from .jira_support import cli, issue, postmortem, secrets_absent

ITEMS = [
    {"summary": "Overdue <script>alert(1)</script> item", "due": "2026-11-01", "ticket": "PAY-11"},
    {"summary": "Due soon item", "due": "2026-12-05", "ticket": "PAY-12", "owner": "Sam Lee"},
    {"summary": "Later item", "due": "2027-02-01", "ticket": "PAY-13"},
    {"summary": "Recently done item", "due": "2026-11-20", "ticket": "PAY-14", "status": "done"},
    {"summary": "Dropped item", "due": "2026-11-20", "ticket": "PAY-15"},
    {"summary": "Drifting item", "due": "2026-11-10", "ticket": "PAY-16"},
]


@pytest.fixture
def site_kb(kb: KB, jira_server: JiraServer) -> KB:
    kb.write("postmortems/2026/pm-2026-010.md", postmortem("PM-2026-010", ITEMS))
    jira_server.issues.update(
        {
            "PAY-1": issue("Done", due="2026-04-01", resolution="Done", resolved="2026-03-30"),
            "PAY-11": issue("In Progress"),
            "PAY-12": issue("To Do", due="2026-12-05"),
            "PAY-13": issue("To Do", due="2027-02-01"),
            "PAY-14": issue("Done", due="2026-11-20", resolution="Done", resolved="2026-11-19"),
            "PAY-15": issue("Won't Do", resolution="Won't Do", resolved="2026-11-02"),
            "PAY-16": issue("In Progress", due="2026-11-10"),
        }
    )
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
    jira_server.issues["PAY-16"] = issue("In Progress", due="2026-12-20")
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
    return kb


def _section(html: str, heading: str) -> str:
    start = html.index(f">{heading}")
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


def test_action_items_page(site_kb: KB, jira_server: JiraServer) -> None:
    result = site_kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    page = site_kb.site("action-items/index.html")
    assert "Jira data fetched" in page
    order = [page.index(f">{h}") for h in ("Overdue (1)", "Due in the next 14 days (1)", "Open (2)",
                                            "Done in the last 30 days (1)", "Not doing (1)", "By team and owner")]  # fmt: skip
    assert order == sorted(order)
    overdue = _section(page, "Overdue (1)")
    assert "Overdue &lt;script&gt;alert(1)&lt;/script&gt; item" in overdue and "<script>alert(1)" not in page
    assert "<strong>27</strong>" in overdue  # days overdue (due 2026-11-01, as of 2026-11-28)
    assert f'<a href="{jira_server.url}/browse/PAY-11">PAY-11</a>' in overdue
    assert re.search(r'<a href="\.\./postmortems/2026/pm-2026-010/">PM-2026-010</a>', overdue)
    assert "Sam Lee" in _section(page, "Due in the next 14 days (1)")
    open_items = _section(page, "Open (2)")
    assert "Drifting item" in open_items and "drift</strong>: due 2026-11-10 in the front matter, 2026-12-20 in Jira" in open_items
    assert "slipped 1× (+40 d)" in open_items
    assert "Recently done item" in _section(page, "Done in the last 30 days (1)")
    assert "Dropped item" in _section(page, "Not doing (1)")
    assert '<small class="pmkb-team">payments</small>' in overdue  # the owner's team under the owner
    assert "Action items" in site_kb.site("index.html")  # in the nav


def test_postmortem_page_shows_live_status_and_links(site_kb: KB, jira_server: JiraServer) -> None:
    assert site_kb.mkdocs("build").returncode == 0
    page = site_kb.site("postmortems/2026/pm-2026-010/index.html")
    assert f'<a href="{jira_server.url}/browse/PAY-14">PAY-14</a>' in page
    row = page[page.index("Dropped item") :].split("</tr>")[0]
    assert "not-doing" in row and "(Jira)" in row
    row = page[page.index("Drifting item") :].split("</tr>")[0]
    assert "2026-12-20" in row  # Jira's due date


def test_export_matches_the_cli(site_kb: KB) -> None:
    assert site_kb.mkdocs("build").returncode == 0
    exported = json.loads(site_kb.site("api/action-items.json"))
    listed = json.loads(cli(site_kb, "actions", "--format", "json").stdout)
    assert [{k: row[k] for k in listed[0]} for row in exported] == listed
    assert all(row["ticket_url"].endswith(f"/browse/{row['ticket']}") for row in exported)


def test_build_syncs_first_in_auto_mode(kb: KB, jira_server: JiraServer) -> None:
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-01", resolution="Done", resolved="2026-03-30")
    result = kb.mkdocs("build", "--strict", env=jira_server.env())
    assert result.returncode == 0, result.stderr
    assert (kb.root / ".pmkb/jira-cache.json").is_file()
    exported = json.loads(kb.site("api/action-items.json"))
    assert exported[0]["status"] == "done" and exported[0]["source"] == "jira"
    secrets_absent(jira_server, result.stderr, files=[*kb.root.joinpath("site").rglob("*.*"), kb.root / ".pmkb/jira-cache.json"])


@pytest.mark.parametrize("kind", ["500", "401", "malformed"])
def test_build_goes_on_from_the_cache_when_jira_fails(site_kb: KB, jira_server: JiraServer, kind: str) -> None:
    cache = site_kb.root / ".pmkb/jira-cache.json"
    before = cache.read_bytes()
    jira_server.fail(kind, on="search")
    result = site_kb.mkdocs("build", env=jira_server.env())
    assert result.returncode == 0, result.stderr
    warning = next(line for line in result.stderr.splitlines() if "JR002" in line)
    assert "Jira sync failed:" in warning and "using the Jira cache fetched" in warning and "old)" in warning
    assert cache.read_bytes() == before
    assert "Drifting item" in site_kb.site("action-items/index.html")
    assert site_kb.mkdocs("build", "--strict", env=jira_server.env()).returncode == 1  # strict: the warning fails
    secrets_absent(jira_server, result.stderr, files=[*site_kb.root.joinpath("site").rglob("*.*"), cache])


def test_unknown_key_is_a_build_warning_with_file_and_line(kb: KB, jira_server: JiraServer) -> None:
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 1  # PAY-1 is unknown
    result = kb.mkdocs("build")
    assert "postmortems/2026/pm-2026-001.md:24: warning JR001: ticket PAY-1 is not known to Jira" in result.stderr


def test_jira_off_and_no_cache(kb: KB, no_jira_env: None) -> None:
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert "No Jira data yet" in kb.site("action-items/index.html")
    kb.settings("jira:\n  mode: \"off\"")  # quoted: YAML reads a bare off as false
    assert kb.mkdocs("build", "--strict", env={"JIRA_URL": "http://127.0.0.1:9"}).returncode == 0
    assert "Jira is off" in kb.site("action-items/index.html")
