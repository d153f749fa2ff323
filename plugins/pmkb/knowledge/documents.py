"""Loaded postmortems and runbooks: the validated model plus where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .frontmatter import FrontMatter
from .models import Postmortem, Runbook
from .sections import Heading

__all__ = ["IncidentType", "PostmortemDoc", "RunbookDoc", "UnvalidatedDoc"]


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


@dataclass(frozen=True, slots=True)
class UnvalidatedDoc:
    """A file whose front matter failed (schema or YAML) but whose body can be read.

    Kept so the checks that read only the body (blameless language) report in the
    same run as the front-matter errors: an author fixes everything in one pass.
    """

    rel: str
    kind: str  # "postmortem" or "runbook"
    body: str
    body_start_line: int  # file line of the first body line
    # Authors, incident commander and action-item owners as written, when the YAML could be read.
    people: tuple[str, ...] = ()
