"""Per-document rules beyond the schema: each needs several fields or the settings.

Cross-document rules (unique ids, references) live in `crossref.py`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc, RunbookDoc
from .sections import Heading, normalise_heading
from ..settings import Settings
from .suggest import did_you_mean

__all__ = ["postmortem_rules", "runbook_rules", "section_rules"]

_TIME_ORDER = ("started", "detected", "mitigated", "resolved")


def postmortem_rules(doc: PostmortemDoc, settings: Settings) -> list[Diagnostic]:
    """Severity, time order, what publishing requires, then follow-up due dates: in that order."""
    level = settings.severities.get(doc.meta.severity)
    return [
        *_severity_rules(doc, settings),
        *_time_order_rules(doc),
        *(_published_rules(doc, settings) if doc.meta.is_published else ()),
        *(_due_date_rules(doc, level.action_items_due_days) if level and level.action_items_due_days is not None else ()),
    ]


def _error(doc: PostmortemDoc, code: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(doc.rel, line, Level.ERROR, code, message)


def _severity_rules(doc: PostmortemDoc, settings: Settings) -> Iterator[Diagnostic]:
    pm = doc.meta
    level = settings.severities.get(pm.severity)
    if level is None:
        hint = did_you_mean(pm.severity, settings.severities)
        known = ", ".join(settings.severities)
        yield _error(
            doc,
            "SC005",
            doc.line_of("severity"),
            f"severity '{pm.severity}' is not a configured level; use one of {known}"
            + (f" (did you mean '{hint}'?)" if hint else ""),
        )
    elif level.needs_incident_commander and not pm.incident_commander:
        yield _error(
            doc,
            "SC007",
            doc.line_of("severity"),
            f"{pm.severity} incidents need an incident commander; add 'incident_commander: Name'",
        )


def _time_order_rules(doc: PostmortemDoc) -> Iterator[Diagnostic]:
    times = doc.meta.timestamps
    previous: tuple[str, object] | None = None
    for name in _TIME_ORDER:
        value = getattr(times, name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            yield _error(
                doc,
                "SC006",
                doc.line_of("timestamps", name),
                f"timestamps.{name} ({value.isoformat()}) is before timestamps.{previous[0]} "
                f"({previous[1].isoformat()}); times must run started <= detected <= mitigated <= resolved",
            )
        previous = (name, value)


def _published_rules(doc: PostmortemDoc, settings: Settings) -> Iterator[Diagnostic]:
    """What a published postmortem needs: end times, action items (with tickets if required), the sections."""
    pm = doc.meta
    for name in ("mitigated", "resolved"):
        if getattr(pm.timestamps, name) is None:
            yield _error(
                doc,
                "SC008",
                doc.line_of("timestamps"),
                f"a published postmortem needs timestamps.{name}; add it, or set 'status: draft' until it is known",
            )
    if not pm.action_items:
        yield _error(
            doc,
            "SC009",
            doc.line_of("action_items") if "action_items" in doc.front.data else doc.line_of("status"),
            "a published postmortem needs at least one action item under 'action_items:'",
        )
    if settings.jira.require_tickets:
        for index, item in enumerate(pm.action_items):
            if not item.ticket:
                yield _error(
                    doc,
                    "SC010",
                    doc.item_line("action_items", index),
                    f"action_items[{index}] has no 'ticket': this knowledge base requires a Jira key "
                    "(e.g. 'ticket: PAY-123') on every action item of a published postmortem",
                )
    yield from section_rules(doc.rel, doc.headings, settings.required_sections.postmortem, doc.front.body_start_line, "published postmortem")


def _due_date_rules(doc: PostmortemDoc, due_days: int) -> Iterator[Diagnostic]:
    """Warnings for follow-ups due later than the severity level allows."""
    pm = doc.meta
    latest = pm.timestamps.started.date() + timedelta(days=due_days)
    for index, item in enumerate(pm.action_items):
        if item.due > latest:
            late = (item.due - pm.timestamps.started.date()).days
            yield Diagnostic(
                doc.rel,
                doc.line_of("action_items", index, "due"),
                Level.WARNING,
                "SLA001",
                f"action_items[{index}].due {item.due} is {late} days after the incident started; "
                f"{pm.severity} follow-ups are due within {due_days} days ({latest} at the latest)",
            )


def runbook_rules(doc: RunbookDoc, settings: Settings, as_of: date) -> list[Diagnostic]:
    found = list(section_rules(doc.rel, doc.headings, settings.required_sections.runbook, doc.front.body_start_line, "runbook"))
    age = (as_of - doc.meta.last_reviewed).days
    if age > settings.runbooks_stale_after_days:
        found.append(
            Diagnostic(
                doc.rel,
                doc.line_of("last_reviewed"),
                Level.WARNING,
                "RB001",
                f"runbook last reviewed {doc.meta.last_reviewed} ({age} days ago, more than "
                f"{settings.runbooks_stale_after_days}); review it and update last_reviewed",
            )
        )
    return found


def section_rules(
    file: str, headings: list[Heading], required: list[str], body_line: int, what: str
) -> Iterator[Diagnostic]:
    """Each required section must be a level-2 heading."""
    level2 = {normalise_heading(h.text) for h in headings if h.level == 2}
    by_text = {normalise_heading(h.text): h for h in headings}
    required_keys = {normalise_heading(n) for n in required}
    # Only headings that are not themselves required can be a misspelling of one.
    spare = [normalise_heading(h.text) for h in headings if h.level == 2 and normalise_heading(h.text) not in required_keys]
    for name in required:
        key = normalise_heading(name)
        if key in level2:
            continue
        misplaced = by_text.get(key)
        if misplaced is not None:
            yield Diagnostic(
                file,
                misplaced.line,
                Level.ERROR,
                "BD002",
                f"'{misplaced.text}' is a level-{misplaced.level} heading; required sections are level 2: '## {name}'",
            )
            continue
        close = did_you_mean(key, spare)
        near = next((h for h in headings if h.level == 2 and normalise_heading(h.text) == close), None)
        if near is not None:
            yield Diagnostic(
                file,
                near.line,
                Level.ERROR,
                "BD001",
                f"a {what} needs the section '## {name}' (did you mean to name '## {near.text}' that way?)",
            )
        else:
            yield Diagnostic(
                file,
                body_line,
                Level.ERROR,
                "BD001",
                f"a {what} needs the section '## {name}'; add it as a level-2 heading",
            )
