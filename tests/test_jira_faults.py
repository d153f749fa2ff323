"""Every Jira fault: `pmkb jira sync` exits 1 with one clear line, the cache stays byte-identical,
and no credential appears anywhere. Runs against Cloud and Data Center (the `jira_server` fixture)."""

from __future__ import annotations

import pytest

from .conftest import KB
from .jira_server import JiraServer
from .jira_support import cli, issue, jira_files, secrets_absent

CACHE = ".pmkb/jira-cache.json"


@pytest.fixture
def synced_once(kb: KB, jira_server: JiraServer) -> KB:
    jira_server.issues["PAY-1"] = issue("In Progress", due="2026-04-10")
    result = cli(kb, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 0, result.output
    assert "Synced 1 issue(s)" in result.stdout
    return kb


def _assert_fault(kb: KB, server: JiraServer, env: dict[str, str], *cause: str) -> None:
    before = (kb.root / CACHE).read_bytes()
    result = cli(kb, "jira", "sync", env=env)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pmkb: Jira sync failed: ") and lines[0].endswith("the cache was left as it was")
    for words in cause:
        assert words in lines[0]
    assert result.stdout == ""
    assert (kb.root / CACHE).read_bytes() == before
    assert jira_files(kb) == ["jira-cache.json", "jira-cache.json.lock"]  # no temp file
    secrets_absent(server, result.output, files=[kb.root / CACHE])


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("401", ["refused the credentials (HTTP 401)"]),
        ("403", ["denied access (HTTP 403)"]),
        ("500", ["server error (HTTP 500)"]),
        ("502", ["server error (HTTP 502)"]),
        ("malformed", ["malformed JSON"]),
        ("echo-auth", ["server error (HTTP 500)"]),  # the body echoes the Authorization header
    ],
)
def test_http_faults_mid_sync(synced_once: KB, jira_server: JiraServer, kind: str, cause: list[str]) -> None:
    jira_server.fail(kind, on="search")
    _assert_fault(synced_once, jira_server, jira_server.env(), jira_server.url, *cause)


def test_fault_on_the_first_request(synced_once: KB, jira_server: JiraServer) -> None:
    jira_server.fail("503", on="serverInfo", retry_after=None)
    env = {**jira_server.env(), "PMKB_JIRA_MAX_WAIT": "0.2"}
    _assert_fault(synced_once, jira_server, env, "unavailable (HTTP 503)")


def test_wrong_credentials(synced_once: KB, jira_server: JiraServer) -> None:
    env = {**jira_server.env(), "JIRA_API_TOKEN": "wrong-token", "JIRA_PAT": "wrong-pat"}
    hint = "JIRA_EMAIL and JIRA_API_TOKEN" if jira_server.deployment == "Cloud" else "JIRA_PAT"
    env = env if jira_server.deployment == "Cloud" else {k: v for k, v in env.items() if k != "JIRA_API_TOKEN"}
    _assert_fault(synced_once, jira_server, env, "(HTTP 401)", hint)
    secrets_absent(jira_server, "wrong-token")


def test_rate_limit_beyond_the_bound_fails_fast(synced_once: KB, jira_server: JiraServer) -> None:
    jira_server.fail("429", on="search", retry_after="100")
    env = {**jira_server.env(), "PMKB_JIRA_MAX_WAIT": "5"}
    _assert_fault(synced_once, jira_server, env, "rate-limited the sync (HTTP 429)", "asked to wait 100 s", "at most 5 s")


def test_rate_limit_retry_after_is_honoured(synced_once: KB, jira_server: JiraServer) -> None:
    jira_server.issues["PAY-1"] = issue("Done", due="2026-04-10", resolution="Done", resolved="2026-04-09")
    jira_server.fail("429", on="search", retry_after="1", times=2)
    before, searches_before = len(jira_server.log), len(jira_server.searches())
    result = cli(synced_once, "jira", "sync", env=jira_server.env())
    assert result.exit_code == 0, result.output
    sent = len(jira_server.log) - before
    assert len(jira_server.searches()) - searches_before == 3  # refused twice, then answered
    assert f"in {sent} request(s)" in result.stdout  # the count includes the two refused ones
    assert '"category": "done"' in (synced_once.root / CACHE).read_text()


def test_timeout(synced_once: KB, jira_server: JiraServer) -> None:
    jira_server.fail("timeout", on="search", delay=1.5)
    env = {**jira_server.env(), "PMKB_JIRA_TIMEOUT": "0.3"}
    _assert_fault(synced_once, jira_server, env, "did not answer within 0.3 s")


def test_connection_refused(synced_once: KB, jira_server: JiraServer) -> None:
    env = jira_server.env()
    jira_server.stop()
    _assert_fault(synced_once, jira_server, env, "connection refused by 127.0.0.1:")


def test_dns_failure(synced_once: KB, jira_server: JiraServer) -> None:
    env = {**jira_server.env(), "JIRA_URL": "http://pmkb-no-such-host.invalid"}
    _assert_fault(synced_once, jira_server, env, "cannot resolve", "pmkb-no-such-host.invalid", "DNS failure")


def test_user_info_in_jira_url_is_never_shown_or_stored(synced_once: KB, jira_server: JiraServer) -> None:
    env = {**jira_server.env(), "JIRA_URL": jira_server.url.replace("http://", f"http://bot:{jira_server.token}@")}
    jira_server.fail("500", on="search")
    _assert_fault(synced_once, jira_server, env, "server error (HTTP 500)")


def test_no_url_or_no_credentials_is_a_usage_error(synced_once: KB, jira_server: JiraServer) -> None:
    result = cli(synced_once, "jira", "sync", env={"JIRA_URL": ""})
    assert result.exit_code == 2 and "JIRA_URL is not set" in result.stderr
    result = cli(synced_once, "jira", "sync", env={"JIRA_URL": jira_server.url, "JIRA_EMAIL": "x@example.com"})
    assert result.exit_code == 2 and "JIRA_API_TOKEN" in result.stderr and "JIRA_PAT" in result.stderr
