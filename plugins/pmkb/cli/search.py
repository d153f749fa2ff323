"""`pmkb search QUERY`: full-text search over postmortems and runbooks (whoosh)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Callable

import click

from ..asof import AsOfError, parse_day
from ..knowledge.loader import load_taxonomy
from ..search import Hit, QueryError, SearchIndex, page_url, site_options
from ..knowledge.suggest import with_suggestion
from ..terminal import plain
from .common import EXIT_OK, Project, config_option, emit_json, open_project, usage_error

__all__ = ["register", "notice", "open_index"]


def register(group: click.Group) -> None:
    group.add_command(search)


def notice(message: str) -> None:
    """One line on stderr, so `--format json` stays a single document on stdout."""
    click.echo(f"pmkb: {message}", err=True)


def open_index(project: Project) -> SearchIndex:
    return SearchIndex.open(project.root, project.settings, notice=notice)


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value, "--since")
    except AsOfError as exc:
        raise click.BadParameter(str(exc)) from None


def _check_choice(project: Project, index: SearchIndex, option: str, value: str | None, field: str) -> None:
    """An unknown --type/--severity is a usage error with a suggestion, not an empty result."""
    if value is None:
        return
    if field == "severity":
        known = set(project.settings.severities)
    else:
        taxonomy, _, _ = load_taxonomy(project.root / project.settings.incident_types_file, project.root)
        known = set(index.known_values(field)) | set(taxonomy)
    if value.lower() not in {k.lower() for k in known}:
        listed = ", ".join(sorted(known)[:12])
        raise usage_error(plain(with_suggestion(f"{option} {value}: no such {field} (known: {listed})", value, known)))


@click.command()
@click.argument("query_text", metavar="QUERY")
@click.option("--type", "incident_type", metavar="T", help="Only this incident type.")
@click.option("--severity", metavar="S", help="Only this severity (e.g. SEV1).")
@click.option("--service", metavar="S", help="Only documents naming this service.")
@click.option("--since", callback=_since, metavar="YYYY-MM-DD", help="Only incidents started (runbooks reviewed) on or after this day.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def search(
    query_text: str,
    incident_type: str | None,
    severity: str | None,
    service: str | None,
    since: date | None,
    limit: int,
    fmt: str,
    config_file: Path,
) -> None:
    """Search postmortems and runbooks.

    Free words rank by how many match (symptoms, summary and root cause weigh
    more); fielded terms filter: severity:SEV1 service:checkout type:disk-full
    team:payments tag:postgres kind:runbook status:draft date:2026-05
    date:[2026-05-01 to 2026-06-30] date:>2026-09. Use AND, OR, NOT and
    "quoted phrases" as needed.
    """
    project = open_project(config_file)
    with open_index(project) as index:
        _check_choice(project, index, "--type", incident_type, "type")
        _check_choice(project, index, "--severity", severity, "severity")
        try:
            hits = index.search(
                query_text,
                types=[incident_type] if incident_type else None,
                severity=severity,
                service=service,
                since=since,
                limit=limit,
                snippets=fmt == "text",
            )
        except QueryError as exc:
            raise usage_error(f"cannot read the query {query_text!r}: {exc}") from None
    options = site_options(project.config_file)
    if fmt == "json":
        emit_json([{"id": h.id, "kind": h.kind, "title": h.title, "url": page_url(h.rel, options), "score": h.score} for h in hits])
    else:
        _print_text(hits, query_text)
    raise click.exceptions.Exit(EXIT_OK)


def marker() -> Callable[[str], str]:
    """Bold on a terminal; **word** in a pipe or file, where escape codes would be noise."""
    if sys.stdout.isatty() and not click.utils.should_strip_ansi(sys.stdout):
        return lambda word: click.style(word, bold=True, fg="yellow")
    return lambda word: f"**{word}**"


def describe(hit: Hit) -> str:
    """The facts line of a hit, for a terminal (author values made `plain`)."""
    facts = [hit.kind]
    facts += [hit.severity] if hit.severity else []
    facts += [", ".join(hit.types)] if hit.types else []
    facts += [", ".join(hit.services)] if hit.services else []
    if hit.date and hit.kind == "postmortem":
        facts.append(hit.date.strftime("%Y-%m-%d"))
    if hit.status and hit.status != "published":
        facts.append(hit.status)
    return plain(" · ".join(facts))


def _print_text(hits: list[Hit], query_text: str) -> None:
    if not hits:
        click.echo(f"No postmortem or runbook matches {query_text!r}.", err=True)
        return
    mark = marker()
    # Author text is made `plain` before the highlight adds its own escape codes.
    for number, hit in enumerate(hits, start=1):
        click.echo(f"{number}. {plain(hit.id)}  {plain(hit.title)}")
        click.echo(f"   {describe(hit)} · score {hit.score:g}")
        click.echo(f"   {plain(hit.rel)}")
        for snippet in hit.snippets:
            click.echo(f"   … {snippet.render(lambda word: mark(plain(word)), plain)} …")
        click.echo("")
