"""A hostile or broken Jira (issue 10, "nothing leaks, nothing hangs"), against Cloud and Data Center.

For each fault, `pmkb jira sync` exits 1 with one line naming the cause and
leaves the cache byte-identical; a build in `jira.mode: auto` goes on from the
cache with a warning naming the cause and the cache's age; and no encoding of
any secret (see `jira_support.secret_encodings`) is in any output, the cache or
any site file. The tokens hold `+ / = ? > ~` so that every encoding differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import KB
from .jira_server import JiraServer
from .jira_support import cli, issue, jira_files, secrets_absent

CACHE = ".pmkb/jira-cache.json"
TOKEN = "cloud+tok/en=s3cr3t?>~"  # its base64, and that of email:token, hold "+" and "=="
PAT = "dc+pat/s3cr3t>>?=="


@pytest.fixture(params=["Cloud", "Server"], ids=["cloud", "datacenter"])
def hostile(request: pytest.FixtureRequest, no_jira_env: None) -> Iterator[JiraServer]:
    server = JiraServer(deployment=request.param, token=TOKEN, pat=PAT).start()
    server.issues["PAY-1"] = issue("In Progress", due="2026-04-10")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def synced(kb: KB, hostile: JiraServer) -> KB:
    result = cli(kb, "jira", "sync", env=hostile.env())
    assert result.exit_code == 0, result.output
    return kb


def _everything(kb: KB) -> list[Path]:
    return [p for p in [*kb.root.joinpath("site").rglob("*"), *kb.root.joinpath(".pmkb").rglob("*")] if p.is_file()]


def _sync_fails(kb: KB, server: JiraServer, env: dict[str, str], *cause: str) -> str:
    """`pmkb jira sync` exits 1 with one line naming the cause; the cache is untouched. Returns the line."""
    before = (kb.root / CACHE).read_bytes()
    result = cli(kb, "jira", "sync", env=env)
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("pmkb: Jira sync failed: ") and line.endswith("the cache was left as it was"), line
    for words in cause:
        assert words in line
    assert result.stdout == ""
    assert (kb.root / CACHE).read_bytes() == before
    assert jira_files(kb) == ["jira-cache.json", "jira-cache.json.lock"]
    secrets_absent(server, result.output, files=_everything(kb))
    return line


def _build_goes_on(kb: KB, server: JiraServer, env: dict[str, str], *cause: str) -> str:
    """A build in auto mode with Jira failing: exit 0, the old cache used, a warning with cause and age."""
    before = (kb.root / CACHE).read_bytes()
    result = kb.mkdocs("build", env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warning = next(line for line in result.stderr.splitlines() if "JR002" in line)
    assert "Jira sync failed:" in warning and "using the Jira cache fetched" in warning and "old)" in warning
    for words in cause:
        assert words in warning
    assert (kb.root / CACHE).read_bytes() == before
    assert "PAY-1" in kb.site("action-items/index.html")
    secrets_absent(server, result.stdout, result.stderr, files=_everything(kb))
    return warning


@pytest.mark.parametrize(
    ("status", "on", "cause"),
    [
        (400, "search", "rejected the search (HTTP 400)"),
        (418, "search", "answered HTTP 418 on search"),
        (404, "serverInfo", "answered HTTP 404 on serverInfo"),
    ],
)
def test_an_echoed_authorization_header_is_redacted_everywhere(
    synced: KB, hostile: JiraServer, status: int, on: str, cause: str
) -> None:
    hostile.fail("echo-headers", status=status, on=on)
    line = _sync_fails(synced, hostile, hostile.env(), cause)
    # The server's own message is shown (it helps), with the credential masked: the echo really was there.
    assert "authorization: basic ***" in line.lower() or "authorization: bearer ***" in line.lower()
    _build_goes_on(synced, hostile, hostile.env(), cause)
    actions = cli(synced, "actions", "--format", "json")
    assert actions.exit_code == 0
    secrets_absent(hostile, actions.output)


def test_an_echo_inside_the_issue_fields_is_never_stored(kb: KB, hostile: JiraServer) -> None:
    hostile.fail("echo-fields", on="search")
    result = cli(kb, "jira", "sync", env=hostile.env())
    assert result.exit_code == 0, result.output
    stored = json.loads((kb.root / CACHE).read_text())["issues"]["PAY-1"]
    assert "***" in stored["status"] and "***" in stored["resolution"]  # the echo arrived, masked
    built = kb.mkdocs("build", env=hostile.env())  # syncs again (still echoing), then renders it
    assert built.returncode == 0, built.stderr
    actions = cli(kb, "actions")
    secrets_absent(hostile, result.output, built.stderr, actions.output, files=_everything(kb))


@pytest.mark.parametrize(
    ("kind", "options", "env", "cause"),
    [
        ("truncate", {}, {}, ["broke in the middle of the answer to search", "truncated answer"]),
        ("nested", {}, {}, ["JSON nested too deeply"]),
        ("drip", {"delay": 0.05}, {"PMKB_JIRA_DEADLINE": "1"}, ["did not finish the sync within its deadline of 1 s", "PMKB_JIRA_DEADLINE"]),
        ("flood", {"size": 3_000_000}, {"PMKB_JIRA_MAX_BYTES": "1000000"}, ["sent more than 1000000 bytes", "PMKB_JIRA_MAX_BYTES"]),
    ],
    ids=["truncated", "nested", "drip", "flood"],
)
def test_a_broken_answer_is_a_jira_fault_and_the_build_goes_on(
    synced: KB, hostile: JiraServer, kind: str, options: dict[str, float], env: dict[str, str], cause: list[str]
) -> None:
    hostile.fail(kind, on="search", **options)  # type: ignore[arg-type]
    _sync_fails(synced, hostile, {**hostile.env(), **env}, hostile.url, *cause)
    _build_goes_on(synced, hostile, {**hostile.env(), **env}, *cause)


def test_the_drip_is_cut_even_in_the_first_answer(synced: KB, hostile: JiraServer) -> None:
    hostile.fail("drip", on="serverInfo", delay=0.05)
    env = {**hostile.env(), "PMKB_JIRA_DEADLINE": "1", "PMKB_JIRA_TIMEOUT": "30"}  # no single read ever times out
    _sync_fails(synced, hostile, env, "deadline of 1 s", "on serverInfo")


@pytest.mark.parametrize(
    ("name", "value"),
    [("PMKB_JIRA_DEADLINE", "soon"), ("PMKB_JIRA_MAX_BYTES", "12MB"), ("PMKB_JIRA_MAX_BYTES", "10")],
)
def test_a_bad_limit_setting_is_a_usage_error(synced: KB, hostile: JiraServer, name: str, value: str) -> None:
    sent = len(hostile.log)
    result = cli(synced, "jira", "sync", env={**hostile.env(), name: value})
    assert result.exit_code == 2
    assert name in result.stderr and "Traceback" not in result.output
    assert len(hostile.log) == sent  # refused before asking Jira anything
