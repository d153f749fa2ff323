"""A small KB for the monthly-review tests, with every number of its May 2026 review computed by hand.

Window 90 days, as-of 2026-11-28. TTD/TTR in minutes.

  P7  2026-03-15  SEV3 dns          TTD 30  TTR 120
  P1  2026-04-10  SEV2 db-pool      TTD 10  TTR  60
  P2  2026-05-03  SEV2 cache-stale  TTD  5  TTR 100   first cache-stale: a runbook gap that appears in May
  P6  2026-05-12  SEV3 db-pool      drill (exclude_from_metrics): reviewed nowhere, its action item counts
  P3  2026-05-20  SEV3 db-pool      TTD 20  TTR  40   repeat of P1 (40 days)
  P5  2026-05-25  SEV2 db-pool      draft: "still in draft or review" in May, counted nowhere
  P4  2026-05-31T23:30-02:00 = 2026-06-01T01:30Z  SEV2 dns  TTD 10  TTR 30   -> June (UTC month)

May review: postmortems P2 (SEV2, major) then P3. Postmortems without listed items have one
done item due 10 days after they started (no Jira data, so 'done, date unknown'). Metrics (previous month April = P1; trailing =
March and April, February being before the first postmortem):
  postmortems       2     prev 1      trailing (1+1)/2 = 1
  TTR median        70    prev 60     trailing median(120, 60) = 90
  TTR p90           40+0.9*60 = 94    prev 60    trailing 60+0.9*60 = 114
  TTR mean          70    prev 60     trailing 90
  TTD median        12.5  prev 10     trailing 20
  repeat rate       0.5   prev 0      trailing 0
Action items (Jira cache for CAC-1, CAC-2):
  a P2 CAC-1 due 05-20, Jira done, resolved 05-18      -> due in May, completed in May (on time)
  b P2 CAC-2 front due 05-25, Jira due 06-10 (moved on 05-22 sync: +16 d), open -> slipped in May; due in June
  c P3 no ticket, due 04-30, open                      -> overdue 212 days (due by the end of May)
  d P6 (drill) no ticket, due 05-15, done              -> due in May ("done, date unknown")
  e P1 no ticket, due 05-02, not-doing                 -> due in May
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser

from . import factories
from .conftest import KB

TAXONOMY = """\
db-pool:
  title: Database pool exhaustion
cache-stale:
  title: Stale cache
dns:
  title: DNS failure
"""

RUNBOOK = """\
---
id: {id}
title: {title}
incident_types: [{types}]
owner_team: platform
last_reviewed: 2026-10-01
---

## Symptoms

x

## Immediate Mitigation

x

## Root Cause Investigation

x

## Prevention Checklist

