"""The sync itself against the Jira test server: paging, batching, fields, unknown keys, history."""

from __future__ import annotations

import json
import math

from .conftest import KB
from .jira_server import JiraServer
from .jira_support import cli, issue, jira_server, no_jira_env, postmortem  # noqa: F401 (fixtures)

CACHE = ".pmkb/jira-cache.json"


def _many_items(kb: KB, count: int, per_postmortem: int = 60) -> list[str]:
    keys = [f"OPS-{n}" for n in range(1, count + 1)]
    for start in range(0, count, per_postmortem):
        number = 100 + start // per_postmortem
        items = [{"summary": f"Item {k}", "due": "2026-12-01", "ticket": k} for k in keys[start : start + per_postmortem]]
        kb.write(f"postmortems/2026/pm-2026-{number}.md", postmortem(f"PM-2026-{number}", items))
    return keys


def test_more_keys_than_one_page_follows_every_page(kb: KB, jira_server: JiraServer) -> None:
    keys = _many_items(kb, 230)
    for key in keys:
        jira_server.issues[key] = issue("In Progress", due="2026-12-05")
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-01", resolution="Done", resolved="2026-03-31")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 0, result.output
    cache = json.loads((kb.root / CACHE).read_text())
    assert len(cache["issues"]) == 231 and cache["unknown"] == []

    searches = jira_server.searches()
    if jira_server.deployment == "Cloud":
        assert {r.path for r in searches} == {"/rest/api/2/search/jql"}
        assert sum("nextPageToken" in r.query for r in searches) == 0  # one page per 100-key batch
        expected_searches = math.ceil(231 / 100)
    else:
        assert {r.path for r in searches} == {"/rest/api/2/search"}
        assert [r.query["startAt"] for r in searches] == [["0"], ["50"]] * 2 + [["0"]]  # DC pages at 50
        expected_searches = 5
    assert len(searches) == expected_searches
    assert [r.path for r in jira_server.log[:2]] == ["/rest/api/2/serverInfo", "/rest/api/2/field"]
    assert f"in {len(jira_server.log)} request(s)" in result.stdout
    # Only the fields the facts need, never *all.
    assert all(sorted(r.query["fields"]) == ["duedate", "resolution", "resolutiondate", "status"] for r in searches)
    # Batches by JQL, never one request per issue.
    assert all(r.query["jql"][0].startswith("key in (") for r in searches)


def test_page_size_setting_sizes_the_batches(kb: KB, jira_server: JiraServer) -> None:
    kb.settings("jira:\n  page_size: 10")
    keys = _many_items(kb, 25)
    for key in keys:
        jira_server.issues[key] = issue("To Do")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 1  # PAY-1 is unknown here
    assert len(jira_server.searches()) == 3 + (1 if jira_server.deployment == "Cloud" else 0)


def test_cloud_never_uses_the_removed_search_api(kb: KB, jira_server: JiraServer) -> None:
    jira_server.issues["PAY-1"] = issue("To Do")
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
    paths = {r.path for r in jira_server.log}
    if jira_server.deployment == "Cloud":
        assert "/rest/api/2/search" not in paths
    else:
        assert not any(p.endswith("/search/jql") for p in paths)


def test_unknown_keys_are_dropped_retried_and_kept_apart(kb: KB, jira_server: JiraServer) -> None:
    keys = _many_items(kb, 130)
    for key in keys:
        if key not in ("OPS-7", "OPS-120"):
            jira_server.issues[key] = issue("To Do", due="2026-12-01")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 1
    cache = json.loads((kb.root / CACHE).read_text())
    assert cache["unknown"] == ["OPS-120", "OPS-7", "PAY-1"]
    assert len(cache["issues"]) == 128
    for key in ("OPS-7", "OPS-120", "PAY-1"):
        assert f"ticket {key} is not known to Jira" in result.stderr
    assert "3 unknown key(s)" in result.stdout


def test_history_records_changes_across_syncs_only(kb: KB, jira_server: JiraServer) -> None:
    env = jira_server.env()
    jira_server.issues["PAY-1"] = issue("To Do", due="2026-04-01")
    cli(kb, "jira", "sync", env=env)
    cli(kb, "jira", "sync", env=env)  # nothing changed: no new history entry
    jira_server.issues["PAY-1"] = issue("In Progress", due="2026-04-20")
    cli(kb, "jira", "sync", env=env)
    history = json.loads((kb.root / CACHE).read_text())["issues"]["PAY-1"]["history"]
    assert [(h["duedate"], h["status"]) for h in history] == [("2026-04-01", "To Do"), ("2026-04-20", "In Progress")]
    # Jira has since lost the issue: its data is dropped (no stale data passing as live), the key reported.
    del jira_server.issues["PAY-1"]
    assert cli(kb, "jira", "sync", env=env).exit_code == 1
    cache = json.loads((kb.root / CACHE).read_text())
    assert cache["issues"] == {} and cache["unknown"] == ["PAY-1"]


def test_cache_holds_no_credentials(kb: KB, jira_server: JiraServer) -> None:
    jira_server.issues["PAY-1"] = issue("To Do")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    text = (kb.root / CACHE).read_text()
    for secret in (jira_server.token, jira_server.pat, jira_server.email):
        assert secret not in text and secret not in result.output
    assert json.loads(text)["server"] == {"url": jira_server.url, "deployment": jira_server.deployment}
