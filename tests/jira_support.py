"""Fixtures and helpers for the Jira and action-item tests.

`jira_server` is parametrised over both deployment types, so every test that
uses it runs against Cloud (search/jql, nextPageToken) and Data Center
(search, startAt). A pytest plugin (conftest `pytest_plugins`): tests ask for its fixtures by name
and import only its helpers (cli, issue, postmortem, secrets_absent).
"""

from __future__ import annotations

import base64
import gzip
from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner, Result

from pmkb.cli import main

from . import factories
from .conftest import KB
from .jira_server import FakeIssue, JiraServer

__all__ = [
    "FakeIssue",
    "JiraServer",
    "cli",
    "issue",
    "jira_server",
    "no_jira_env",
    "postmortem",
    "secret_encodings",
    "secrets_absent",
]

JIRA_VARS = (
    "JIRA_URL",
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "JIRA_PAT",
    "PMKB_JIRA_TIMEOUT",
    "PMKB_JIRA_MAX_WAIT",
    "PMKB_JIRA_DEADLINE",
    "PMKB_JIRA_MAX_BYTES",
)


@pytest.fixture
def no_jira_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jira stays out unless a test asks for it."""
    for name in JIRA_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["Cloud", "Server"], ids=["cloud", "datacenter"])
def jira_server(request: pytest.FixtureRequest, no_jira_env: None) -> Iterator[JiraServer]:
    server = JiraServer(deployment=request.param).start()
    try:
        yield server
    finally:
        server.stop()


def postmortem(pm_id: str, items: list[dict[str, str]], teams: str = "[payments]", status: str = "published") -> str:
    """A valid SEV4 postmortem whose action items are given as {summary, owner?, due, ticket?, status?}."""
    number = pm_id.rsplit("-", 1)[1]
    return factories.postmortem(
        pm_id, f"Incident {number}", status=status, severity="SEV4", teams=teams, incident_commander=None,
        detection=None, customer_impact=False, runbooks=None, tags=None,
        action_items=[{"owner": "Dana Ortiz", **item} for item in items],
        summary="S.", timeline="- 02:10 start", root_cause="R.", went_well="W.", improved="I.",
    )


def cli(kb: KB, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run pmkb in-process with extra environment variables (e.g. the server's JIRA_*)."""
    return CliRunner().invoke(main, [*args, "--config", str(kb.root / "mkdocs.yml")], env=env, catch_exceptions=False)


def secret_encodings(server: JiraServer) -> dict[str, str]:
    """Each way the token or PAT can travel, by name: raw, base64 of email:token (the Basic header),
    base64 of the secret alone, percent-encoded (of the secret and of its base64)."""
    forms: dict[str, str] = {}
    for name, secret in (("token", server.token), ("pat", server.pat)):
        basic = base64.b64encode(f"{server.email}:{secret}".encode()).decode()
        alone = base64.b64encode(secret.encode()).decode()
        forms |= {
            f"raw {name}": secret,
            f"base64(email:{name})": basic,
            f"base64({name})": alone,
            f"percent-encoded {name}": quote(secret, safe=""),
            f"form-encoded {name}": quote_plus(secret),
            f"percent-encoded base64(email:{name})": quote(basic, safe=""),
            f"percent-encoded base64({name})": quote(alone, safe=""),
        }
    return forms


def _file_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def secrets_absent(server: JiraServer, *texts: str, files: list[Path] = ()) -> None:  # type: ignore[assignment]
    """No encoding of the token or PAT (see `secret_encodings`) appears in any of the texts or files."""
    contents = [("output", text) for text in texts]
    contents += [(str(path), _file_text(path)) for path in files if path.is_file()]
    for form_name, form in secret_encodings(server).items():
        for where, content in contents:
            assert form not in content, f"{form_name} found in {where}"


def issue(status: str = "To Do", due: str | None = None, resolution: str | None = None, resolved: str | None = None) -> FakeIssue:
    category = {"To Do": "new", "Backlog": "new", "Done": "done", "Won't Do": "done"}.get(status, "indeterminate")
    return FakeIssue(
        status=status,
        category=category,
        duedate=date.fromisoformat(due) if due else None,
        resolution=resolution,
        resolved=date.fromisoformat(resolved) if resolved else None,
    )


def jira_files(kb: KB) -> list[str]:
    """What the Jira code left in `.pmkb/` (the check cache, `.pmkb/check/`, is the loader's, not Jira's)."""
    return sorted(p.name for p in (kb.root / ".pmkb").iterdir() if p.name != "check")
