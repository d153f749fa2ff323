"""Timeline entries -> the Markdown lines of a postmortem's Timeline section, or JSON."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from .markup import md_escape
from .model import Entry

__all__ = ["timeline_json", "timeline_markdown"]

_INDENT = "    "  # Python-Markdown (MkDocs) nests lists and code in list items at 4 spaces


def _iso(entry: Entry) -> str:
    return entry.when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _item(entry: Entry, depth: int, day: str) -> list[str]:
    pad = _INDENT * depth
    # A reply posted on a later day than its thread's heading carries its own date.
    stamp = entry.time if entry.date == day else f"{entry.date} {entry.time}"
    first, *rest = entry.text.split("\n")
    lines = [f"{pad}- {stamp} **{md_escape(entry.author)}**: {first}".rstrip()]
    if rest:  # code blocks: inside the list item, after a blank line
        lines.append("")
        lines.extend(f"{pad}{_INDENT}{line}" if line else "" for line in rest)
        lines.append("")  # the next item (a reply, or the next message) starts after the block
    return lines


def timeline_markdown(entries: list[Entry]) -> str:
    """`**YYYY-MM-DD**` once per day (UTC), then `- HH:MM **Name**: text`; replies nested under their message."""
    out: list[str] = []
    day = ""
    for entry in entries:
        if entry.thread_parent is None and entry.date != day:
            day = entry.date
            if out:
                out.append("")
            out.extend([f"**{day}**", ""])
        out.extend(_item(entry, 1 if entry.thread_parent else 0, day))
    return "\n".join(out) + "\n" if out else ""


def timeline_json(entries: list[Entry]) -> list[dict[str, Any]]:
    parents = {e.ts: e for e in entries}
    document: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {
            "time": entry.time,
            "date": entry.date,
            "timestamp": _iso(entry),
            "author": entry.author,
            "text": entry.text,
            "marked": entry.marked,
        }
        if entry.thread_parent is not None:
            item["thread_parent"] = _iso(parents[entry.thread_parent])
        document.append(item)
    return document
