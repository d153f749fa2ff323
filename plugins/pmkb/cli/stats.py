"""`pmkb stats`: counts, durations, repeats, gaps and action items over a period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..actions.facts import action_item_facts, summary_counts
from ..actions.view import jira_view
from ..oncall.facts import oncall_for
from ..knowledge.durations import utc_day
from ..knowledge.stats import DurationSummary, Period, StatsReport, stats_report
from .common import EXIT_OK, as_of_option, config_option, day_option_value, echo, emit_json, open_project

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(stats)


@click.command()
@click.option("--since", callback=day_option_value, metavar="YYYY-MM-DD", help="First start date counted (inclusive).")
@click.option("--until", callback=day_option_value, metavar="YYYY-MM-DD", help="Last start date counted (inclusive).")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def stats(since: date | None, until: date | None, as_of: date | None, fmt: str, config_file: Path) -> None:
    """Incident counts, time to detect/mitigate/resolve, repeats, runbook gaps and action items."""
    if since and until and since > until:
        raise click.BadParameter(f"--since {since} is after --until {until}", param_hint="--since")
    project = open_project(config_file)
    kb = project.load(as_of=as_of)
    period = Period(since, until)
    view = jira_view(kb, allow_sync=False)
    facts = [f for f in action_item_facts(kb, view.cache) if period.contains(utc_day(f.started))]
    # Pages are filtered by their day in oncall.timezone; unreadable pager files are warnings on stderr.
    oncall, pager = oncall_for(kb, since, until)
    for problem in pager.diagnostics:
        echo(problem.as_text(), err=True)
    report = stats_report(kb, period, summary_counts(facts), oncall.summary_json() if oncall.has_data else None)
    if fmt == "json":
        emit_json(report.as_json())
    else:
        echo(render_text(report, period, kb.as_of))
    raise click.exceptions.Exit(EXIT_OK)


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


def render_text(report: StatsReport, period: Period, as_of: date) -> str:
    span = f"{period.since or 'the first incident'} to {period.until or 'today'}"
    lines = [f"Postmortems counted: {report.postmortems} ({span}; as of {as_of})", ""]
    lines.append("By severity:  " + "   ".join(f"{k} {v}" for k, v in report.by_severity.items()))
    lines.append("")
    lines.append(f"{'Duration':<18}{'mean':>10}{'median':>10}{'p90':>10}")
    rows: tuple[tuple[str, DurationSummary], ...] = (
        ("Time to detect", report.time_to_detect),
        ("Time to mitigate", report.time_to_mitigate),
        ("Time to resolve", report.time_to_resolve),
    )
    for label, d in rows:
        lines.append(f"{label:<18}{_minutes(d.mean):>10}{_minutes(d.median):>10}{_minutes(d.p90):>10}")
    lines.append("")
    rate = report.repeat_rate
    lines.append(f"Repeats: {report.repeats}" + (f" ({rate:.0%} of postmortems)" if rate is not None else ""))
    lines.append("")
    lines += _type_table(report)
    lines.append("Runbook gaps: " + (", ".join(report.runbook_gaps) or "none"))
    lines.append("Stale runbooks: " + (", ".join(report.stale_runbooks) or "none"))
    ai = report.action_items
    lines.append(
        f"Action items: {ai.total} total, {ai.done} done, {ai.open} open "
        f"({ai.overdue} overdue), {ai.not_doing} not doing"
    )
    # The on-call block is the on-call capability's JSON (`OncallFacts.summary_json()`), read as such.
    pager = report.oncall
    if pager:
        week = pager["pages_per_oncall_week"]
        share = pager["out_of_hours_share"]
        lines.append(
            f"On-call: {pager['pages']} pages in {len(pager['rotations'])} rotation(s); per on-call week "
            f"median {week['median']}, p90 {week['p90']}, max {week['max']}"
            + (f"; {share:.0%} out of hours" if share is not None else "")
        )
    return "\n".join(lines)


def _type_table(report: StatsReport) -> list[str]:
    """Incident types with their count and flags (recurring, no runbook), then a blank line; nothing without types."""
    if not report.by_type:
        return []
    width = max(len(slug) for slug in report.by_type)
    lines = [f"{'Incident type':<{width}}  count  flags"]
    for slug, count in report.by_type.items():
        flags = ", ".join(
            flag for flag, on in (("recurring", slug in report.recurring_types),
                                  ("NO RUNBOOK", slug in report.runbook_gaps)) if on
        )
        lines.append(f"{slug:<{width}}  {count:>5}  {flags}")
    lines.append("")
    return lines
