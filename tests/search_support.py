"""Helpers for the search and similar-incidents tests: more postmortems for the `kb` fixture."""

from __future__ import annotations

from pathlib import Path

from pmkb.search import SearchIndex
from pmkb.settings import load_settings

from . import factories
from .conftest import KB

REPO = Path(__file__).resolve().parent.parent

TAXONOMY_EXTRA = """\
disk-full:
  title: Disk or volume full
  description: Writes fail with no space left on device.
"""


def postmortem(
    pm_id: str,
    title: str,
    *,
    incident_type: str = "db-pool",
    severity: str = "SEV2",
    services: str = "checkout",
    started: str = "2026-03-14T02:10:00Z",
    status: str = "published",
    visibility: str = "internal",
    impact: str = "Checkout failed.",
    summary: str = "Something broke.",
    root_cause: str = "A cause.",
    timeline: str = "- 02:10 it starts",
    tags: str = "[]",
) -> str:
    """A postmortem with an `## Impact` section: the fields search and similarity look at."""
    day = started[:10]
    return factories.postmortem(
        pm_id, title, status=status, severity=severity, incident_type=incident_type, services=f"[{services}]",
        detection=None,
        timestamps={"started": started, "detected": f"{day}T02:14:00Z", "mitigated": f"{day}T02:40:00Z", "resolved": f"{day}T03:05:00Z"},
        runbooks=None, tags=tags, visibility=visibility,
        action_items=[factories.action_item("Fix it", day, ticket="PAY-9")],
        summary=summary, impact=impact, timeline=timeline, root_cause=root_cause, improved="Earlier detection.",
    )


def add_disk_incidents(kb: KB) -> None:
    """Two more postmortems of another type, for filters and similarity."""
    kb.write("incident-types.yml", (kb.root / "incident-types.yml").read_text() + TAXONOMY_EXTRA)
    kb.write(
        "postmortems/2026/pm-2026-002.md",
        postmortem(
            "PM-2026-002",
            "CI runners stopped building",
            incident_type="disk-full",
            severity="SEV3",
            services="build-runners",
            started="2026-06-02T02:10:00Z",
            impact="Jobs failed with No space left on device on every runner.",
            summary="Docker image layers filled the runner disks.",
            root_cause="Image cache pruning was disabled by a config change.",
            timeline="- 04:15 first failed build with a zebra-striped log",
            visibility="public",
        ),
    )
    kb.write(
        "postmortems/2026/pm-2026-003.md",
        postmortem(
            "PM-2026-003",
            "Log shipping delayed",
            incident_type="disk-full",
            severity="SEV1",
            services="log-pipeline, checkout",
            started="2026-09-20T02:10:00Z",
            impact="Logs were late; the buffer volume reported no space left on device.",
            summary="The log pipeline buffer volume filled up.",
            root_cause="Buffer volume too small for the nightly batch.",
        ),
    )


def open_index(kb: KB, notices: list[str] | None = None, wait: float = 60.0) -> SearchIndex:
    sink = notices.append if notices is not None else (lambda message: None)
    return SearchIndex.open(kb.root, load_settings(kb.root / "mkdocs.yml"), notice=sink, wait=wait)


def live_folder(kb: KB) -> Path:
    """The folder of the live index, as `.pmkb/search/current` names it."""
    search = kb.root / ".pmkb" / "search"
    return search / (search / "current").read_text().strip()


# A title and a body line carrying terminal escape sequences (colour, window title, clear screen).
# Front matter refuses control characters (FM010) and the loader drops them from bodies (FM012):
# what still reaches a terminal is a file name, so that is where the escape sequences go.
HOSTILE_NAME = "pm-2026-003\x1b[31m\x1b]0;pwned\x07.md"


def add_hostile_incident(kb: KB) -> None:
    """PM-2026-003 again, in a file whose name is full of escape sequences."""
    add_disk_incidents(kb)
    path = kb.root / "postmortems/2026/pm-2026-003.md"
    path.rename(path.with_name(HOSTILE_NAME))
