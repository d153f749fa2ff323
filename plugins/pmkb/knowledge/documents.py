"""Loaded postmortems and runbooks: the validated model plus where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .frontmatter import FrontMatter
from .models import Postmortem, Runbook
from .sections import Heading

__all__ = ["IncidentType", "PostmortemDoc", "RunbookDoc"]


@dataclass(frozen=True, slots=True)
class _Doc:
    rel: str  # path relative to the repository root, forward slashes
    path: Path
    front: FrontMatter
    headings: list[Heading]

    @property
    def body(self) -> str:
        return self.front.body

    def line_of(self, *loc: str | int) -> int:
        """Line of the key at `loc` in the front matter (e.g. "action_items", 0, "due")."""
        return self.front.line_of(loc)

    def item_line(self, *loc: str | int) -> int:
        """Line of a list item or value itself (not its key)."""
        return self.front.key_line(loc)


@dataclass(frozen=True, slots=True)
class PostmortemDoc(_Doc):
    meta: Postmortem

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True, slots=True)
class RunbookDoc(_Doc):
    meta: Runbook

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True, slots=True)
class IncidentType:
    """A known incident type: from the taxonomy file, a runbook, or both."""

    slug: str
    title: str
    description: str = ""
    runbook_ids: tuple[str, ...] = ()
