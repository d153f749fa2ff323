"""Shared fixtures: small, real knowledge bases written to tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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

# Line numbers below are asserted by the tests: edit with care.
VALID_PM = """\
---
id: PM-2026-001
title: Checkout errors from pool exhaustion
status: published
severity: SEV2
incident_type: db-pool
services: [checkout]
teams: [payments]
authors: [Dana Ortiz]
incident_commander: Sam Lee
detection: monitoring
customer_impact: true
timestamps:
  started: 2026-03-14T02:10:00Z
  detected: 2026-03-14T02:14:00Z
  mitigated: 2026-03-14T02:40:00Z
  resolved: 2026-03-14T03:05:00Z
runbooks: [db-pool]
tags: [database]
action_items:
  - summary: Add leak detection
    owner: Dana Ortiz
    due: 2026-04-01
    ticket: PAY-1
---

## Summary

The checkout pool ran out of connections.

## Timeline

- 02:10 the pool saturates

## Root cause and contributing factors

A leak in the refund path.

## What went well

The alert fired.

## What could be improved

Leak detection.
"""

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

    def mkdocs(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "mkdocs"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28", **(env or {})},
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
