"""`pmkb review YYYY-MM`: the monthly review, as the site's `reviews/YYYY-MM/` page shows it.

Markdown (for pasting into a meeting doc; ids and file paths instead of site
links) or JSON (the `MonthlyReview` model, identical to the site's
`api/reviews/YYYY-MM.json`). A malformed month is a usage error (exit 2); a
month without counted postmortems still gets a review (mostly empty), so a
script can ask for any month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..actions.facts import action_item_facts
from ..actions.view import jira_view
from ..render.templates import Renderer
from ..reviews.render import review_markdown
from ..reviews.index import MonthIndex
from ..reviews.model import review_json
from ..reviews.months import parse_month
from ..oncall.facts import oncall_for
from ..reviews.review import major_levels, monthly_review
from .common import EXIT_OK, as_of_option, config_option, echo, emit_json, open_project

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(review)


def _month(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.argument("month", callback=_month, metavar="YYYY-MM")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@config_option
def review(month: str, as_of: date | None, fmt: str, config_file: Path) -> None:
    """The monthly incident review of MONTH (postmortems by start month, UTC)."""
    project = open_project(config_file)
    kb = project.load(as_of=as_of)
    view = jira_view(kb, allow_sync=False)  # like `pmkb stats`: read the cache, never call Jira
    index = MonthIndex.build(kb, action_item_facts(kb, view.cache), view.cache)
    pager, _ = oncall_for(kb)  # its problems are `pmkb oncall`'s to report
    monthly = monthly_review(index, month, pager)
    if fmt == "json":
        emit_json(review_json(monthly))
    else:
        text = review_markdown(monthly, Renderer(), major_levels(kb))
        echo(_readable_quotes(text).rstrip())
    raise click.exceptions.Exit(EXIT_OK)


def _readable_quotes(text: str) -> str:
    """Quotes need no escaping in Markdown text (only <, > and & do): keep them readable in a terminal."""
    for entity, char in (("&\\#x27;", "'"), ("&#x27;", "'"), ("&quot;", '"')):
        text = text.replace(entity, char)
    return text
