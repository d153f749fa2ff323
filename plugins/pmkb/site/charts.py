"""Build-time charts as data, each with the same numbers as a table.

A `Chart` is plain data (categories and named series); `chart_drawing.render_svg`
draws it and `Chart.table` gives its text equivalent (for screen readers, search
and the CLI), so the picture and the table cannot disagree. This module does
not import matplotlib: a build whose charts are all in the chart cache never
loads it (about half a second).

`metrics_charts` builds the metrics page's charts from a `MonthIndex`;
`review_charts` the small trend charts of one monthly review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..render.format import format_value
from ..reviews.index import MonthIndex
from ..reviews.months import month_of_day, months_between


__all__ = ["Chart", "Series", "metrics_charts", "review_charts", "short_label", "tick_rotation"]

Unit = Literal["count", "minutes", "ratio"]

# The severity badges' colours (pmkb.css, the deck): SEV1 red, SEV2 orange, SEV3 amber, SEV4 blue-grey.
_SEVERITY_COLOURS = ("#c62828", "#c2410c", "#f9a825", "#546e7a", "#5c6bc0", "#26a69a")
_COMPLETION_COLOURS = {
    "on time": "#2e7d32",
    "late": "#9ccc65",
    "done, date unknown": "#a5d6a7",
    "open": "#90a4ae",
    "overdue": "#c62828",
}
PARETO_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float | None]
    kind: Literal["bar", "line"] = "bar"
    colour: str = "#3f51b5"
    axis: Literal["left", "right"] = "left"
    unit: Unit = "count"

    @property
    def slug(self) -> str:
        return "series-" + re.sub(r"[^a-z0-9]+", "-", self.name.casefold()).strip("-")


@dataclass(frozen=True, slots=True)
class Chart:
    slug: str  # file name without .svg
    title: str
    description: str  # one sentence: what the chart shows (alt text)
    x_label: str
    y_label: str
    categories: list[str]
    series: list[Series]
    stacked: bool = False
    right_label: str = ""
    reference: float | None = None  # a horizontal line on the right axis (the Pareto 80 %)
    notes: list[str] = field(default_factory=list)  # sentences under the table

    def table(self) -> tuple[list[str], list[list[str]]]:
        """(column headings, rows of formatted cells): the chart as text."""
        columns = [self.x_label, *(s.name for s in self.series)]
        rows = [
            [category, *(format_value(s.values[i], s.unit) for s in self.series)] for i, category in enumerate(self.categories)
        ]
        return columns, rows


def metrics_charts(index: MonthIndex) -> list[Chart]:
    """The metrics page: one chart per question a manager asks about the trend."""
    months = index.span
    if not months:
        return []
    charts = [
        incidents_by_severity(index, months),
        time_to_resolve(index, months),
        time_to_detect(index, months),
        repeat_rate(index, months),
    ]
    completion = action_item_completion(index)
    if completion.categories:
        charts.append(completion)
    charts.append(incident_types_pareto(index))
    return charts


def review_charts(index: MonthIndex, month: str, span: int = 6) -> list[Chart]:
    """A review's trend: the six months up to and including `month` (no later data leaks in)."""
    first = index.months[0] if index.months else month
    months = [m for m in months_between(first, month)][-span:]
    return [
        incidents_by_severity(index, months, slug=f"incidents-{month}"),
        time_to_resolve(index, months, slug=f"time-to-resolve-{month}"),
    ]


def incidents_by_severity(index: MonthIndex, months: list[str], slug: str = "incidents-by-severity") -> Chart:
    levels = list(index.kb.settings.severities)
    stats = [index.stats(m) for m in months]
    return Chart(
        slug=slug,
        title="Incidents per month by severity",
        description="Stacked bars: counted postmortems per month (by start date, UTC), split by severity.",
        x_label="Month",
        y_label="Postmortems",
        categories=months,
        series=[
            Series(level, [float(s.by_severity.get(level, 0)) for s in stats], colour=_SEVERITY_COLOURS[i % len(_SEVERITY_COLOURS)])
            for i, level in enumerate(levels)
        ],
        stacked=True,
    )


def time_to_resolve(index: MonthIndex, months: list[str], slug: str = "time-to-resolve") -> Chart:
    stats = [index.stats(m) for m in months]
    return _median_and_p90(
        slug, "Time to resolve", "resolved - detected", months,
        [s.time_to_resolve_median for s in stats], [s.time_to_resolve_p90 for s in stats], ("#3f51b5", "#e53935"),
    )


def time_to_detect(index: MonthIndex, months: list[str], slug: str = "time-to-detect") -> Chart:
    stats = [index.stats(m) for m in months]
    return _median_and_p90(
        slug, "Time to detect", "detected - started", months,
        [s.time_to_detect_median for s in stats], [s.time_to_detect_p90 for s in stats], ("#00897b", "#fb8c00"),
    )


