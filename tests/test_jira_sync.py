"""The sync itself against the Jira test server: paging, batching, fields, unknown keys, history."""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import time
from typing import Iterator

import pytest

from .conftest import BIN, KB
from .jira_server import JiraServer
from .jira_support import cli, issue, jira_files, postmortem

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


# -- the cache file under concurrent and interrupted syncs ---------------------------


@pytest.fixture
def slow_sync(kb: KB, jira_server: JiraServer) -> Iterator[subprocess.Popen[str]]:
    """A `pmkb jira sync` process (a real second process) stuck in a dripping search, holding the lock."""
    jira_server.issues["PAY-1"] = issue("To Do", due="2026-04-01")
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
    jira_server.fail("drip", on="search", delay=0.05)
    searches = len(jira_server.searches())
    env = {**os.environ, **jira_server.env(), "PMKB_JIRA_DEADLINE": "120", "PMKB_TODAY": "2026-11-28"}
    proc = subprocess.Popen(
        [str(BIN / "pmkb"), "jira", "sync", "--config", str(kb.root / "mkdocs.yml")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(600):  # hang guard (60 s), not a timing assertion
            if len(jira_server.searches()) > searches or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(jira_server.searches()) > searches, "the first sync never reached its search"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=60)


def test_a_second_sync_is_refused_while_one_runs(kb: KB, jira_server: JiraServer, slow_sync: subprocess.Popen[str]) -> None:
    cache = kb.root / CACHE
    before = cache.read_bytes()
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-01")
    second = cli(kb, "jira", "sync", env=jira_server.env())
    assert second.exit_code == 1
    (line,) = second.stderr.strip().splitlines()
    assert line.startswith("pmkb: Jira sync refused: another `pmkb jira sync`")
    assert f"(process {slow_sync.pid})" in line and "is updating jira-cache.json" in line
    assert cache.read_bytes() == before
    # A build in auto mode meanwhile reads the cache as it is, and says why it did not sync.
    built = kb.mkdocs("build", env=jira_server.env())
    assert built.returncode == 0, built.stderr
    warning = next(line for line in built.stderr.splitlines() if "JR002" in line)
    assert "Jira sync skipped: another `pmkb jira sync`" in warning and "using the Jira cache fetched" in warning
    assert cache.read_bytes() == before

    jira_server.end_drips()  # the first sync's answer is cut: it fails and leaves the cache alone
    _, err = slow_sync.communicate(timeout=60)
    assert slow_sync.returncode == 1 and "truncated answer" in err
    jira_server.heal()
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0  # the lock went with the first sync
    assert json.loads(cache.read_text())["issues"]["PAY-1"]["status"] == "Done"


def test_a_killed_sync_leaves_neither_a_lock_nor_a_temp_file_behind(
    kb: KB, jira_server: JiraServer, slow_sync: subprocess.Popen[str]
) -> None:
    before = (kb.root / CACHE).read_bytes()
    slow_sync.send_signal(signal.SIGKILL)
    slow_sync.wait(timeout=60)
    assert (kb.root / CACHE).read_bytes() == before
    jira_server.heal()
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-01")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 0, result.output
    assert jira_files(kb) == ["jira-cache.json", "jira-cache.json.lock"]


def test_temp_files_of_a_killed_write_are_never_read_and_are_cleaned(kb: KB, jira_server: JiraServer) -> None:
    # What kill -9 in the middle of a write leaves: a 0-byte temp file, or half of one.
    kb.write(".pmkb/.jira-cache.json.0a1b2c3d4e5f.tmp", "")
    kb.write(".pmkb/.jira-cache.json.ffffffffffff.tmp", '{"format": "pmkb-jira-cache", "version": 1, "issues": {"PAY-1": {"sta')
    listed = cli(kb, "actions", "--format", "json")
    assert listed.exit_code == 0 and "warning" not in listed.stderr
    assert json.loads(listed.stdout)[0]["source"] == "front-matter"  # no cache yet: the temp files are not one
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-01")
    assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
    assert jira_files(kb) == ["jira-cache.json", "jira-cache.json.lock"]
    assert json.loads(cli(kb, "actions", "--format", "json").stdout)[0]["source"] == "jira"


def test_a_rewrite_keeps_the_cache_files_mode(kb: KB, jira_server: JiraServer) -> None:
    jira_server.issues["PAY-1"] = issue("To Do")
    cache = kb.root / CACHE
    old = os.umask(0o022)
    try:
        assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
        assert stat.S_IMODE(cache.stat().st_mode) == 0o644  # a new file: the umask's default, like any file
        for mode in (0o640, 0o664):
            cache.chmod(mode)
            jira_server.issues["PAY-1"] = issue("In Progress" if mode == 0o640 else "Done")
            assert cli(kb, "jira", "sync", env=jira_server.env()).exit_code == 0
            assert stat.S_IMODE(cache.stat().st_mode) == mode
    finally:
        os.umask(old)
    assert json.loads(cache.read_text())["issues"]["PAY-1"]["status"] == "Done"  # it was rewritten each time
