"""The monthly incident review as plain typed data: one model for the page, the deck and `pmkb review`.

SPEC "Derived facts": a postmortem belongs to the month of its `started`
time in UTC, and only counted postmortems (published, not drills) are
reviewed. Everything here is computed from the knowledge model
(`kb.facts`), the action-item facts (`pmkb.actions.facts`) and the Jira
cache (for when a due date slipped); nothing is computed twice.

Decisions where the SPEC is silent (also in the README):

- *major* postmortems (listed first, one slide each) are those whose level
  needs an incident commander (SEV1 and SEV2 by default);
- the *trailing 3 months* are the three months before the reviewed one,
  leaving out months before the first counted postmortem; counts are averaged
  per month, durations and the repeat rate pooled over their postmortems;
- action items *of the month*: due in the month; completed in the month (Jira's
  resolution date); overdue = due in the month and still open past its due
  date today (each overdue item is in exactly one review, so the pages stay
  linear in size; older overdue items are counted, and all are listed on
  `action-items/`); slipped = a sync saw their Jira due date move later
  during the month;
- a *runbook gap that appeared* is a type without runbook whose first counted
  postmortem started in the month;
- *not published*: drafts and postmortems in review that started in the month.

`MonthIndex` groups postmortems and action items by month once, so building
every month's review is linear in the number of postmortems and items.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timezone
from typing import Any, Iterable, Literal

from ..actions.cache import CachedIssue, JiraCache
from ..actions.facts import ActionItemFact
from ..knowledge.distribution import distribution
from ..knowledge.documents import PostmortemDoc
from ..knowledge.durations import month_of
from .text import first_paragraph, level2_sections, list_items
from ..knowledge.sections import normalise_heading
from ..knowledge.base import KnowledgeBase


__all__ = [
    "ActionItemLine",
    "METRICS",
    "MonthIndex",
    "MonthlyReview",
    "MonthStats",
    "major_levels",
    "completion_of",
    "month_label",
    "months_between",
    "parse_month",
    "review_json",
]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
Direction = Literal["up", "down", "same"]
Completion = Literal["on time", "late", "done, date unknown", "open", "overdue", "not doing"]

# Section names as the SPEC's defaults; a KB that renamed them is matched by position.
_DEFAULT_SECTIONS = ("Summary", "Timeline", "What went well", "What could be improved", "Root cause and contributing factors")
_TIMELINE_KEYWORDS = ("detect", "alert", "page", "declare", "mitigat", "resolv", "rollback", "roll back", "restor", "fix")
TIMELINE_HIGHLIGHTS = 5


# -- months --------------------------------------------------------------------------


def parse_month(text: str) -> str:
    """'2026-05' -> '2026-05'; anything else raises ValueError with a fix."""
    if not _MONTH.match(text.strip()):
        raise ValueError(f"month {text!r} is not YYYY-MM (for example 2026-05)")
    return text.strip()


def _shift(month: str, by: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last, inclusive."""
    months, current = [], first
    while current <= last:
        months.append(current)
        current = _shift(current, 1)
    return months


def month_label(month: str) -> str:
    return date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


