"""The on-call facts, exactly as SPEC "On-call load" defines them.

- a **page** is a record with high urgency; duplicate ids count once (the first file in
  path order wins, so a re-synced month never counts twice);
- its **rotation** is the escalation policy / CSV rotation, else the service;
- an **on-call week** is one rotation in one ISO week (Monday 00:00 in `oncall.timezone`);
  every week from a rotation's first to its last page counts, weeks without pages as 0;
- **pages per on-call week**: mean, median, p90 (the durations' quantile method,
  `pmkb.distribution`) and max over on-call weeks;
- **out of hours**: created outside `oncall.working_hours`, Monday to Friday, in the zone;
  the start minute is in hours, the end minute is not (09:00 in, 18:00 out);
- a page **belongs to a postmortem** when its service is one of the postmortem's `services`
  and it was created in [started - 30 min, resolved (or mitigated)], both ends included;
  a postmortem with neither end has no window yet;
- **noisy alerts**: pages grouped by service and title with every run of digits folded
  to `#`, ranked by count, each with how many pages belong to no postmortem.

A week belongs to the month of its Thursday (as ISO 8601 gives weeks to years), so each
on-call week is counted in exactly one month.

Everything is computed once (sorting and bisecting, O(n log n)); pages ask for nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from ..knowledge.base import KnowledgeBase
from ..knowledge.distribution import distribution, rounded
from ..knowledge.documents import PostmortemDoc
from .settings import OncallSettings
from .load import load_pager_dir
from .models import PagerLoad, PagerRecord

__all__ = [
    "BELONGS_BEFORE",
    "MonthOncall",
    "NoisyAlert",
    "OncallFacts",
    "OncallWeek",
    "Page",
    "RotationFacts",
    "WeekStats",
    "alert_key",
    "compute_oncall",
    "is_out_of_hours",
    "month_figures",
    "oncall_document",
    "week_of",
]

BELONGS_BEFORE = timedelta(minutes=30)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Page:
    record: PagerRecord
    local: datetime  # created_at in oncall.timezone
    week: date  # the Monday of its on-call week
    out_of_hours: bool
    postmortems: tuple[str, ...] = ()  # ids of the postmortems it belongs to

    @property
    def rotation(self) -> str:
        return self.record.rotation


@dataclass(frozen=True, slots=True)
class OncallWeek:
    rotation: str
    monday: date
    pages: int

    @property
    def month(self) -> str:
        return (self.monday + timedelta(days=3)).strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class WeekStats:
    """Pages per on-call week over some on-call weeks."""

    weeks: int
    mean: float | None
    median: float | None
    p90: float | None
    max: int | None

    @classmethod
    def of(cls, counts: Sequence[int]) -> WeekStats:
        d = distribution(float(c) for c in counts)
        return cls(d.count, d.mean, d.median, d.p90, None if d.maximum is None else int(d.maximum))

    def as_json(self) -> dict[str, float | int | None]:
        """The SPEC shape {mean, median, p90, max}, rounded to 0.1."""
        return {"mean": rounded(self.mean), "median": rounded(self.median), "p90": rounded(self.p90), "max": self.max}


@dataclass(frozen=True, slots=True)
class RotationFacts:
    rotation: str
    pages: int
    stats: WeekStats
    out_of_hours_share: float | None
    first_week: date
    last_week: date


@dataclass(frozen=True, slots=True)
class NoisyAlert:
    service: str
    title: str  # digits folded to '#'
    count: int
    no_postmortem: int  # pages of this alert that belong to no postmortem
    example: str  # one real title, for people who search for it
    rotations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MonthOncall:
    """One month's on-call figures (for the monthly review): the on-call weeks whose Thursday is in it."""

    month: str
    pages: int
    stats: WeekStats
    out_of_hours_share: float | None
    by_rotation: dict[str, int]
    noisiest: list[NoisyAlert]

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "pages": self.pages,
            "oncall_weeks": self.stats.weeks,
            "pages_per_oncall_week": self.stats.as_json(),
            "out_of_hours_share": _share(self.out_of_hours_share),
            "rotations": dict(self.by_rotation),
            "noisiest_alerts": [_alert_json(a) for a in self.noisiest],
        }


