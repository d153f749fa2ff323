"""Incident durations in minutes, and the UTC start a postmortem is dated by (SPEC "Derived facts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from .models import Postmortem

__all__ = ["Durations", "durations_of", "month_of", "start_day", "started_utc", "utc_day"]


@dataclass(frozen=True, slots=True)
class Durations:
    time_to_detect: float  # detected - started
    time_to_mitigate: float | None  # mitigated - detected
    time_to_resolve: float | None  # resolved - detected


def _minutes(later, earlier) -> float | None:  # type: ignore[no-untyped-def]
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds() / 60


def durations_of(pm: Postmortem) -> Durations:
    t = pm.timestamps
    return Durations(
        time_to_detect=_minutes(t.detected, t.started) or 0.0,
        time_to_mitigate=_minutes(t.mitigated, t.detected),
        time_to_resolve=_minutes(t.resolved, t.detected),
    )


def started_utc(pm: Postmortem) -> datetime:
    """The start time in UTC: what months, periods and search dates of a postmortem go by."""
    return pm.timestamps.started.astimezone(timezone.utc)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(timezone.utc).date()


def start_day(pm: Postmortem) -> date:
    """The day (UTC) a postmortem's incident started: what `--since`/`--until` filter on."""
    return started_utc(pm).date()


def month_of(pm: Postmortem) -> str:
    """'YYYY-MM' of the start time in UTC: the month a postmortem belongs to."""
    return started_utc(pm).strftime("%Y-%m")
