"""The as-of date: today, unless PMKB_TODAY or --as-of pins it (reproducible builds)."""

from __future__ import annotations

import os
from datetime import date

__all__ = ["AsOfError", "as_of_date"]


class AsOfError(ValueError):
    """PMKB_TODAY or --as-of is not a YYYY-MM-DD date."""


def parse_day(value: str, source: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise AsOfError(f"{source}={value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-28") from None


def as_of_date(explicit: date | None = None) -> date:
    if explicit is not None:
        return explicit
    pinned = os.environ.get("PMKB_TODAY", "").strip()
    return parse_day(pinned, "PMKB_TODAY") if pinned else date.today()
