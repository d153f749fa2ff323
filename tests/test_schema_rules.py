"""Front-matter schema and per-document rules: exact message, exact line."""

from __future__ import annotations

import pytest

from .conftest import KB, VALID_PM, VALID_RUNBOOK
from .helpers import only, problems

PM = "postmortems/2026/pm-2026-001.md"
RB = "runbooks/db-pool.md"


def broken(kb: KB, old: str, new: str, rel: str = PM, base: str = VALID_PM) -> str:
    assert old in base, old
    kb.write(rel, base.replace(old, new, 1))
    return only(kb.root).as_text()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Checkout errors from pool exhaustion\n", "", f"{PM}:1: error SC001: missing required field 'title'; add a line 'title: ...'"),
        ("    owner: Dana Ortiz\n", "", f"{PM}:21: error SC001: missing required field 'owner' in action_items[0]; add a line 'owner: ...'"),
        ("incident_type: db-pool", "incidnt_type: db-pool", f"{PM}:6: error SC002: unknown field 'incidnt_type'; did you mean 'incident_type'?"),
        ("    ticket: PAY-1", "    tiket: PAY-1", f"{PM}:24: error SC002: unknown field 'action_items[0].tiket'; did you mean 'ticket'?"),
        ("status: published", "status: publshed", f"{PM}:4: error SC003: status: 'publshed' is not allowed; use one of draft, review, published (did you mean 'published'?)"),
        ("id: PM-2026-001", "id: PM-26-1", f"{PM}:2: error SC003: id: 'PM-26-1' is not valid; use the form PREFIX-YEAR-NUMBER, e.g. PM-2026-014"),
        ("incident_type: db-pool", "incident_type: DB Pool", f"{PM}:6: error SC003: incident_type: 'DB Pool' is not valid; use lowercase words joined by hyphens, e.g. db-connection-pool-exhaustion"),
        ("    ticket: PAY-1", "    ticket: pay 1", f"{PM}:24: error SC003: action_items[0].ticket: 'pay 1' is not valid; use a Jira issue key such as PAY-123"),
        ("    due: 2026-04-01", "    due: 2026-13-01", f"{PM}:23: error SC003: action_items[0].due: '2026-13-01' is not a valid date; write it as YYYY-MM-DD, e.g. 2026-04-01"),
        ("  started: 2026-03-14T02:10:00Z", "  started: 2026-03-14T02:10:00", f"{PM}:14: error SC004: timestamps.started: the time '2026-03-14T02:10:00' has no UTC offset; add 'Z' or an offset such as '+02:00' (pmkb never guesses a time zone)"),
        ("  started: 2026-03-14T02:10:00Z", "  started: yesterday", f"{PM}:14: error SC003: timestamps.started: 'yesterday' is not a valid time; write it as ISO 8601 with an offset, e.g. 2026-03-14T02:10:00Z"),
        ("customer_impact: true", "customer_impact: maybe", f"{PM}:12: error SC003: customer_impact: 'maybe' is not true or false; write true or false without quotes"),
        ("services: [checkout]", "services: []", f"{PM}:7: error SC003: services: needs at least one entry"),
        ("services: [checkout]", "services: checkout", f"{PM}:7: error SC003: services: must be a list, e.g. services: [first, second]"),
        ("title: Checkout errors from pool exhaustion", "title:", f"{PM}:3: error SC003: title: is empty; write a value"),
        ("detection: monitoring", "detection: pager", f"{PM}:11: error SC003: detection: 'pager' is not allowed; use one of monitoring, customer-report, internal-report, other"),
        ("    owner: Dana Ortiz", "    owner: [Dana, Sam]", f"{PM}:22: error SC003: action_items[0].owner: must be text, not a list; put the value in quotes"),
    ],
)
def test_schema_errors(kb: KB, old: str, new: str, expected: str) -> None:
    assert broken(kb, old, new) == expected


def test_unknown_severity_suggests_the_closest_level(kb: KB) -> None:
    assert broken(kb, "severity: SEV2", "severity: SEV22") == (
        f"{PM}:5: error SC005: severity 'SEV22' is not a configured level; use one of SEV1, SEV2, SEV3, SEV4 (did you mean 'SEV2'?)"
    )


def test_times_must_be_in_order(kb: KB) -> None:
    assert broken(kb, "  detected: 2026-03-14T02:14:00Z", "  detected: 2026-03-14T02:00:00Z") == (
        f"{PM}:15: error SC006: timestamps.detected (2026-03-14T02:00:00+00:00) is before timestamps.started "
        "(2026-03-14T02:10:00+00:00); times must run started <= detected <= mitigated <= resolved"
    )


def test_offsets_are_compared_as_instants(kb: KB) -> None:
    # 03:12+01:00 is 02:12Z: after 02:10Z, so in order even though 03 > 02 would mislead a string compare.
    kb.write(PM, VALID_PM.replace("  detected: 2026-03-14T02:14:00Z", "  detected: 2026-03-14T03:12:00+01:00"))
    assert problems(kb.root) == []


def test_incident_commander_required_for_sev1_and_sev2(kb: KB) -> None:
    assert broken(kb, "incident_commander: Sam Lee\n", "") == (
        f"{PM}:5: error SC007: SEV2 incidents need an incident commander; add 'incident_commander: Name'"
    )


