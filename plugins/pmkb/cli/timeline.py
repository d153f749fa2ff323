"""`pmkb timeline SLACK_EXPORT --channel NAME`: a postmortem timeline from a Slack export.

Prints Markdown (or JSON) or, with `--into FILE`, fills that postmortem's
empty Timeline section. Problems with the export or the file exit 1 with one
line on stderr; bad options exit 2.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from ..settings import ConfigFileError, load_settings
from ..timeline import Options, TimelineError, build_timeline, read_export, timeline_json, timeline_markdown, write_into
from .common import EXIT_OK, EXIT_PROBLEMS, config_option, echo, emit_json, usage_error

__all__ = ["register"]

_DEFAULT_SECTIONS = 5  # SPEC order: Summary, Timeline, ...; a renamed Timeline is found by position


def register(group: click.Group) -> None:
    group.add_command(timeline)


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time; use e.g. 2026-11-25T20:00:00Z") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no UTC offset; add 'Z' or an offset such as '+01:00' (pmkb never guesses a time zone)")
    return moment.astimezone(timezone.utc)


def _section_name(config_file: Path) -> str:
    """The Timeline heading as the KB names it (mkdocs.yml's required_sections, by position)."""
    if not config_file.is_file():
        return "Timeline"
    try:
        configured = load_settings(config_file).required_sections.postmortem
    except ConfigFileError as exc:
        raise usage_error(str(exc)) from None
    return configured[1] if len(configured) == _DEFAULT_SECTIONS else "Timeline"


@click.command()
@click.argument("export_path", metavar="SLACK_EXPORT", type=click.Path(exists=True, path_type=Path))
@click.option("--channel", required=True, help="Channel name (with or without '#') or id.")
@click.option("--since", callback=_moment, metavar="TIME", help="Only messages at or after this ISO 8601 time (with offset).")
@click.option("--until", callback=_moment, metavar="TIME", help="Only messages at or before this ISO 8601 time (with offset).")
@click.option("--only-marked", is_flag=True, help="Only messages with a :pushpin: reaction or starting with 'timeline:'.")
@click.option("--into", "into", type=click.Path(dir_okay=False, path_type=Path), help="Write into this postmortem's empty Timeline section.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@config_option
def timeline(
    export_path: Path,
    channel: str,
    since: datetime | None,
    until: datetime | None,
    only_marked: bool,
    into: Path | None,
    fmt: str,
    config_file: Path,
) -> None:
    """A postmortem timeline from a Slack export's channel: one line per message, UTC, oldest first."""
    if since and until and since > until:
        raise usage_error("--since is later than --until")
    if into is not None and fmt == "json":
        raise usage_error("--into writes Markdown; drop --format json")
    if into is not None and not into.is_file():
        raise usage_error(f"--into {into}: no such file")
    section = _section_name(config_file) if into is not None else "Timeline"
    try:
        export = read_export(export_path)
        try:
            entries = build_timeline(export, export.channel(channel), Options(since, until, only_marked))
        finally:
            export.close()
        if fmt == "json":
            emit_json(timeline_json(entries))
            raise click.exceptions.Exit(EXIT_OK)
        markdown = timeline_markdown(entries)
        if into is None:
            if not entries:
                echo("pmkb: no messages matched (check --channel, --since/--until, --only-marked)", err=True)
            echo(markdown, nl=False)
            raise click.exceptions.Exit(EXIT_OK)
        if not entries:
            raise TimelineError(f"{into}: no messages matched, nothing written (check --channel, --since/--until, --only-marked)")
        write_into(into, markdown, section)
    except TimelineError as exc:
        echo(f"pmkb: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    echo(f"pmkb: wrote {len(entries)} timeline entries into {into}", err=True)
    raise click.exceptions.Exit(EXIT_OK)
