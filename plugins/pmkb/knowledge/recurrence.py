"""Repeats and recurring types (SPEC "Derived facts").

A postmortem is a **repeat** when another counted postmortem of the same
incident type started earlier, at most `window` days before it:
0 < this.started - other.started <= window. Equal start times are not
repeats of each other. Sorting each type's postmortems by start time makes
this O(n log n): the only candidate is the closest strictly earlier one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable

from .documents import PostmortemDoc

__all__ = ["repeats_by_id"]


def repeats_by_id(counted: Iterable[PostmortemDoc], window_days: int) -> dict[str, str]:
    """pm id -> id of the closest earlier postmortem of its type within the window."""
    window = timedelta(days=window_days)
    by_type: dict[str, list[PostmortemDoc]] = {}
    for doc in counted:
        by_type.setdefault(doc.meta.incident_type, []).append(doc)
    repeat_of: dict[str, str] = {}
    for docs in by_type.values():
        docs.sort(key=lambda d: (d.meta.timestamps.started, d.id))
        previous: PostmortemDoc | None = None  # latest doc with a strictly earlier start
        group_start = 0
        for index, doc in enumerate(docs):
            started = doc.meta.timestamps.started
            if started != docs[group_start].meta.timestamps.started:
                # A new start time: everything before it is strictly earlier.
                previous = docs[index - 1]
                group_start = index
            if previous is not None and started - previous.meta.timestamps.started <= window:
                repeat_of[doc.id] = previous.id
    return repeat_of
