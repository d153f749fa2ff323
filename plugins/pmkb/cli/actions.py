"""`pmkb actions`: action items of published postmortems, with their Jira facts.

Reads the Jira cache (`pmkb jira sync` refreshes it; this command never calls
Jira, so it is fast and works offline). Formats: `table` for a terminal, `csv`
for spreadsheets, `json` (exactly the SPEC fields).
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import click

from ..actions.facts import SPEC_FIELDS, ActionItemFact, action_item_facts
from ..actions.view import jira_view
from .common import EXIT_OK, as_of_option, config_option, emit_json, open_project

__all__ = ["register", "select"]


def register(group: click.Group) -> None:
    group.add_command(actions)


@click.command()
@click.option("--overdue", is_flag=True, help="Only overdue items (open, due before the as-of date).")
@click.option("--drift", is_flag=True, help="Only items whose front matter and Jira disagree.")
@click.option("--team", metavar="TEAM", help="Only items of postmortems owned by TEAM (any of its teams).")
@click.option("--owner", metavar="NAME", help="Only items owned by NAME (case-insensitive).")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@config_option
def actions(
    overdue: bool, drift: bool, team: str | None, owner: str | None, as_of: date | None, fmt: str, config_file: Path
) -> None:
    """List the action items of published postmortems (status from the Jira cache)."""
    project = open_project(config_file)
    kb = project.load(as_of=as_of)
    view = jira_view(kb, allow_sync=False)
    for note in view.notes:
        click.echo(f"pmkb: warning: {note}", err=True)
    facts = select(action_item_facts(kb, view.cache), overdue=overdue, drift=drift, team=team, owner=owner)
    if fmt == "json":
        emit_json([fact.spec_json() for fact in facts])
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(SPEC_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(fact.spec_json() for fact in facts)
    else:
        _table(facts, kb.as_of)
    raise click.exceptions.Exit(EXIT_OK)


def select(
    facts: list[ActionItemFact], overdue: bool = False, drift: bool = False, team: str | None = None, owner: str | None = None
) -> list[ActionItemFact]:
    """The filters of `pmkb actions`, all of which must hold; overdue ones sorted most overdue first."""
    wanted_team = team.casefold() if team else None
    wanted_owner = owner.casefold() if owner else None
    chosen = [
        f
        for f in facts
        if (not overdue or f.overdue)
        and (not drift or f.drift)
        and (wanted_team is None or any(t.casefold() == wanted_team for t in f.teams))
        and (wanted_owner is None or f.owner.casefold() == wanted_owner)
    ]
    if overdue:
        chosen.sort(key=lambda f: (-f.days_overdue, f.file, f.index))
    return chosen


def _table(facts: list[ActionItemFact], as_of: date) -> None:
    headers = ("DUE", "STATUS", "LATE", "TICKET", "OWNER", "TEAM", "POSTMORTEM", "FLAGS", "SUMMARY")
    rows = [
        (
            f.due.isoformat(),
            f.status,
            f"{f.days_overdue}d" if f.overdue else "",
            f.ticket or "-",
            f.owner,
            f.team,
            f.postmortem,
            ",".join(flag for flag, on in (("drift", f.drift), (f"slip{len(f.slips)}", f.slipped)) if on),
            f.summary,
        )
        for f in facts
    ]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    for row in [headers, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    overdue = sum(f.overdue for f in facts)
    click.echo(f"{len(facts)} action item(s), {overdue} overdue as of {as_of.isoformat()}", err=True)
