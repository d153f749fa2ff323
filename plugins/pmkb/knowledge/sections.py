"""Headings of a Markdown body, with their file lines, ignoring fenced code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

__all__ = ["Heading", "find_headings", "normalise_heading", "outside_code"]

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


def outside_code(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line that is not inside a fenced code block (nor a fence)."""
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=first_line):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            yield number, line


def find_headings(body: str, first_line: int) -> list[Heading]:
    """ATX headings (`## Summary`) outside fenced code blocks."""
    headings: list[Heading] = []
    for number, line in outside_code(body, first_line):
        match = _ATX.match(line)
        if match:
            headings.append(Heading(len(match.group(1)), match.group(2).strip(), number))
    return headings
