"""The monthly review as plain typed data: one model for the page, the deck and `pmkb review`.

`review_json` is the `pmkb review --format json` document: the dataclasses
below, field by field, in this order; action items are the one action-item
type (`ActionItemFact`, or `SlippedItem` for the month's slipped ones), as
`ActionItemFact.review_json` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

from ..actions.facts import ActionItemFact, SlippedItem
from ..knowledge.distribution import rounded
from ..oncall.facts import MonthOncall

__all__ = [
    "METRICS",
    "ActionItemsOfMonth",
    "Comparison",
    "GapLine",
    "MetricDef",
    "MetricLine",
    "MonthStats",
    "MonthlyReview",
    "PendingPostmortem",
    "RecurringType",
    "RepeatLine",
    "ReviewPostmortem",
    "WentWell",
    "metric_line",
    "review_json",
]

Direction = Literal["up", "down", "same"]


# -- per-month statistics ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthStats:
    """The numbers the metrics page charts and a review compares, for one month or a pool of months."""

    months: int  # how many months were pooled (1 for one month)
    postmortems: int
    major: int
    by_severity: dict[str, int]
    time_to_detect_median: float | None
    time_to_detect_p90: float | None
    time_to_resolve_mean: float | None
    time_to_resolve_median: float | None
    time_to_resolve_p90: float | None
    repeats: int
    repeat_rate: float | None

    def value(self, key: str) -> float | None:
        """A metric by key; counts become per-month averages when months were pooled."""
        raw = getattr(self, key)
        if key in ("postmortems", "major", "repeats") and self.months:
            return rounded(raw / self.months)
        return raw


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    label: str
    unit: Literal["count", "minutes", "ratio"]


# What a review compares; lower is better for every one of them.
METRICS: tuple[MetricDef, ...] = (
    MetricDef("postmortems", "Postmortems", "count"),
    MetricDef("major", "Major incidents", "count"),
    MetricDef("time_to_detect_median", "Time to detect (median)", "minutes"),
    MetricDef("time_to_resolve_median", "Time to resolve (median)", "minutes"),
    MetricDef("time_to_resolve_p90", "Time to resolve (p90)", "minutes"),
    MetricDef("time_to_resolve_mean", "MTTR (mean)", "minutes"),
    MetricDef("repeat_rate", "Repeat rate", "ratio"),
)


# -- the review model ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricLine:
    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None  # the month before
    trailing: float | None  # the 3 months before
    delta_previous: float | None
    delta_trailing: float | None
    direction_previous: Direction | None
    direction_trailing: Direction | None
    better_previous: bool | None  # None: unchanged or not comparable
    better_trailing: bool | None

    @property
    def against_previous(self) -> Comparison:
        return Comparison(self.delta_previous, self.direction_previous, self.better_previous)

    @property
    def against_trailing(self) -> Comparison:
        return Comparison(self.delta_trailing, self.direction_trailing, self.better_trailing)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One column of a metric's change: against the month before, or the trailing months.

    `MetricLine` keeps the flat fields (the `pmkb review --format json` shape);
    renderers read a `Comparison` instead of building field names.
    """

    delta: float | None
    direction: Direction | None
    better: bool | None


@dataclass(frozen=True, slots=True)
class ReviewPostmortem:
    id: str
    title: str
    file: str
    severity: str
    major: bool
    incident_type: str
    incident_type_title: str
    started: str  # ISO 8601, UTC
    customer_impact: bool
    impact: str
    summary: str
    time_to_detect: float | None
    time_to_resolve: float | None
    repeat_of: str | None
    timeline_highlights: list[str]
    root_cause: str
    action_items: list[ActionItemFact]


@dataclass(frozen=True, slots=True)
class RecurringType:
    slug: str
    title: str
    postmortems_in_month: int
    repeats_in_month: list[str]
    postmortems_all_time: int
    has_runbook: bool


@dataclass(frozen=True, slots=True)
class RepeatLine:
    id: str
    title: str
    file: str
    incident_type: str
    repeat_of: str
    repeat_of_title: str
    repeat_of_file: str
    days_after: int


@dataclass(frozen=True, slots=True)
class GapLine:
    slug: str
    title: str
    first_postmortem: str
    first_postmortem_file: str
    postmortems_in_month: int


@dataclass(frozen=True, slots=True)
class WentWell:
    postmortem: str
    file: str
    text: str


@dataclass(frozen=True, slots=True)
class PendingPostmortem:
    id: str
    title: str
    file: str
    status: str
    severity: str


@dataclass(frozen=True, slots=True)
class ActionItemsOfMonth:
    due: list[ActionItemFact]
    completed: list[ActionItemFact]
    overdue: list[ActionItemFact]  # due in the month, open and past due today
    overdue_before: int  # overdue items due before the month (listed in their own months)
    slipped: list[SlippedItem]


@dataclass(frozen=True, slots=True)
class MonthlyReview:
    month: str
    title: str
    as_of: str
    previous_month: str | None
    trailing_months: list[str]
    by_severity: dict[str, int]
    postmortems: list[ReviewPostmortem]  # major first, then by start
    metrics: list[MetricLine]
    recurring_types: list[RecurringType]
    repeats: list[RepeatLine]
    runbook_gaps: list[GapLine]
    action_items: ActionItemsOfMonth
    went_well: list[WentWell]
    not_published: list[PendingPostmortem]
    # On-call load of the month's on-call weeks (SPEC "On-call load"); None without pager data.
    oncall: MonthOncall | None = None

    @property
    def major(self) -> list[ReviewPostmortem]:
        return [p for p in self.postmortems if p.major]


def review_json(review: MonthlyReview) -> dict[str, Any]:
    """The `pmkb review --format json` document: the model as plain data, action items as reviews list them."""
    return _plain(review)


def _plain(value: Any) -> Any:
    if isinstance(value, ActionItemFact):
        return value.review_json()
    if isinstance(value, MonthOncall):
        return value.as_json()  # the same shape as api/oncall.json's months
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# -- metrics -------------------------------------------------------------------------


def _direction(delta: float | None) -> Direction | None:
    if delta is None:
        return None
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def metric_line(metric: MetricDef, current: MonthStats, before: MonthStats | None, pooled: MonthStats | None) -> MetricLine:
    value = current.value(metric.key)
    previous = before.value(metric.key) if before else None
    trailing = pooled.value(metric.key) if pooled else None
    digits = 3 if metric.unit == "ratio" else 1
    d_prev = None if value is None or previous is None else round(value - previous, digits)
    d_trail = None if value is None or trailing is None else round(value - trailing, digits)
    # Lower is better for every metric a review compares.
    return MetricLine(
        key=metric.key,
        label=metric.label,
        unit=metric.unit,
        value=value,
        previous=previous,
        trailing=trailing,
        delta_previous=d_prev,
        delta_trailing=d_trail,
        direction_previous=_direction(d_prev),
        direction_trailing=_direction(d_trail),
        better_previous=None if not d_prev else d_prev < 0,
        better_trailing=None if not d_trail else d_trail < 0,
    )