def test_incident_commander_optional_for_sev3(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("incident_commander: Sam Lee\n", "").replace("severity: SEV2", "severity: SEV3"))
    assert problems(kb.root) == []


def test_published_needs_resolution_times(kb: KB) -> None:
    assert broken(kb, "  resolved: 2026-03-14T03:05:00Z\n", "") == (
        f"{PM}:13: error SC008: a published postmortem needs timestamps.resolved; add it, or set 'status: draft' until it is known"
    )


def test_draft_may_omit_resolution_times_and_sections(kb: KB) -> None:
    text = VALID_PM.replace("status: published", "status: draft").replace("  resolved: 2026-03-14T03:05:00Z\n", "")
    kb.write(PM, text.replace("## What went well", "## Notes"))
    assert problems(kb.root) == []


def test_published_needs_an_action_item(kb: KB) -> None:
    start = VALID_PM.index("action_items:")
    end = VALID_PM.index("---\n\n## Summary")
    kb.write(PM, VALID_PM[:start] + "action_items: []\n" + VALID_PM[end:])
    assert only(kb.root).as_text() == (
        f"{PM}:20: error SC009: a published postmortem needs at least one action item under 'action_items:'"
    )


def test_tickets_required_when_configured(kb: KB) -> None:
    kb.settings("jira:\n  require_tickets: true")
    assert broken(kb, "    ticket: PAY-1\n", "") == (
        f"{PM}:21: error SC010: action_items[0] has no 'ticket': this knowledge base requires a Jira key "
        "(e.g. 'ticket: PAY-123') on every action item of a published postmortem"
    )


def test_tickets_optional_by_default(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("    ticket: PAY-1\n", ""))
    assert problems(kb.root) == []


def test_follow_up_sla_warning(kb: KB) -> None:
    # SEV2: 30 days from 2026-03-14 is 2026-04-13.
    assert broken(kb, "    due: 2026-04-01", "    due: 2026-04-14") == (
        f"{PM}:23: warning SLA001: action_items[0].due 2026-04-14 is 31 days after the incident started; "
        "SEV2 follow-ups are due within 30 days (2026-04-13 at the latest)"
    )


def test_follow_up_sla_edge_is_allowed(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("    due: 2026-04-01", "    due: 2026-04-13"))
    assert problems(kb.root) == []


def test_sev4_has_no_follow_up_sla(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("severity: SEV2", "severity: SEV4").replace("    due: 2026-04-01", "    due: 2027-04-01"))
    assert problems(kb.root) == []


def test_missing_section(kb: KB) -> None:
    assert broken(kb, "## What went well\n\nThe alert fired.\n\n", "") == (
        f"{PM}:26: error BD001: a published postmortem needs the section '## What went well'; add it as a level-2 heading"
    )


def test_misspelt_section_is_pointed_at(kb: KB) -> None:
    assert broken(kb, "## What went well", "## What went wel") == (
        f"{PM}:39: error BD001: a published postmortem needs the section '## What went well' "
        "(did you mean to name '## What went wel' that way?)"
    )


def test_section_at_the_wrong_level(kb: KB) -> None:
    assert broken(kb, "## Timeline", "### Timeline") == (
        f"{PM}:31: error BD002: 'Timeline' is a level-3 heading; required sections are level 2: '## Timeline'"
    )


def test_heading_inside_code_block_does_not_count(kb: KB) -> None:
    text = VALID_PM.replace("## Timeline\n", "```\n## Timeline\n```\n")
    kb.write(PM, text)
    assert [p.split(": ", 2)[1] for p in problems(kb.root)] == ["error BD001"]


def test_section_names_are_case_insensitive(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("## What went well", "## What Went Well"))
    assert problems(kb.root) == []


def test_custom_required_sections(kb: KB) -> None:
    kb.settings("required_sections:\n  postmortem: [Summary, Impact]")
    assert only(kb.root).as_text() == (
        f"{PM}:26: error BD001: a published postmortem needs the section '## Impact'; add it as a level-2 heading"
    )


def test_runbook_sections(kb: KB) -> None:
    assert broken(kb, "## Prevention Checklist", "## Prevention", rel=RB, base=VALID_RUNBOOK) == (
        f"{RB}:22: error BD001: a runbook needs the section '## Prevention Checklist' "
        "(did you mean to name '## Prevention' that way?)"
    )


def test_stale_runbook(kb: KB) -> None:
    # as-of 2026-11-28; 2026-05-31 is 181 days earlier.
    assert broken(kb, "last_reviewed: 2026-10-01", "last_reviewed: 2026-05-31", rel=RB, base=VALID_RUNBOOK) == (
        f"{RB}:7: warning RB001: runbook last reviewed 2026-05-31 (181 days ago, more than 180); "
        "review it and update last_reviewed"
    )


def test_runbook_reviewed_exactly_at_the_limit_is_fresh(kb: KB) -> None:
    kb.write(RB, VALID_RUNBOOK.replace("last_reviewed: 2026-10-01", "last_reviewed: 2026-06-01"))
    assert problems(kb.root) == []
