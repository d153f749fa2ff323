"""`pmkb oncall sync` against a PagerDuty-compatible server on 127.0.0.1: paging, files, faults, secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner, Result

from pmkb.cli import main
from pmkb.oncall import sync as sync_module
from pmkb.oncall.sync import PagerDutyFault, PagerDutySync, sync_oncall

from .conftest import KB
from .pagerduty_server import PagerDutyServer, incident


@pytest.fixture
def pd() -> Iterator[PagerDutyServer]:
    server = PagerDutyServer().start()
    # 250 incidents in May (three pages of 100), 3 in June, one in April (outside the window).
    server.incidents = [incident(n, f"2026-05-{1 + n % 28:02d}T{n % 24:02d}:15:00Z") for n in range(1, 251)]
    server.incidents += [incident(300 + n, f"2026-06-0{n}T10:00:00Z", urgency="low" if n == 3 else "high") for n in (1, 2, 3)]
    server.incidents.append(incident(400, "2026-04-30T23:59:59Z"))
    yield server
    server.stop()


def cli(kb: KB, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(kb.root / "mkdocs.yml")], env=env, catch_exceptions=False)


def _no_secret(server: PagerDutyServer, kb: KB, *texts: str) -> None:
    for text in texts:
        assert server.token not in text
    for path in (kb.root / "oncall").glob("*"):
        assert server.token not in path.read_text(encoding="utf-8")


def test_sync_pages_through_and_writes_one_file_per_month(kb: KB, pd: PagerDutyServer) -> None:
    result = cli(kb, "oncall", "sync", "--since", "2026-05-10", "--until", "2026-06-15", env=pd.env())
    assert result.exit_code == 0, result.output
    assert "Synced 253 incident(s) from PagerDuty in 4 request(s)" in result.stdout
    assert sorted(p.name for p in (kb.root / "oncall").iterdir()) == ["pagerduty-2026-05.json", "pagerduty-2026-06.json"]
    may = json.loads((kb.root / "oncall/pagerduty-2026-05.json").read_text(encoding="utf-8"))
    assert len(may["incidents"]) == 250  # the whole month, not from the 10th: a file is a month
    assert set(may["incidents"][0]) == {"id", "incident_number", "title", "created_at", "urgency", "status",
                                        "service", "escalation_policy", "assignments"}  # "body" is not kept
    # Every request: the token header, limit 100, one month's window; offsets 0, 100, 200 for May.
    assert all(r["_auth"] == [f"Token token={pd.token}"] for r in pd.log)
    assert all(r["limit"] == ["100"] for r in pd.log)  # PagerDuty's maximum page
    assert [(r["since"][0], r["offset"][0]) for r in pd.log] == [
        ("2026-05-01T00:00:00Z", "0"), ("2026-05-01T00:00:00Z", "100"), ("2026-05-01T00:00:00Z", "200"),
        ("2026-06-01T00:00:00Z", "0"),
    ]
    assert pd.log[0]["until"] == ["2026-06-01T00:00:00Z"]
    code_result = cli(kb, "oncall", "--format", "json")
    assert json.loads(code_result.stdout)["pages"] == 252  # one June incident is low urgency
    _no_secret(pd, kb, result.output, code_result.output)


def test_a_window_with_more_than_the_offset_limit_is_split(kb: KB, pd: PagerDutyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # PagerDuty caps offset + limit at 10,000; with the cap at 150 here, May's 250 incidents need two halves.
    monkeypatch.setattr(sync_module, "MAX_OFFSET", 150)
    result = cli(kb, "oncall", "sync", "--since", "2026-05-01", "--until", "2026-05-31", env=pd.env())
    assert result.exit_code == 0, result.output
    may = json.loads((kb.root / "oncall/pagerduty-2026-05.json").read_text(encoding="utf-8"))
    assert len(may["incidents"]) == 250 and len({i["id"] for i in may["incidents"]}) == 250
    windows = {(r["since"][0], r["until"][0]) for r in pd.log}
    assert ("2026-05-01T00:00:00Z", "2026-05-16T12:00:00Z") in windows
    assert all(int(r["offset"][0]) + int(r["limit"][0]) <= 150 for r in pd.log)


@pytest.mark.parametrize(("kind", "cause"), [
    ("401", "PagerDuty refused the token (401)"),
    ("500", "PagerDuty answered 500"),
    ("malformed", "answer was not JSON"),
])
@pytest.mark.parametrize("after", [0, 3], ids=["first-request", "second-month"])
def test_faults_are_one_clear_line_and_leave_the_files_as_they_were(
    kb: KB, pd: PagerDutyServer, kind: str, cause: str, after: int
) -> None:
    assert cli(kb, "oncall", "sync", "--since", "2026-05-01", "--until", "2026-06-30", env=pd.env()).exit_code == 0
    before = {p.name: p.read_bytes() for p in (kb.root / "oncall").iterdir()}
    pd.incidents.append(incident(999, "2026-06-20T10:00:00Z"))  # new data that must not half-arrive
    # after=3: May's three pages arrive, then June fails; nothing at all is written.
    pd.fail(kind, after=after)
    result = cli(kb, "oncall", "sync", "--since", "2026-05-01", "--until", "2026-06-30", env=pd.env())
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmkb: PagerDuty sync failed: ") and cause in lines[0], lines
    assert lines[0].endswith("nothing under oncall/ was changed")
    assert result.stdout == ""
    assert {p.name: p.read_bytes() for p in (kb.root / "oncall").iterdir()} == before  # no temp file either
    _no_secret(pd, kb, result.output)


def test_429_is_retried_after_retry_after_then_succeeds(kb: KB, pd: PagerDutyServer) -> None:
    pd.fail("429", times=2, retry_after="0")
    result = cli(kb, "oncall", "sync", "--since", "2026-06-01", "--until", "2026-06-30", env=pd.env())
    assert result.exit_code == 0, result.output
    assert "Synced 3 incident(s) from PagerDuty in 3 request(s)" in result.stdout


def test_429_beyond_the_bounded_wait_is_a_clear_error(kb: KB, pd: PagerDutyServer) -> None:
    pd.fail("429", retry_after="3600")  # an hour: more than we wait in total
    result = cli(kb, "oncall", "sync", "--since", "2026-06-01", "--until", "2026-06-30", env=pd.env())
    assert result.exit_code == 1
    assert "rate limit (429)" in result.stderr
    assert not (kb.root / "oncall").exists()


def test_a_slow_pagerduty_times_out_with_a_clear_error(pd: PagerDutyServer) -> None:
    pd.fail("slow", times=1, delay=2.0)
    config = PagerDutySync(token=pd.token, url=pd.url, timeout=0.3)
    with pytest.raises(PagerDutyFault, match=r"did not answer within 0.3 s"):
        sync_oncall(config, date(2026, 6, 1), date(2026, 6, 30))


def test_without_a_token_sync_is_a_usage_error(kb: KB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGERDUTY_TOKEN", raising=False)
    result = cli(kb, "oncall", "sync")
    assert result.exit_code == 2 and "PAGERDUTY_TOKEN is not set" in result.stderr


def test_the_build_never_calls_pagerduty(kb: KB, pd: PagerDutyServer) -> None:
    assert cli(kb, "oncall", "sync", "--since", "2026-06-01", "--until", "2026-06-30", env=pd.env()).exit_code == 0
    pd.log.clear()
    pd.fail("500")
    build = kb.mkdocs("build", "--strict", env=pd.env())
    assert build.returncode == 0, build.stderr
    assert pd.log == []
    assert json.loads(kb.site("api/oncall.json"))["pages"] == 2
