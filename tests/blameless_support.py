"""Shared bits of the blameless-language tests: a postmortem with chosen prose."""

from __future__ import annotations

from . import factories
from .conftest import VALID_PM

PM = "postmortems/2026/pm-2026-001.md"
_ANCHOR = "A leak in the refund path."
# File line (1-based) of the first line of the prose put in by `postmortem_with`.
PROSE_LINE = VALID_PM.split("\n").index(_ANCHOR) + 1


def postmortem_with(prose: str, *, status: str = "published") -> str:
    """The valid test postmortem with `prose` as its root-cause section (starting at PROSE_LINE)."""
    return factories.postmortem(status=status, root_cause=prose.strip("\n"))


def bl_lines(problems: list[str]) -> list[str]:
    """Only the blameless-language diagnostics, as the CLI prints them."""
    return [p for p in problems if " BL0" in p or " BL1" in p]
