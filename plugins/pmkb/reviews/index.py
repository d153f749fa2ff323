"""`MonthIndex`: postmortems and action items grouped by month once, so every month's review is cheap.

Built once per build or command, it makes building every month's review
linear in the number of postmortems and items. Grouping rules (SPEC "Derived
facts" and the README): counted postmortems by the month they started (UTC);
drafts and postmortems in review likewise, apart; action items by due month, by
completion month (done ones with a Jira resolution date) and by the months a
Jira sync saw their due date move later.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from ..actions.cache import CachedIssue, JiraCache
from ..actions.facts import ActionItemFact
from ..knowledge.base import KnowledgeBase
from ..knowledge.distribution import distribution, rounded
from ..knowledge.documents import PostmortemDoc
from ..knowledge.durations import utc_day
from .model import MonthStats
from .months import month_of, month_of_day, months_between, shift_month

__all__ = ["MonthIndex"]


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
        index._group_postmortems()
        index._group_action_items()
        return index

    def _group_postmortems(self) -> None:
        order = lambda d: (d.meta.timestamps.started, d.id)  # noqa: E731
        for doc in sorted(self.kb.counted, key=order):
            self.counted.setdefault(month_of(doc.meta), []).append(doc)
            self.first_of_type.setdefault(doc.meta.incident_type, doc)
        for doc in sorted((d for d in self.kb.postmortems if d.meta.status != "published"), key=order):
            self.pending.setdefault(month_of(doc.meta), []).append(doc)

    def _group_action_items(self) -> None:
        self.overdue_months = sorted(month_of_day(f.due) for f in self.facts if f.overdue)
        for fact in self.facts:
            self.facts_by_pm.setdefault(fact.postmortem, []).append(fact)
            self.due.setdefault(month_of_day(fact.due), []).append(fact)
            if fact.completed is not None and fact.status == "done":
                self.completed.setdefault(month_of_day(fact.completed), []).append(fact)
            issue = self.cache.issues.get(fact.ticket) if fact.ticket and not fact.unknown_ticket else None
            if issue is not None:
                for month, days in _slipped_per_month(issue).items():
                    self.slipped.setdefault(month, []).append((fact, days))

    # -- months ------------------------------------------------------------------------

    @property
    def months(self) -> list[str]:
        """Months with counted postmortems, oldest first: each gets a review."""
        return sorted(self.counted)

    @property
    def span(self) -> list[str]:
        """Every month from the first to the last with counted postmortems (empty ones included)."""
        return months_between(self.months[0], self.months[-1]) if self.counted else []

    def previous(self, month: str) -> str | None:
        """The month before `month`, unless it is before the first counted month."""
        before = shift_month(month, -1)
        return before if self.counted and before >= self.months[0] else None

    def trailing(self, month: str) -> list[str]:
        """Up to three months before `month`, none before the first counted month."""
        first = self.months[0] if self.counted else month
        return [m for m in (shift_month(month, -3), shift_month(month, -2), shift_month(month, -1)) if m >= first]

    # -- statistics --------------------------------------------------------------------

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
            major=sum(self.is_major(d) for d in docs),
            by_severity={level: seen.get(level, 0) for level in levels},
            time_to_detect_median=rounded(ttd.median),
            time_to_detect_p90=rounded(ttd.p90),
            time_to_resolve_mean=rounded(ttr.mean),
            time_to_resolve_median=rounded(ttr.median),
            time_to_resolve_p90=rounded(ttr.p90),
            repeats=repeats,
            repeat_rate=rounded(repeats / len(docs), 3) if docs else None,
        )

    def is_major(self, doc: PostmortemDoc) -> bool:
        """Its level needs an incident commander (SEV1 and SEV2 by default)."""
        level = self.kb.settings.severities.get(doc.meta.severity)
        return bool(level and level.needs_incident_commander)


def _slip_events(issue: CachedIssue) -> list[tuple[date, int]]:
    """(day the sync saw it, days added) for each time the due date moved later."""
    events: list[tuple[date, int]] = []
    previous: date | None = None
    for entry in issue.history:
        if entry.duedate is not None:
            if previous is not None and entry.duedate > previous:
                events.append((utc_day(entry.seen), (entry.duedate - previous).days))
            previous = entry.duedate
    return events


def _slipped_per_month(issue: CachedIssue) -> dict[str, int]:
    """Days the due date moved later, per month the syncs saw it happen."""
    per_month: dict[str, int] = defaultdict(int)
    for seen, days in _slip_events(issue):
        per_month[month_of_day(seen)] += days
    return per_month
