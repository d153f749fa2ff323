"""Rules across files: unique ids, types, runbooks and related postmortems resolve."""

from __future__ import annotations

from .conftest import KB, VALID_PM, VALID_RUNBOOK
from .helpers import load, only, problems

PM = "postmortems/2026/pm-2026-001.md"


def test_duplicate_postmortem_id_names_the_first_file(kb: KB) -> None:
    kb.write("postmortems/2026/pm-2026-001-copy.md", VALID_PM)
    assert only(kb.root).as_text() == (
        "postmortems/2026/pm-2026-001.md:2: error XR001: id 'PM-2026-001' is already used by "
        "postmortems/2026/pm-2026-001-copy.md:2; ids must be unique, pick the next free one (pmkb new finds it)"
    )


def test_duplicate_runbook_id(kb: KB) -> None:
    kb.write("runbooks/db-pool-2.md", VALID_RUNBOOK)
    assert only(kb.root).as_text() == (
        "runbooks/db-pool.md:2: error XR001: id 'db-pool' is already used by runbooks/db-pool-2.md:2; "
        "ids must be unique, pick the next free one (pmkb new finds it)"
    )


def test_unknown_incident_type_with_suggestion(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("incident_type: db-pool", "incident_type: db-pol"))
    assert only(kb.root).as_text() == f"{PM}:6: error XR002: unknown incident_type 'db-pol'; did you mean 'db-pool'?"


def test_unknown_incident_type_without_suggestion(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("incident_type: db-pool", "incident_type: dns-outage"))
    assert only(kb.root).as_text() == (
        f"{PM}:6: error XR002: unknown incident_type 'dns-outage'; add it to incident-types.yml or to a runbook's incident_types"
    )


def test_a_runbook_makes_its_types_known(kb: KB) -> None:
    kb.write("incident-types.yml", "cache-stale:\n  title: Cache\n")
    kb.write(PM, VALID_PM)  # db-pool is now known only through the runbook
    assert problems(kb.root) == []
    assert load(kb.root).incident_types["db-pool"].runbook_ids == ("db-pool",)


def test_unknown_runbook_points_at_the_list_item(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("runbooks: [db-pool]", "runbooks:\n  - db-pool\n  - db-pooll"))
    assert only(kb.root).as_text() == f"{PM}:20: error XR003: runbooks[1]: no runbook has the id 'db-pooll'; did you mean 'db-pool'?"


def test_unknown_related_postmortem(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("tags: [database]", "tags: [database]\nrelated: [XYZ-2025-777]"))
    assert only(kb.root).as_text() == (
        f"{PM}:20: error XR004: related[0]: no postmortem has the id 'XYZ-2025-777'; use the id of an existing postmortem"
    )


def test_related_resolves_to_another_postmortem(kb: KB) -> None:
    second = VALID_PM.replace("id: PM-2026-001", "id: PM-2026-002").replace("tags: [database]", "tags: [database]\nrelated: [PM-2026-001]")
    kb.write("postmortems/2026/pm-2026-002.md", second)
    assert problems(kb.root) == []


def test_related_to_itself(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("tags: [database]", "tags: [database]\nrelated: [PM-2026-001]"))
    assert only(kb.root).as_text() == f"{PM}:20: error XR005: related[0]: a postmortem cannot be related to itself; remove 'PM-2026-001'"


def test_one_broken_file_does_not_hide_the_others(kb: KB) -> None:
    kb.write("postmortems/2026/broken.md", "no front matter\n")
    kb.write(PM, VALID_PM.replace("severity: SEV2", "severity: SEV9"))
    codes = [p.split(" ")[2].rstrip(":") for p in problems(kb.root)]
    assert codes == ["FM002", "SC005"]