def _median_and_p90(
    slug: str, what: str, definition: str, months: list[str],
    median: list[float | None], p90: list[float | None], colours: tuple[str, str],
) -> Chart:
    """Two lines per month, in minutes: a duration's median and 90th percentile."""
    return Chart(
        slug=slug,
        title=f"{what} per month",
        description=f"Lines: median and 90th percentile of {what.lower()} ({definition}) per month, in minutes.",
        x_label="Month",
        y_label="Minutes",
        categories=months,
        series=[
            Series("Median", median, "line", colours[0], unit="minutes"),
            Series("p90", p90, "line", colours[1], unit="minutes"),
        ],
    )


def repeat_rate(index: MonthIndex, months: list[str]) -> Chart:
    stats = [index.stats(m) for m in months]
    return Chart(
        slug="repeat-rate",
        title="Repeat rate per month",
        description=(
            f"Bars: share of the month's postmortems that repeat an incident of the same type "
            f"within {index.kb.settings.recurrence_window_days} days."
        ),
        x_label="Month",
        y_label="Repeats / postmortems",
        categories=months,
        series=[Series("Repeat rate", [s.repeat_rate for s in stats], colour="#8e24aa", unit="ratio")],
    )


def action_item_completion(index: MonthIndex) -> Chart:
    """Action items by the month they are (or were) due: on time, late, open, overdue."""
    by_month: dict[str, dict[str, int]] = {}
    not_doing = 0
    for fact in index.facts:
        state = fact.completion
        if state == "not doing":
            not_doing += 1
            continue
        month = month_of_day(fact.due)
        by_month.setdefault(month, {}).setdefault(state, 0)
        by_month[month][state] += 1
    months = months_between(min(by_month), max(by_month)) if by_month else []
    present = {state for counts in by_month.values() for state in counts}
    states = [s for s in _COMPLETION_COLOURS if s in present or s in ("on time", "late", "open", "overdue")]
    notes = ["On time: done on or before the due date (Jira's resolution date); late: done after it."]
    if "done, date unknown" in present:
        notes.append("Done, date unknown: done in the front matter, with no Jira resolution date.")
    if not_doing:
        notes.append(f"{not_doing} item(s) marked not doing are left out.")
    return Chart(
        slug="action-item-completion",
        title="Action-item completion by due month",
        description="Stacked bars: action items per due month, by outcome: on time, late, open (not yet due) and overdue.",
        x_label="Due month",
        y_label="Action items",
        categories=months,
        series=[
            Series(state.capitalize(), [float(by_month.get(m, {}).get(state, 0)) for m in months], colour=_COMPLETION_COLOURS[state])
            for state in states
        ],
        stacked=True,
        notes=notes,
    )


def incident_types_pareto(index: MonthIndex) -> Chart:
    """Types by incidents, most first, with the cumulative share: which few types cause 80 %."""
    counts = sorted(((t.count, t.slug) for t in index.kb.facts.types.values() if t.count), key=lambda c: (-c[0], c[1]))
    total = sum(c for c, _ in counts)
    cumulative, running = [], 0
    for count, _ in counts:
        running += count
        cumulative.append(round(running / total, 3))
    vital = next((i + 1 for i, share in enumerate(cumulative) if share >= PARETO_SHARE), len(counts))
    names = [slug for _, slug in counts]
    return Chart(
        slug="incident-types-pareto",
        title="Top incident types (Pareto)",
        description="Bars: counted postmortems per incident type, most first; line: cumulative share of all incidents.",
        x_label="Incident type",
        y_label="Postmortems",
        categories=names,
        series=[
            Series("Postmortems", [float(c) for c, _ in counts], colour="#3949ab"),
            Series("Cumulative share", cumulative, "line", "#e53935", axis="right", unit="ratio"),
        ],
        right_label="Cumulative share",
        reference=PARETO_SHARE,
        notes=[
            f"{vital} of {len(names)} types cause {cumulative[vital - 1]:.0%} of incidents: {', '.join(names[:vital])}."
            if names else "No counted postmortems yet."
        ],
    )


def tick_rotation(categories: list[str]) -> int:
    """Slanted labels when many or long ones would overlap."""
    longest = max((len(c) for c in categories), default=0)
    if longest > 12 and len(categories) > 6:
        return 60  # long names close together (the Pareto's types): steeper, so neighbours do not overlap
    return 40 if longest > 12 else 30 if len(categories) > 6 else 0


def short_label(label: str, limit: int = 20) -> str:
    """Axis labels stay short; the table under the chart has the full names."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
