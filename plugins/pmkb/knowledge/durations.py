"""Incident durations in minutes (SPEC "Derived facts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone

from .models import Postmortem

__all__ = ["Durations", "durations_of", "month_of"]


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


def month_of(pm: Postmortem) -> str:
    """'YYYY-MM' of the start time in UTC: the month a postmortem belongs to."""
    return pm.timestamps.started.astimezone(timezone.utc).strftime("%Y-%m")
