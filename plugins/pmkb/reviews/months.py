"""Months as 'YYYY-MM' strings: parsing, shifting, ranges and labels.

A postmortem belongs to the month of its `started` time in UTC
(`knowledge.durations.month_of`, re-exported here so reviews need one import);
an action item to the month of its due or completion day (`month_of_day`).
'YYYY-MM' strings sort in time order, so months compare as strings.
"""

from __future__ import annotations

import re
from datetime import date

from ..knowledge.durations import month_of

__all__ = ["month_label", "month_of", "month_of_day", "months_between", "parse_month", "shift_month"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Not strftime("%B"): month names must not depend on the process locale.
_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def parse_month(text: str) -> str:
    """'2026-05' -> '2026-05'; anything else raises ValueError with a fix."""
    if not _MONTH.match(text.strip()):
        raise ValueError(f"month {text!r} is not YYYY-MM (for example 2026-05)")
    return text.strip()


def shift_month(month: str, by: int) -> str:
    """The month `by` months after (negative: before) `month`."""
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last, inclusive."""
    months, current = [], first
    while current <= last:
        months.append(current)
        current = shift_month(current, 1)
    return months


def month_label(month: str) -> str:
    """'2026-05' -> 'May 2026'."""
    return f"{_NAMES[int(month[5:7]) - 1]} {int(month[:4])}"


def month_of_day(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
