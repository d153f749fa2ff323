"""Shared fixtures: small, real knowledge bases written to tmp_path, and the demo KB built once.

Fixtures of other modules come in through `pytest_plugins`, never by importing them into a test module:
tests/browser.py (`browser`, `page`) and tests/jira_support.py (`jira_server`, `no_jira_env`).

Markers (pyproject.toml): tests using `browser`/`page` are marked `browser`, tests using the demo build
`slow`, here at collection; other slow tests say so themselves. `scripts/test -m "not browser and not slow"`
is the quick subset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from . import mkdocs_run
from .factories import postmortem
from .helpers import copy_demo

pytest_plugins = ["tests.browser", "tests.jira_support"]

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# The whole suite runs at one as-of date, whatever the machine's clock says: set here, for the
# process and every subprocess it starts, so no fixture scope can end before a command reads it
# (a module fixture's MonkeyPatch.context() once did, and CI went red on 2026-11-29). Tests that
# need another date override it with monkeypatch. test_clock_independence.py proves the rest.
AS_OF_TEXT = "2026-11-28"
os.environ["PMKB_TODAY"] = AS_OF_TEXT
for _name in ("PMKB_PUBLIC_BUILD", "JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT", "PAGERDUTY_TOKEN"):
    os.environ.pop(_name, None)  # no test inherits a real Jira, PagerDuty or edition from the shell

MKDOCS_YML = """\
site_name: Test KB
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
plugins:
  - search
  - tags
  - pmkb:
{pmkb_options}
nav:
  - Home: index.md
  - Postmortems: postmortems/index.md
  - Runbooks: runbooks/index.md
"""

TAXONOMY = """\
db-pool:
  title: Database connection pool exhaustion
  description: The application runs out of database connections.
cache-stale:
  title: Stale data from cache invalidation
"""

# The fixture KB's postmortem: the factory's defaults (tests assert its line numbers, e.g. 6 for
# incident_type, 24 for PAY-1's ticket; see tests/factories.py before changing them).
VALID_PM = postmortem()

VALID_RUNBOOK = """\
---
id: db-pool
title: Database Connection Pool Exhaustion
incident_types: [db-pool]
services: [checkout]
owner_team: payments
last_reviewed: 2026-10-01
---

## Symptoms

HikariPool-1 - Connection is not available.

## Immediate Mitigation

1. Restart the leaking pods.

## Root Cause Investigation

Look at pg_stat_activity.

## Prevention Checklist

- [ ] Leak detection on.
"""


@dataclass
class KB:
    """A knowledge base on disk, with helpers to run pmkb and mkdocs on it."""

    root: Path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def settings(self, options: str = "") -> None:
        body = "\n".join("      " + line for line in options.strip("\n").splitlines()) if options.strip() else "      enabled: true"
        self.write("mkdocs.yml", MKDOCS_YML.format(pmkb_options=body))

    def mkdocs(self, *args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
        """`mkdocs build ARGS` in this process (see tests/mkdocs_run.py): what the console script does."""
        return mkdocs_run.build(self.root, *args, env=env)

    def mkdocs_cli(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """The `mkdocs` console script in a process of its own: for what only a process shows."""
        return subprocess.run(
            [str(BIN / "mkdocs"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **mkdocs_run.BUILD_ENV, **(env or {})},
            timeout=300,
        )

    def site(self, rel: str) -> str:
        return (self.root / "site" / rel).read_text(encoding="utf-8")


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KB:
    """A valid one-postmortem, one-runbook knowledge base; tests break it on purpose."""
    monkeypatch.setenv("PMKB_TODAY", "2026-11-28")
    monkeypatch.delenv("PMKB_PUBLIC_BUILD", raising=False)
    for name in ("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT"):
        monkeypatch.delenv(name, raising=False)  # no test talks to a Jira it did not start
    base = KB(tmp_path)
    base.settings()
    base.write("incident-types.yml", TAXONOMY)
    base.write("docs/index.md", "# Test KB\n\nWelcome.\n")
    base.write("postmortems/2026/pm-2026-001.md", VALID_PM)
    base.write("runbooks/db-pool.md", VALID_RUNBOOK)
    return base


# Variables a test may set (monkeypatch, mkdocs_run.environment): none may outlive the test.
_GUARDED_ENV = ("PMKB_", "JIRA_", "PAGERDUTY_", "NO_MKDOCS_2_WARNING", "TZ", "LC_")


@pytest.fixture(autouse=True)
def _nothing_leaks() -> Iterator[None]:
    """Environment and working directory are the same after each test (its monkeypatch undone) as before."""
    before = ({k: v for k, v in os.environ.items() if k.startswith(_GUARDED_ENV)}, os.getcwd())
    yield
    after = ({k: v for k, v in os.environ.items() if k.startswith(_GUARDED_ENV)}, os.getcwd())
    assert after == before, "a test left the environment or working directory changed"


@dataclass(frozen=True)
class DemoBuild:
    """The repository's demo KB, copied and built once per session with `mkdocs build --strict`."""

    root: Path
    result: subprocess.CompletedProcess[str]

    @property
    def site(self) -> Path:
        assert self.result.returncode == 0, self.result.stderr[-3000:]
        return self.root / "site"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """Shared by every test that reads the built demo: it must not write into it."""
    root = copy_demo(tmp_path_factory.mktemp("demo"))
    no_services = {name: None for name in os.environ if name.startswith(("JIRA_", "PAGERDUTY_"))}
    return DemoBuild(root, mkdocs_run.build(root, "build", "--strict", env={**no_services, "PMKB_PUBLIC_BUILD": None}))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "browser" in names or "page" in names:
            item.add_marker(pytest.mark.browser)
        if "demo_build" in names:
            item.add_marker(pytest.mark.slow)