@dataclass
class OncallFacts:
    settings: OncallSettings
    pages: list[Page] = field(default_factory=list)
    weeks: list[OncallWeek] = field(default_factory=list)
    stats: WeekStats = field(default_factory=lambda: WeekStats.of([]))
    out_of_hours_share: float | None = None
    rotations: list[RotationFacts] = field(default_factory=list)
    noisy: list[NoisyAlert] = field(default_factory=list)
    by_postmortem: dict[str, int] = field(default_factory=dict)  # every postmortem id -> pages (0 included)
    low_urgency: int = 0
    duplicates: int = 0
    _by_month: dict[str, tuple[list[OncallWeek], list[Page]]] | None = field(default=None, repr=False)

    @property
    def has_data(self) -> bool:
        return bool(self.pages)

    @property
    def months(self) -> list[str]:
        return sorted({w.month for w in self.weeks})

    def month(self, month: str) -> MonthOncall:
        return month_figures(self, month)

    def weeks_and_pages_of(self, month: str) -> tuple[list[OncallWeek], list[Page]]:
        """The on-call weeks whose Thursday is in `month`, and their pages (grouped once for all months)."""
        if self._by_month is None:
            grouped: dict[str, tuple[list[OncallWeek], list[Page]]] = defaultdict(lambda: ([], []))
            month_of_week = {}
            for week in self.weeks:
                grouped[week.month][0].append(week)
                month_of_week[(week.rotation, week.monday)] = week.month
            for page in self.pages:
                grouped[month_of_week[(page.rotation, page.week)]][1].append(page)
            self._by_month = dict(grouped)
        return self._by_month.get(month, ([], []))

    def summary_json(self) -> dict[str, Any]:
        """`pmkb stats`'s `oncall` block."""
        return {
            "pages": len(self.pages),
            "pages_per_oncall_week": self.stats.as_json(),
            "out_of_hours_share": _share(self.out_of_hours_share),
            "rotations": {
                r.rotation: {
                    "pages": r.pages,
                    "oncall_weeks": r.stats.weeks,
                    "pages_per_oncall_week": r.stats.as_json(),
                    "out_of_hours_share": _share(r.out_of_hours_share),
                }
                for r in self.rotations
            },
        }


def _share(value: float | None) -> float | None:
    return rounded(value, 3)


def _alert_json(alert: NoisyAlert) -> dict[str, Any]:
    return {
        "service": alert.service,
        "title": alert.title,
        "example": alert.example,
        "pages": alert.count,
        "no_postmortem": alert.no_postmortem,
        "rotations": list(alert.rotations),
    }


# -- the definitions ---------------------------------------------------------------------


def week_of(local: datetime) -> date:
    """The Monday (in the zone of `local`) of its ISO week."""
    day = local.date()
    return day - timedelta(days=day.weekday())


def is_out_of_hours(local: datetime, settings: OncallSettings) -> bool:
    if local.weekday() >= 5:
        return True
    start, end = settings.hours
    clock = local.time().replace(tzinfo=None)
    return clock < start or (end is not None and clock >= end)


def alert_key(record: PagerRecord) -> tuple[str, str]:
    """(service, title with each run of digits folded to '#'): 'disk 91% on runner-12' ~ 'disk 87% on runner-3'."""
    return record.service, _DIGITS.sub("#", record.title)


def unique_pages(records: Iterable[PagerRecord]) -> tuple[list[PagerRecord], int, int]:
    """(high-urgency records, each id once; how many were duplicates; how many were low urgency)."""
    seen: set[str] = set()
    pages: list[PagerRecord] = []
    duplicates = low = 0
    for record in records:
        if record.id in seen:
            duplicates += 1
            continue
        seen.add(record.id)
        if record.is_page:
            pages.append(record)
        else:
            low += 1
    return pages, duplicates, low


def _postmortem_window(doc: PostmortemDoc) -> tuple[datetime, datetime] | None:
    t = doc.meta.timestamps
    end = t.resolved or t.mitigated
    if end is None:
        return None
    return t.started - BELONGS_BEFORE, end


def belonging(records: Sequence[PagerRecord], postmortems: Iterable[PostmortemDoc]) -> tuple[dict[int, list[str]], dict[str, int]]:
    """(index of a record -> ids of the postmortems it belongs to; postmortem id -> its page count)."""
    by_service: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for index, record in enumerate(records):
        by_service[record.service].append((record.created_at, index))
    for entries in by_service.values():
        entries.sort()
    times = {service: [t for t, _ in entries] for service, entries in by_service.items()}
    owners: dict[int, list[str]] = defaultdict(list)
    counts: dict[str, int] = {}
    for doc in postmortems:
        window = _postmortem_window(doc)
        hits: set[int] = set()
        if window is not None:
            start, end = window
            for service in dict.fromkeys(doc.meta.services):
                if service not in times:
                    continue
                lo, hi = bisect_left(times[service], start), bisect_right(times[service], end)
                hits.update(index for _, index in by_service[service][lo:hi])
        counts[doc.id] = counts.get(doc.id, 0) + len(hits)
        for index in hits:
            owners[index].append(doc.id)
    return owners, counts


def _weeks(pages: Sequence[Page]) -> list[OncallWeek]:
    counts: dict[str, Counter[date]] = defaultdict(Counter)
    for page in pages:
        counts[page.rotation][page.week] += 1
    weeks: list[OncallWeek] = []
    for rotation in sorted(counts):
        per_week = counts[rotation]
        monday, last = min(per_week), max(per_week)
        while monday <= last:
            weeks.append(OncallWeek(rotation, monday, per_week.get(monday, 0)))
            monday += timedelta(days=7)
    return weeks