def _month_of_day(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


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
            return round(raw / self.months, 1)
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


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


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


@dataclass(frozen=True, slots=True)
class ActionItemLine:
    postmortem: str
    file: str
    line: int
    summary: str
    owner: str
    team: str
    ticket: str | None
    ticket_url: str | None
    due: str
    status: str
    completion: str  # Completion
    completed: str | None
    days_overdue: int
    slipped_days: int  # days the due date moved later during the month (slipped list only)


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
    action_items: list[ActionItemLine]


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
    due: list[ActionItemLine]
    completed: list[ActionItemLine]
    overdue: list[ActionItemLine]  # due in the month, open and past due today
    overdue_before: int  # overdue items due before the month (listed in their own months)
    slipped: list[ActionItemLine]


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

    @property
    def major(self) -> list[ReviewPostmortem]:
        return [p for p in self.postmortems if p.major]


def review_json(review: MonthlyReview) -> dict[str, Any]:
    """The `pmkb review --format json` document (plain dict of the model)."""
    return asdict(review)


# -- action items --------------------------------------------------------------------


def completion_of(fact: ActionItemFact) -> Completion:
    """How an item's follow-up went: on time / late (by completion date), open, overdue, not doing."""
    if fact.status == "not-doing":
        return "not doing"
    if fact.status == "done":
        if fact.completed is None:
            return "done, date unknown"
        return "on time" if fact.completed <= fact.due else "late"
    return "overdue" if fact.overdue else "open"


def _slip_events(issue: CachedIssue) -> list[tuple[date, int]]:
    """(day the sync saw it, days added) for each time the due date moved later."""
    events: list[tuple[date, int]] = []
    previous: date | None = None
    for entry in issue.history:
        if entry.duedate is not None:
            if previous is not None and entry.duedate > previous:
                events.append((entry.seen.astimezone(timezone.utc).date(), (entry.duedate - previous).days))
            previous = entry.duedate
    return events


def _item_line(fact: ActionItemFact, slipped_days: int = 0) -> ActionItemLine:
    return ActionItemLine(
        postmortem=fact.postmortem,
        file=fact.file,
        line=fact.line,
        summary=fact.summary,
        owner=fact.owner,
        team=fact.team,
        ticket=fact.ticket,
        ticket_url=fact.ticket_url,
        due=fact.due.isoformat(),
        status=fact.status,
        completion=completion_of(fact),
        completed=fact.completed.isoformat() if fact.completed else None,
        days_overdue=fact.days_overdue,
        slipped_days=slipped_days,
    )


# -- the index ---------------------------------------------------------------------------


@dataclass
class MonthIndex:
    """Postmortems and action items grouped by month, once per build or command."""

    kb: KnowledgeBase
    facts: list[ActionItemFact]
    cache: JiraCache = field(default_factory=JiraCache)
    counted: dict[str, list[PostmortemDoc]] = field(default_factory=dict)
    pending: dict[str, list[PostmortemDoc]] = field(default_factory=dict)
    due: dict[str, list[ActionItemFact]] = field(default_factory=dict)
    completed: dict[str, list[ActionItemFact]] = field(default_factory=dict)
    slipped: dict[str, list[tuple[ActionItemFact, int]]] = field(default_factory=dict)
    facts_by_pm: dict[str, list[ActionItemFact]] = field(default_factory=dict)
    overdue_months: list[str] = field(default_factory=list)  # due month of every overdue item, sorted
    first_of_type: dict[str, PostmortemDoc] = field(default_factory=dict)
    _stats: dict[tuple[str, ...], MonthStats] = field(default_factory=dict)

    @classmethod
    def build(cls, kb: KnowledgeBase, facts: Iterable[ActionItemFact], cache: JiraCache | None = None) -> MonthIndex:
        index = cls(kb=kb, facts=list(facts), cache=cache or JiraCache())
        order = lambda d: (d.meta.timestamps.started, d.id)  # noqa: E731
        for doc in sorted(kb.counted, key=order):
            index.counted.setdefault(month_of(doc.meta), []).append(doc)
            index.first_of_type.setdefault(doc.meta.incident_type, doc)
        for doc in sorted((d for d in kb.postmortems if d.meta.status != "published"), key=order):
            index.pending.setdefault(month_of(doc.meta), []).append(doc)
        index.overdue_months = sorted(_month_of_day(f.due) for f in index.facts if f.overdue)
        for fact in index.facts:
            index.facts_by_pm.setdefault(fact.postmortem, []).append(fact)
            index.due.setdefault(_month_of_day(fact.due), []).append(fact)
            if fact.completed is not None and fact.status == "done":
                index.completed.setdefault(_month_of_day(fact.completed), []).append(fact)
            issue = index.cache.issues.get(fact.ticket) if fact.ticket and not fact.unknown_ticket else None
            if issue is not None:
                per_month: dict[str, int] = defaultdict(int)
                for seen, days in _slip_events(issue):
                    per_month[_month_of_day(seen)] += days
                for month, days in per_month.items():
                    index.slipped.setdefault(month, []).append((fact, days))
        return index

    # -- months ------------------------------------------------------------------------

    @property
    def months(self) -> list[str]:
        """Months with counted postmortems, oldest first: each gets a review."""
        return sorted(self.counted)

    @property
    def span(self) -> list[str]:
        """Every month from the first to the last with counted postmortems (empty ones included)."""
        return months_between(self.months[0], self.months[-1]) if self.counted else []

    def stats(self, *months: str) -> MonthStats:
        """Statistics of one month, or pooled over several."""
        key = tuple(months)
        if key not in self._stats:
            self._stats[key] = self._compute(months)
        return self._stats[key]

    def _compute(self, months: tuple[str, ...]) -> MonthStats:
        model = self.kb.facts
        docs = [d for m in months for d in self.counted.get(m, [])]
        spans = [model.durations[d.id] for d in docs]
        ttd = distribution(s.time_to_detect for s in spans)
        ttr = distribution(s.time_to_resolve for s in spans)
        levels = list(self.kb.settings.severities)
        seen = Counter(d.meta.severity for d in docs)
        repeats = sum(d.id in model.repeat_of for d in docs)
        return MonthStats(
            months=len(months),
            postmortems=len(docs),
            major=sum(self._is_major(d) for d in docs),
            by_severity={level: seen.get(level, 0) for level in levels},
            time_to_detect_median=_round(ttd.median),
            time_to_detect_p90=_round(ttd.p90),
            time_to_resolve_mean=_round(ttr.mean),
            time_to_resolve_median=_round(ttr.median),
            time_to_resolve_p90=_round(ttr.p90),
            repeats=repeats,
            repeat_rate=round(repeats / len(docs), 3) if docs else None,
        )

    def _is_major(self, doc: PostmortemDoc) -> bool:
        level = self.kb.settings.severities.get(doc.meta.severity)
        return bool(level and level.needs_incident_commander)

    def trailing(self, month: str) -> list[str]:
        """Up to three months before `month`, none before the first counted month."""
        first = self.months[0] if self.counted else month
        return [m for m in (_shift(month, -3), _shift(month, -2), _shift(month, -1)) if m >= first]

    # -- one review ----------------------------------------------------------------------

    def review(self, month: str) -> MonthlyReview:
        kb = self.kb
        model = kb.facts
        docs = self.counted.get(month, [])
        levels = list(kb.settings.severities)
        rank = {level: i for i, level in enumerate(levels)}
        ordered = sorted(
            docs, key=lambda d: (not self._is_major(d), rank.get(d.meta.severity, len(levels)), d.meta.timestamps.started, d.id)
        )
        previous = _shift(month, -1)
        has_previous = bool(self.counted) and previous >= self.months[0]
        trailing = self.trailing(month)
        current = self.stats(month)
        before = self.stats(previous) if has_previous else None
        pooled = self.stats(*trailing) if trailing else None
        metrics = [_metric_line(m, current, before, pooled) for m in METRICS]

        in_month_by_type: dict[str, list[PostmortemDoc]] = defaultdict(list)
        for doc in docs:
            in_month_by_type[doc.meta.incident_type].append(doc)
        recurring = [
            RecurringType(
                slug=slug,
                title=model.types[slug].title if slug in model.types else slug,
                postmortems_in_month=len(group),
                repeats_in_month=[d.id for d in group if d.id in model.repeat_of],
                postmortems_all_time=model.types[slug].count if slug in model.types else len(group),
                has_runbook=bool(model.types.get(slug) and model.types[slug].runbook_ids),
            )
            for slug, group in in_month_by_type.items()
            if any(d.id in model.repeat_of for d in group)
        ]
        recurring.sort(key=lambda r: (-len(r.repeats_in_month), -r.postmortems_in_month, r.slug))

        repeats = []
        for doc in docs:
            earlier_id = model.repeat_of.get(doc.id)
            earlier = kb.postmortem(earlier_id) if earlier_id else None
            if earlier is not None:
                repeats.append(
                    RepeatLine(
                        id=doc.id,
                        title=doc.meta.title,
                        file=doc.rel,
                        incident_type=doc.meta.incident_type,
                        repeat_of=earlier.id,
                        repeat_of_title=earlier.meta.title,
                        repeat_of_file=earlier.rel,
                        days_after=(doc.meta.timestamps.started - earlier.meta.timestamps.started).days,
                    )
                )

        gaps = [
            GapLine(
                slug=facts.slug,
                title=facts.title,
                first_postmortem=self.first_of_type[facts.slug].id,
                first_postmortem_file=self.first_of_type[facts.slug].rel,
                postmortems_in_month=len(in_month_by_type.get(facts.slug, [])),
            )
            for facts in model.gaps
            if facts.slug in self.first_of_type and month_of(self.first_of_type[facts.slug].meta) == month
        ]

        overdue = sorted(
            (f for f in self.due.get(month, []) if f.overdue), key=lambda f: (-f.days_overdue, f.postmortem, f.index)
        )
        actions = ActionItemsOfMonth(
            due=[_item_line(f) for f in sorted(self.due.get(month, []), key=lambda f: (f.due, f.postmortem, f.index))],
            completed=[
                _item_line(f)
                for f in sorted(self.completed.get(month, []), key=lambda f: (f.completed, f.postmortem, f.index))
            ],
            overdue=[_item_line(f) for f in overdue],
            overdue_before=bisect_left(self.overdue_months, month),
            slipped=[
                _item_line(f, days)
                for f, days in sorted(self.slipped.get(month, []), key=lambda fd: (-fd[1], fd[0].postmortem, fd[0].index))
            ],
        )

        names = _section_names(kb)
        bodies = {doc.id: _Sections(level2_sections(doc.body), names) for doc in ordered}
        went_well = [
            WentWell(postmortem=doc.id, file=doc.rel, text=text)
            for doc in ordered
            for text in list_items(bodies[doc.id].get("What went well"))
        ]
        return MonthlyReview(
            month=month,
            title=f"Incident review: {month_label(month)}",
            as_of=kb.as_of.isoformat(),
            previous_month=previous if has_previous else None,
            trailing_months=trailing,
            by_severity=current.by_severity,
            postmortems=[self._postmortem(doc, bodies[doc.id]) for doc in ordered],
            metrics=metrics,
            recurring_types=recurring,
            repeats=repeats,
            runbook_gaps=gaps,
            action_items=actions,
            went_well=went_well,
            not_published=[
                PendingPostmortem(id=d.id, title=d.meta.title, file=d.rel, status=d.meta.status, severity=d.meta.severity)
                for d in self.pending.get(month, [])
            ],
        )

    def _postmortem(self, doc: PostmortemDoc, body: _Sections) -> ReviewPostmortem:
        model = self.kb.facts
        pm = doc.meta
        spans = model.durations[doc.id]
        facts = model.types.get(pm.incident_type)
        impact = pm.impact_summary or ("Customer-facing impact" if pm.customer_impact else "No customer impact")
        return ReviewPostmortem(
            id=pm.id,
            title=pm.title,
            file=doc.rel,
            severity=pm.severity,
            major=self._is_major(doc),
            incident_type=pm.incident_type,
            incident_type_title=facts.title if facts else pm.incident_type,
            started=pm.timestamps.started.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
            customer_impact=pm.customer_impact,
            impact=impact,
            summary=first_paragraph(body.get("Summary")),
            time_to_detect=_round(spans.time_to_detect),
            time_to_resolve=_round(spans.time_to_resolve),
            repeat_of=model.repeat_of.get(doc.id),
            timeline_highlights=_highlights(list_items(body.get("Timeline"))),
            root_cause=first_paragraph(body.get("Root cause and contributing factors")),
            action_items=[_item_line(f) for f in self.facts_by_pm.get(doc.id, [])],
        )


@dataclass(frozen=True, slots=True)
class _Sections:
    """A postmortem body's level-2 sections, looked up by the SPEC's default name or its configured alias."""

    found: dict[str, str]
    names: dict[str, tuple[str, ...]]

    def get(self, default_name: str) -> str | None:
        return next((self.found[n] for n in self.names[default_name] if n in self.found), None)


def _section_names(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each default section name, plus the configured name at the same position (renamed sections)."""
    configured = list(kb.settings.required_sections.postmortem)
    names: dict[str, tuple[str, ...]] = {}
    for position, default in enumerate(_DEFAULT_SECTIONS):
        alias = configured[position] if len(configured) == len(_DEFAULT_SECTIONS) else default
        names[default] = (normalise_heading(default), normalise_heading(alias))
    return names


def _highlights(items: list[str]) -> list[str]:
    """Up to five timeline entries: the first, then those about detection, mitigation, resolution."""
    if len(items) <= TIMELINE_HIGHLIGHTS:
        return [_clip(i) for i in items]
    keyed = [i for i, text in enumerate(items) if i > 0 and any(k in text.casefold() for k in _TIMELINE_KEYWORDS)]
    chosen = [0, *keyed[-(TIMELINE_HIGHLIGHTS - 1) :]]
    for i in range(1, len(items)):  # too few keyword entries: fill from the start
        if len(chosen) >= TIMELINE_HIGHLIGHTS:
            break
        if i not in chosen:
            chosen.append(i)
    return [_clip(items[i]) for i in sorted(chosen)]


def _clip(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _direction(delta: float | None) -> Direction | None:
    if delta is None:
        return None
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def _metric_line(metric: MetricDef, current: MonthStats, before: MonthStats | None, pooled: MonthStats | None) -> MetricLine:
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


def major_levels(kb: KnowledgeBase) -> list[str]:
    """The severity levels whose postmortems are major (listed first, one slide each)."""
    return [name for name, level in kb.settings.severities.items() if level.needs_incident_commander]
