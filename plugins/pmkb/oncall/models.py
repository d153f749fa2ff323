"""Typed pager records, as read from `oncall/*.json` (PagerDuty) and `oncall/*.csv` (any pager)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ..diagnostics import Diagnostic

__all__ = ["PagerLoad", "PagerRecord", "Urgency"]

Urgency = Literal["high", "low"]


@dataclass(frozen=True, slots=True)
class PagerRecord:
    """One incident (PagerDuty) or row (CSV); a *page* when its urgency is high."""

    id: str
    created_at: datetime  # aware; compared in UTC, shown in `oncall.timezone`
    urgency: Urgency
    service: str
    title: str
    rotation: str  # escalation policy / CSV rotation, else the service (SPEC)
    assignee: str = ""
    status: str = ""
    number: int | None = None  # PagerDuty's incident_number
    source: str = ""  # "oncall/pagerduty-2026-05.json:12", for messages

    @property
    def is_page(self) -> bool:
        return self.urgency == "high"


@dataclass
class PagerLoad:
    """Everything under `oncall/`: records in file order, and what could not be read."""

    records: list[PagerRecord] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # relative paths read

    @property
    def has_data(self) -> bool:
        return bool(self.records)
