"""The one postmortem factory of the test suite: front matter and sections in the order pmkb documents them.

`postmortem()` with no argument is the fixture KB's postmortem (conftest.VALID_PM, whose line numbers tests
assert). Every other test postmortem is this with some fields changed; the test modules' own helpers
(jira_support, search_support, reviews_support, test_insights) only choose the fields their story needs.

Values are written into the YAML as given (quote a title yourself if it needs quoting); list fields take a
sequence (written as a flow list) or the flow text itself. A field given as None is left out.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Mapping, Sequence

Items = Sequence[Mapping[str, str]]


def action_item(summary: str, due: str, *, owner: str = "Dana Ortiz", ticket: str | None = None, status: str | None = None) -> dict[str, str]:
    """One action item; `ticket` and `status` are left out unless given."""
    item = {"summary": summary, "owner": owner, "due": due}
    if ticket:
        item["ticket"] = ticket
    if status:
        item["status"] = status
    return item


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def clock(started: str, ttd: int, ttr: int) -> dict[str, str]:
    """Timestamps from a start (UTC unless it has an offset), time to detect and time to resolve in minutes;
    mitigated half-way between detection and resolution."""
    start = datetime.fromisoformat(started)
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    detected = start + timedelta(minutes=ttd)
    return {
        "started": _iso(start),
        "detected": _iso(detected),
        "mitigated": _iso(detected + timedelta(minutes=ttr // 2)),
        "resolved": _iso(detected + timedelta(minutes=ttr)),
    }


TIMESTAMPS = {
    "started": "2026-03-14T02:10:00Z",
    "detected": "2026-03-14T02:14:00Z",
    "mitigated": "2026-03-14T02:40:00Z",
    "resolved": "2026-03-14T03:05:00Z",
}
ITEMS = (action_item("Add leak detection", "2026-04-01", ticket="PAY-1"),)


def _flow(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else "[" + ", ".join(value) + "]"


def postmortem(
    pm_id: str = "PM-2026-001",
    title: str = "Checkout errors from pool exhaustion",
    *,
    status: str = "published",
    severity: str = "SEV2",
    incident_type: str = "db-pool",
    services: str | Sequence[str] = ("checkout",),
    teams: str | Sequence[str] = ("payments",),
    authors: str | Sequence[str] = ("Dana Ortiz",),
    incident_commander: str | None = "Sam Lee",
    detection: str | None = "monitoring",
    customer_impact: bool = True,
    impact_summary: str | None = None,
    timestamps: Mapping[str, str] = TIMESTAMPS,
    runbooks: str | Sequence[str] | None = ("db-pool",),
    tags: str | Sequence[str] | None = ("database",),
    visibility: str | None = None,
    exclude_from_metrics: bool | None = None,
    action_items: Items = ITEMS,
    summary: str = "The checkout pool ran out of connections.",
    impact: str | None = None,
    timeline: str = "- 02:10 the pool saturates",
    root_cause: str = "A leak in the refund path.",
    went_well: str = "The alert fired.",
    improved: str = "Leak detection.",
) -> str:
    """A postmortem file's text: front matter, then the five required sections (and `## Impact` if given)."""
    fields: list[tuple[str, str | None]] = [
        ("id", pm_id),
        ("title", title),
        ("status", status),
        ("severity", severity),
        ("incident_type", incident_type),
        ("services", _flow(services)),
        ("teams", _flow(teams)),
        ("authors", _flow(authors)),
        ("incident_commander", incident_commander),
        ("detection", detection),
        ("customer_impact", str(customer_impact).lower()),
        ("impact_summary", impact_summary),
    ]
    lines = ["---", *(f"{name}: {value}" for name, value in fields if value is not None)]
    lines += ["timestamps:", *(f"  {name}: {value}" for name, value in timestamps.items())]
    more = [
        ("runbooks", None if runbooks is None else _flow(runbooks)),
        ("tags", None if tags is None else _flow(tags)),
        ("visibility", visibility),
        ("exclude_from_metrics", None if exclude_from_metrics is None else str(exclude_from_metrics).lower()),
    ]
    lines += [f"{name}: {value}" for name, value in more if value is not None]
    if action_items:
        lines.append("action_items:")
        for item in action_items:
            lines.append(f"  - summary: {item['summary']}")
            lines += [f"    {key}: {item[key]}" for key in ("owner", "due", "ticket", "status") if item.get(key)]
    else:
        lines.append("action_items: []")
    sections = [("Summary", summary)]
    if impact is not None:
        sections.append(("Impact", impact))
    sections += [
        ("Timeline", timeline),
        ("Root cause and contributing factors", root_cause),
        ("What went well", went_well),
        ("What could be improved", improved),
    ]
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections)
    return "\n".join(lines) + "\n---\n\n" + body + "\n"
