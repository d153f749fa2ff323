"""`pmkb oncall [--format text|json]` (the on-call facts) and `pmkb oncall sync [--since D] [--until D]`.

Sync exit codes: 0 synced, 1 PagerDuty failed (files left as they were), 2 usage
(no PAGERDUTY_TOKEN, bad dates). Unreadable pager files are warnings on stderr.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..asof import AsOfError, as_of_date
from ..oncall.facts import OncallFacts, oncall_for
from ..oncall.facts import oncall_document
from ..oncall.sync import PagerDutyFault, PagerDutySync, sync_oncall, write_month
from .common import EXIT_OK, EXIT_PROBLEMS, config_option, day_option_value, echo, emit_json, open_project, usage_error

__all__ = ["register"]

DEFAULT_MONTHS_BACK = 3


def register(group: click.Group) -> None:
    group.add_command(oncall)


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
@click.pass_context
def oncall(ctx: click.Context, fmt: str, config_file: Path) -> None:
    """On-call load from the pager data under oncall/ (pages per on-call week, out of hours, noisy alerts)."""
    if ctx.invoked_subcommand is not None:
        return
    project = open_project(config_file)
    kb = project.load()
    facts, load = oncall_for(kb)
    for problem in load.diagnostics:
        echo(problem.as_text(), err=True)
    if fmt == "json":
        emit_json(oncall_document(facts))
    else:
        echo(render_text(facts, project.settings.oncall_dir))
    raise click.exceptions.Exit(EXIT_OK)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def render_text(facts: OncallFacts, folder: str) -> str:
    if not facts.has_data:
        return f"No pages found under {folder}/ (PagerDuty *.json or *.csv); run `pmkb oncall sync` or add a CSV export."
    s = facts.stats
    share = facts.out_of_hours_share
    lines = [
        f"Pages: {len(facts.pages)} over {s.weeks} on-call week(s) in {len(facts.rotations)} rotation(s) "
        f"(weeks from Monday 00:00, {facts.settings.timezone})",
        f"Pages per on-call week: mean {_num(s.mean)}, median {_num(s.median)}, p90 {_num(s.p90)}, max {s.max}",
        f"Out of hours (outside {facts.settings.working_hours} Mon-Fri): {share:.0%}" if share is not None else "",
        "",
        f"{'Rotation':<28}{'pages':>7}{'weeks':>7}{'median':>8}{'p90':>7}{'max':>6}",
    ]
    for r in facts.rotations:
        lines.append(f"{r.rotation[:27]:<28}{r.pages:>7}{r.stats.weeks:>7}{_num(r.stats.median):>8}{_num(r.stats.p90):>7}{r.stats.max:>6}")
    lines += ["", "Noisiest alerts (pages, of which in no postmortem):"]
    for a in facts.noisy[:10]:
        lines.append(f"  {a.count:>4} ({a.no_postmortem:>3})  {a.service}: {a.title}")
    return "\n".join(line for line in lines if line is not None)


@oncall.command()
@click.option("--since", callback=day_option_value, metavar="YYYY-MM-DD", help="First day to fetch (its whole month is fetched).")
@click.option("--until", callback=day_option_value, metavar="YYYY-MM-DD", help="Last day to fetch (its whole month is fetched).")
@config_option
def sync(since: date | None, until: date | None, config_file: Path) -> None:
    """Fetch PagerDuty incidents into oncall/pagerduty-YYYY-MM.json, one file per month.

    Reads PAGERDUTY_TOKEN (a REST API key; never printed or stored) and PAGERDUTY_URL
    (default https://api.pagerduty.com; e.g. https://api.eu.pagerduty.com). Without
    dates it fetches the last three months up to today.
    """
    project = open_project(config_file)
    config = PagerDutySync.from_env()
    if config is None:
        raise usage_error("PAGERDUTY_TOKEN is not set: export a PagerDuty REST API key (read-only is enough)")
    try:
        today = as_of_date(None)
    except AsOfError as exc:
        raise usage_error(str(exc)) from None
    until = until or today
    if since is None:
        back = until.year * 12 + until.month - 1 - (DEFAULT_MONTHS_BACK - 1)
        since = date(back // 12, back % 12 + 1, 1)
    if since > until:
        raise usage_error(f"--since {since} is after --until {until}")
    try:
        result = sync_oncall(config, since, until)
    except PagerDutyFault as fault:
        message = str(fault).replace(config.token, "***")
        echo(f"pmkb: PagerDuty sync failed: {message}; nothing under {project.settings.oncall_dir}/ was changed", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    folder = project.root / project.settings.oncall_dir
    try:
        written = [write_month(folder, month, incidents) for month, incidents in result.months.items()]
    except OSError as exc:
        echo(f"pmkb: cannot write under {folder}: {exc.strerror}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    echo(
        f"Synced {result.incidents} incident(s) from PagerDuty in {result.requests} request(s), {result.seconds:.1f} s -> "
        + ", ".join(p.relative_to(project.root).as_posix() for p in written)
    )
    raise click.exceptions.Exit(EXIT_OK)