- [ ] x
"""

def postmortem(
    number: int,
    kind: str,
    started: str,
    ttd: int,
    ttr: int,
    *,
    severity: str = "SEV3",
    status: str = "published",
    drill: bool = False,
    title: str | None = None,
    items: list[dict[str, str]] | None = None,
    summary: str = "x",
    root_cause: str = "x",
    went_well: str = "- x",
) -> str:
    """Postmortem `number` from its times (minutes); by default one item, done, due 10 days after the start."""
    times = factories.clock(started, ttd, ttr)
    due = (datetime.fromisoformat(started) + timedelta(days=10)).date().isoformat()
    return factories.postmortem(
        f"PM-2026-{number:03d}", json.dumps(title or f"Incident {number}"), status=status, severity=severity,
        incident_type=kind, incident_commander="Sam Lee" if severity in ("SEV1", "SEV2") else None, detection=None,
        impact_summary=f'"Impact of incident {number}"', timestamps=times, runbooks=None, tags=None,
        exclude_from_metrics=drill, action_items=items or [_item(f"Follow-up of {number}", due, status="done")],
        summary=f"{summary}\n\nSecond paragraph, not part of the summary.", timeline="- 10:00 first\n- 10:05 alert fires",
        root_cause=root_cause, went_well=went_well, improved="x",
    )


def _item(summary: str, due: str, *, status: str = "open", ticket: str | None = None) -> dict[str, str]:
    return factories.action_item(summary, due, ticket=ticket, status=status)


CACHE = {
    "format": "pmkb-jira-cache",
    "version": 1,
    "fetched_at": "2026-11-27T06:00:00Z",
    "server": {"url": "https://jira.example.test", "deployment": "Cloud"},
    "unknown": [],
    "issues": {
        "CAC-1": {
            "status": "Done", "category": "done", "duedate": "2026-05-20", "resolution": "Done", "resolved": "2026-05-18",
            "history": [
                {"seen": "2026-05-04T06:00:00Z", "duedate": "2026-05-20", "status": "To Do", "category": "new"},
                {"seen": "2026-05-18T06:00:00Z", "duedate": "2026-05-20", "status": "Done", "category": "done"},
            ],
        },
        "CAC-2": {
            "status": "In Progress", "category": "indeterminate", "duedate": "2026-06-10", "resolution": None, "resolved": None,
            "history": [
                {"seen": "2026-05-04T06:00:00Z", "duedate": "2026-05-25", "status": "To Do", "category": "new"},
                {"seen": "2026-05-22T06:00:00Z", "duedate": "2026-06-10", "status": "In Progress", "category": "indeterminate"},
            ],
        },
    },
}  # fmt: skip


def write_review_kb(kb: KB) -> KB:
    """Replace the fixture's content with the KB described in the module docstring."""
    (kb.root / "postmortems/2026/pm-2026-001.md").unlink()
    (kb.root / "runbooks/db-pool.md").unlink()
    kb.write("incident-types.yml", TAXONOMY)
    kb.write("runbooks/db-pool.md", RUNBOOK.format(id="db-pool", title="Pool runbook", types="db-pool"))
    kb.write("runbooks/dns.md", RUNBOOK.format(id="dns", title="DNS runbook", types="dns"))
    kb.write("postmortems/pm-007.md", postmortem(7, "dns", "2026-03-15T10:00:00+00:00", 30, 120))
    kb.write(
        "postmortems/pm-001.md",
        postmortem(1, "db-pool", "2026-04-10T10:00:00+00:00", 10, 60, severity="SEV2",
                   items=[_item("Rewrite the pool", "2026-05-02", status="not-doing")]),
    )  # fmt: skip
    kb.write(
        "postmortems/pm-002.md",
        postmortem(
            2, "cache-stale", "2026-05-03T10:00:00+00:00", 5, 100, severity="SEV2",
            title="Stale <b>prices</b> & co",
            items=[_item("Fix invalidation", "2026-05-20", ticket="CAC-1"), _item("Add staleness alert", "2026-05-25", ticket="CAC-2")],
            summary="**Stale** prices from the `cache` for\n[100 minutes](https://example.test/x) <script>alert(1)</script>.",
            root_cause="A key format changed:\n\n```text\nkey=v2\n```\n\nand nothing purged the old keys.",
            went_well="- The **alert** fired in 5 minutes.\n- Rollback took\n  one command.",
        ),
    )  # fmt: skip
    kb.write("postmortems/pm-006.md", postmortem(6, "db-pool", "2026-05-12T10:00:00+00:00", 5, 20, drill=True,
                                                 items=[_item("Drill follow-up", "2026-05-15", status="done")]))  # fmt: skip
    kb.write(
        "postmortems/pm-003.md",
        postmortem(3, "db-pool", "2026-05-20T10:00:00+00:00", 20, 40, items=[_item("Add leak detection", "2026-04-30")],
                   went_well="The runbook worked."),
    )  # fmt: skip
    kb.write("postmortems/pm-005.md", postmortem(5, "db-pool", "2026-05-25T10:00:00+00:00", 5, 20, severity="SEV2", status="draft"))
    kb.write("postmortems/pm-004.md", postmortem(4, "dns", "2026-05-31T23:30:00-02:00", 10, 30, severity="SEV2"))
    kb.write(".pmkb/jira-cache.json", json.dumps(CACHE))
    return kb


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, and the text of every heading."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()).rstrip("¶").strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)


def parse_html(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser
