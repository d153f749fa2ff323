"""`pmkb stats`: the knowledge model's facts over a period, in the SPEC's JSON shape.

The period filters on each postmortem's start date (UTC), both ends
inclusive. Repeat status is a property of a postmortem given the whole
history (a repeat of an incident just before `--since` is still a repeat).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Iterable

from .distribution import distribution, rounded
from .durations import start_day
from .documents import PostmortemDoc
from .base import KnowledgeBase

__all__ = ["ActionItemCounts", "DurationSummary", "Period", "StatsReport", "in_period", "stats_report"]


@dataclass(frozen=True, slots=True)
class Period:
    since: date | None = None
    until: date | None = None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def in_period(docs: Iterable[PostmortemDoc], period: Period) -> list[PostmortemDoc]:
    return [d for d in docs if period.contains(start_day(d.meta))]


@dataclass(frozen=True, slots=True)
class DurationSummary:
    """{mean, median, p90} in minutes, rounded to 0.1 (None without data)."""

    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Iterable[float | None]) -> DurationSummary:
        d = distribution(values)
        return cls(rounded(d.mean), rounded(d.median), rounded(d.p90))


@dataclass(frozen=True, slots=True)
class ActionItemCounts:
    total: int
    done: int
    open: int
    overdue: int
    not_doing: int


@dataclass(frozen=True, slots=True)
class StatsReport:
    """The SPEC's `pmkb stats --format json` document: `as_json()` is it, field by field, in this order."""

    postmortems: int
    by_severity: dict[str, int]
    by_type: dict[str, int]  # most postmortems first
    time_to_detect: DurationSummary
    time_to_mitigate: DurationSummary
    time_to_resolve: DurationSummary
    repeats: int
    repeat_rate: float | None
    recurring_types: list[str]
    runbook_gaps: list[str]
    stale_runbooks: list[str]
    action_items: ActionItemCounts
    # The on-call capability's own block (`OncallFacts.summary_json()`), None without pager data:
    # knowledge imports no capability, so its shape is owned by `pmkb.oncall.facts`.
    oncall: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def stats_report(
    kb: KnowledgeBase, period: Period, action_items: dict[str, int], oncall: dict[str, Any] | None = None
) -> StatsReport:
    """The report over `period`.

    `action_items` is the {total, done, open, overdue, not_doing} block,
    computed by the caller from the Jira-aware action-item facts; `oncall` the
    on-call block (`OncallFacts.summary_json()`, None without pager data).
    """
    model = kb.facts
    docs = in_period(kb.counted, period)
    spans = [model.durations[d.id] for d in docs]
    repeats = [d for d in docs if d.id in model.repeat_of]
    types_seen = Counter(d.meta.incident_type for d in docs)
    severities = list(kb.settings.severities)
    by_severity = Counter(d.meta.severity for d in docs)
    return StatsReport(
        postmortems=len(docs),
        by_severity={level: by_severity.get(level, 0) for level in severities}
        | {level: n for level, n in sorted(by_severity.items()) if level not in severities},
        by_type=dict(sorted(types_seen.items(), key=lambda kv: (-kv[1], kv[0]))),
        time_to_detect=DurationSummary.of(s.time_to_detect for s in spans),
        time_to_mitigate=DurationSummary.of(s.time_to_mitigate for s in spans),
        time_to_resolve=DurationSummary.of(s.time_to_resolve for s in spans),
        repeats=len(repeats),
        repeat_rate=rounded(len(repeats) / len(docs), 3) if docs else None,
        recurring_types=sorted({d.meta.incident_type for d in repeats}),
        runbook_gaps=sorted(
            slug for slug in types_seen if not (kb.incident_types.get(slug) and kb.incident_types[slug].runbook_ids)
        ),
        stale_runbooks=[r.id for r in model.stale_runbooks],
        action_items=ActionItemCounts(**action_items),
        oncall=oncall,
    )
