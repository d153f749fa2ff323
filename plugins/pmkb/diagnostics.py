"""Problems found in the knowledge base, each pinned to a file and a line.

Every check in pmkb reports `Diagnostic`s instead of raising, so one broken
file never hides the problems in the others, and the CLI, the MkDocs build
and the JSON output all show the same text.

Codes by family:

    FM  the file and its front-matter block (encoding, YAML syntax, duplicates)
    SC  the front-matter schema (missing, unknown or invalid fields, rules)
    XR  cross-references (duplicate ids, unknown types, runbooks, postmortems)
    BD  body sections
    SLA follow-up due dates against the severity's SLA
    RB  runbook freshness
    BL  blameless language
    TL  template leftovers: placeholders, empty sections and list items (errors once published)
    JR  Jira data
    OC  pager data under oncall/ (unreadable file, bad CSV header, bad row or time, bad urgency)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

__all__ = ["Diagnostic", "Level", "sort_key"]

_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str  # relative to the repository root, with forward slashes
    line: int  # 1-based, in the .md file as the author sees it
    level: Level
    code: str
    message: str
    column: int | None = None

    def __post_init__(self) -> None:
        # One problem, one line: a value quoted in a message may hold a line break (or a
        # YAML library message spans lines), which would split `file:line:` output.
        if _LINE_BREAKS.search(self.message):
            object.__setattr__(self, "message", _LINE_BREAKS.sub(" ", self.message).strip())

    def as_text(self) -> str:
        """`file:line: level code: message` exactly as SPEC; a known column goes at the end."""
        column = f" (column {self.column})" if self.column else ""
        return f"{self.file}:{self.line}: {self.level.value} {self.code}: {self.message}{column}"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "code": self.code,
            "message": self.message,
        }
        if self.column:
            data["column"] = self.column
        return data


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.column or 0, diagnostic.code)


def split_levels(diagnostics: Iterable[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    ordered = sorted(diagnostics, key=sort_key)
    return (
        [d for d in ordered if d.level is Level.ERROR],
        [d for d in ordered if d.level is Level.WARNING],
    )
