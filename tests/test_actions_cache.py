"""The cache file: atomic, round-trips, and a bad file is set aside (never trusted, never lost)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pmkb.actions.cache import CachedIssue, JiraCache, load_cache, merge_sync, public_url, write_cache

from .conftest import KB
from .jira_support import cli


def _cache() -> JiraCache:
    issue = CachedIssue("PAY-1", "In Progress", "indeterminate", date(2026, 12, 1), None, None)
    return merge_sync(JiraCache(), {"PAY-1": issue}, {"PAY-9"}, datetime(2026, 11, 27, 6, tzinfo=timezone.utc),
                      "https://bot:secret@jira.example.com/", "Cloud")  # fmt: skip


def test_round_trip_and_no_user_info(tmp_path: Path) -> None:
    path = tmp_path / ".pmkb" / "jira-cache.json"
    write_cache(path, _cache())
    loaded = load_cache(path)
    assert loaded.problem is None
    assert loaded.cache.to_json() == _cache().to_json()
    assert loaded.cache.server_url == "https://jira.example.com"
    assert "secret" not in path.read_text() and "bot" not in path.read_text()
    assert sorted(p.name for p in path.parent.iterdir()) == ["jira-cache.json"]


def test_public_url_strips_credentials_query_and_fragment() -> None:
    assert public_url("https://u:p@jira.example.com:8443/jira/?token=x#f") == "https://jira.example.com:8443/jira"


def _ours(**fields: object) -> bytes:
    base = {"format": "pmkb-jira-cache", "version": 1, "fetched_at": "2026-11-27T06:00:00Z", "server": {"url": "https://jira.example.com"}}
    return json.dumps({**base, **fields}).encode()


_ISSUE = {"status": "To Do", "category": "new", "duedate": None, "resolution": None, "resolved": None, "history": []}

# Caches that parse as JSON (or almost) but must not be trusted: each is set aside, never a traceback.
DAMAGED = [
    pytest.param(b'{"format": "pmkb-jira-cache", "issues": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply", id="deep-nesting"),
    pytest.param(b'{"format": "pmkb-jira-cache", "version": ' + b"9" * 5000 + b"}", "a number too long", id="huge-integer"),
    pytest.param(_ours(issues={"PAY-1": {**_ISSUE, "resolution": 5}}), "issues.PAY-1.resolution is not text", id="resolution-number"),
    pytest.param(_ours(issues={"PAY-1": {**_ISSUE, "status": ["Done"]}}), "issues.PAY-1.status is not text", id="status-list"),
    pytest.param(_ours(issues={"PAY-1": {**_ISSUE, "duedate": 20260401}}), "issues.PAY-1.duedate is not a date", id="date-number"),
    pytest.param(_ours(issues={"PAY-1": {**_ISSUE, "history": 5}}), "issues.PAY-1.history is not a list", id="history-number"),
    pytest.param(_ours(issues={"PAY-1": {**_ISSUE, "history": [7]}}), "issues.PAY-1.history is not an object", id="history-entry"),
    pytest.param(_ours(issues=["PAY-1"]), "issues is not an object", id="issues-list"),
    pytest.param(_ours(issues={"x\ny": "To Do"}), "an issue key is not an object", id="odd-key"),
    pytest.param(_ours(unknown="PAY-1"), "unknown is not a list", id="unknown-text"),
    pytest.param(_ours(server="jira"), "server is not an object", id="server-text"),
    pytest.param(_ours(server={"url": "javascript:alert(1)"}), "server.url is not an http(s) URL", id="script-url"),
    pytest.param(_ours(version=True), "has cache version ?", id="version-bool"),
    pytest.param(_ours(fetched_at=12), "fetched_at is not a time", id="fetched-number"),
]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        *DAMAGED,
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe", "is not valid JSON"),
        (b'{"issues": {}}', "is not a pmkb Jira cache"),
        (b'{"format": "pmkb-jira-cache", "version": 99}', "has cache version 99"),
        (b'{"format": "pmkb-jira-cache", "version": 1, "fetched_at": "x", "issues": {}}', "is damaged"),
        (b'{"format": "pmkb-jira-cache", "version": 1, "issues": {"A-1": {"status": 1}}}', "is damaged"),
    ],
)
def test_bad_file_is_set_aside_and_reported(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "jira-cache.json"
    path.write_bytes(content)
    loaded = load_cache(path)
    assert loaded.cache.is_empty and loaded.problem is not None
    assert why in loaded.problem and "not deleted" in loaded.problem
    assert "\n" not in loaded.problem and len(loaded.problem) < 300  # one line, however big the file
    (aside,) = tmp_path.glob("jira-cache.json.bad-*")
    assert aside.read_bytes() == content and not path.exists()
    assert aside.name in loaded.problem


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "jira-cache.json"
    write_cache(path, _cache())
    before = path.read_bytes()

    class Boom(JiraCache):
        def to_json(self) -> dict:  # type: ignore[override]
            return {"x": object()}  # not serialisable: the write fails before anything is replaced

    with pytest.raises(TypeError):
        write_cache(path, Boom())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jira-cache.json"]


def test_actions_reports_a_corrupt_cache_and_goes_on(kb: KB, no_jira_env: None) -> None:
    kb.write(".pmkb/jira-cache.json", "[1, 2")
    result = cli(kb, "actions", "--format", "json")
    assert result.exit_code == 0
    assert "jira-cache.json is not valid JSON; it was moved to jira-cache.json.bad-" in result.stderr
    assert json.loads(result.stdout)[0]["source"] == "front-matter"
    assert len(list((kb.root / ".pmkb").glob("jira-cache.json.bad-*"))) == 1


@pytest.mark.parametrize(("content", "why"), DAMAGED)
def test_actions_sets_a_damaged_cache_aside(kb: KB, no_jira_env: None, content: bytes, why: str) -> None:
    kb.write_bytes(".pmkb/jira-cache.json", content)
    result = cli(kb, "actions", "--format", "json")
    assert result.exit_code == 0
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("pmkb: warning: jira-cache.json ") and why in line and "moved to jira-cache.json.bad-" in line
    assert [item["source"] for item in json.loads(result.stdout)] == ["front-matter"]  # never trusted
    (aside,) = (kb.root / ".pmkb").glob("jira-cache.json.bad-*")
    assert aside.read_bytes() == content  # set aside, not lost


def test_a_build_sets_a_damaged_cache_aside(kb: KB, no_jira_env: None) -> None:
    content = _ours(issues={"PAY-1": {**_ISSUE, "resolution": {"name": "Won't Do"}}})
    kb.write_bytes(".pmkb/jira-cache.json", content)
    result = kb.mkdocs("build")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    warning = next(line for line in result.stderr.splitlines() if "JR002" in line)
    assert "issues.PAY-1.resolution is not text" in warning and "moved to jira-cache.json.bad-" in warning
    assert len(list((kb.root / ".pmkb").glob("jira-cache.json.bad-*"))) == 1