def _out_share(pages: Sequence[Page]) -> float | None:
    return sum(p.out_of_hours for p in pages) / len(pages) if pages else None


def _noisy(pages: Sequence[Page]) -> list[NoisyAlert]:
    groups: dict[tuple[str, str], list[Page]] = defaultdict(list)
    for page in pages:
        groups[alert_key(page.record)].append(page)
    alerts = [
        NoisyAlert(
            service=service,
            title=title,
            count=len(group),
            no_postmortem=sum(1 for p in group if not p.postmortems),
            example=group[0].record.title,
            rotations=tuple(sorted({p.rotation for p in group})),
        )
        for (service, title), group in groups.items()
    ]
    return sorted(alerts, key=lambda a: (-a.count, -a.no_postmortem, a.service, a.title))


def compute_oncall(
    load: PagerLoad,
    postmortems: Iterable[PostmortemDoc],
    settings: OncallSettings,
    since: date | None = None,
    until: date | None = None,
) -> OncallFacts:
    """The facts over the pages created between `since` and `until` (local days, both included)."""
    zone = ZoneInfo(settings.timezone)
    records, duplicates, low = unique_pages(load.records)
    if since is not None or until is not None:
        def within(record: PagerRecord) -> bool:
            day = record.created_at.astimezone(zone).date()
            return (since is None or day >= since) and (until is None or day <= until)
        records = [r for r in records if within(r)]
    records.sort(key=lambda r: (r.created_at, r.id))
    docs = list(postmortems)
    owners, per_postmortem = belonging(records, docs)
    pages = []
    for index, record in enumerate(records):
        local = record.created_at.astimezone(zone)
        pages.append(Page(record, local, week_of(local), is_out_of_hours(local, settings), tuple(sorted(owners.get(index, [])))))
    weeks = _weeks(pages)
    pages_of: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        pages_of[page.rotation].append(page)
    weeks_of: dict[str, list[int]] = defaultdict(list)
    for week in weeks:
        weeks_of[week.rotation].append(week.pages)
    rotations = []
    for rotation in sorted(pages_of):
        mine, counts = pages_of[rotation], weeks_of[rotation]
        rotations.append(RotationFacts(rotation, len(mine), WeekStats.of(counts), _out_share(mine),
                                       min(p.week for p in mine), max(p.week for p in mine)))
    rotations.sort(key=lambda r: (-r.pages, r.rotation))
    return OncallFacts(
        settings=settings,
        pages=pages,
        weeks=weeks,
        stats=WeekStats.of([w.pages for w in weeks]),
        out_of_hours_share=_out_share(pages),
        rotations=rotations,
        noisy=_noisy(pages),
        by_postmortem=per_postmortem,
        low_urgency=low,
        duplicates=duplicates,
    )


def month_figures(facts: OncallFacts, month: str, top: int = 5) -> MonthOncall:
    """One month's figures: its on-call weeks (Thursday in `month`) and their pages."""
    weeks, pages = facts.weeks_and_pages_of(month)
    by_rotation = Counter(p.rotation for p in pages)
    return MonthOncall(
        month=month,
        pages=len(pages),
        stats=WeekStats.of([w.pages for w in weeks]),
        out_of_hours_share=_out_share(pages),
        by_rotation=dict(sorted(by_rotation.items(), key=lambda kv: (-kv[1], kv[0]))),
        noisiest=_noisy(pages)[:top],
    )


def oncall_document(facts: OncallFacts) -> dict[str, Any]:
    """`pmkb oncall --format json` and the site's `api/oncall.json`: the same document."""
    return {
        "timezone": facts.settings.timezone,
        "working_hours": facts.settings.working_hours,
        **facts.summary_json(),
        "low_urgency": facts.low_urgency,
        "duplicates": facts.duplicates,
        "months": {m: facts.month(m).as_json() for m in facts.months},
        "noisy_alerts": [
            {"service": a.service, "title": a.title, "example": a.example, "pages": a.count,
             "no_postmortem": a.no_postmortem, "rotations": list(a.rotations)}
            for a in facts.noisy
        ],
        "pages_per_postmortem": {k: v for k, v in sorted(facts.by_postmortem.items())},
    }


def oncall_for(kb: KnowledgeBase, since: date | None = None, until: date | None = None) -> tuple[OncallFacts, PagerLoad]:
    """The knowledge base's pager data and its facts (pages belong to the loaded postmortems)."""
    load = load_pager_dir(kb.root, kb.settings.oncall_dir)
    facts = compute_oncall(load, kb.postmortems, kb.settings.oncall, since, until)
    return facts, load
