"""Headings of a Markdown body, with their file lines, ignoring fenced code."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Heading", "find_headings", "normalise_heading"]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int  # file line


def normalise_heading(text: str) -> str:
    """Compare headings the way an author means them: case and spacing do not matter."""
    return " ".join(text.replace("`", "").split()).casefold()


def find_headings(body: str, first_line: int) -> list[Heading]:
    """ATX headings (`## Summary`) outside fenced code blocks."""
    headings: list[Heading] = []
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        match = _ATX.match(line)
        if match:
            headings.append(Heading(len(match.group(1)), match.group(2).strip(), number))
    return headings
