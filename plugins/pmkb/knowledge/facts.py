"""The knowledge model: derived facts about incident types, built once per build.

`KnowledgeBase.facts` builds it on first use from the loaded documents; every
page, CLI command and JSON export reads it, so they cannot disagree. Building
it sorts each type's postmortems once: O(n log n) in the number of postmortems.

Only counted postmortems (published, not `exclude_from_metrics`) enter
counts, recurrence, gaps and durations; drafts and drills are left out.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

from .distribution import Distribution, distribution
from ..settings import Settings
from .documents import IncidentType, PostmortemDoc, RunbookDoc
from .durations import Durations, durations_of
from .recurrence import repeats_by_id

__all__ = ["KnowledgeFacts", "TypeFacts"]


@dataclass(frozen=True, slots=True)
class TypeFacts:
    slug: str
    title: str
    description: str
    runbook_ids: tuple[str, ...]
    postmortems: tuple[PostmortemDoc, ...]  # counted ones, oldest first
    repeats: tuple[str, ...]  # ids of the repeats among them
    time_to_detect: Distribution
    time_to_mitigate: Distribution
    time_to_resolve: Distribution

    @property
    def count(self) -> int:
        return len(self.postmortems)

    @property
    def recurring(self) -> bool:
        return bool(self.repeats)

    @property
    def is_gap(self) -> bool:
        """A runbook gap: postmortems of this type exist but no runbook handles it."""
        return self.count > 0 and not self.runbook_ids

    @property
    def last_started(self) -> date | None:
        return self.postmortems[-1].meta.timestamps.started.date() if self.postmortems else None

    @property
    def total_minutes_to_resolve(self) -> float:
        """Impact proxy used to sort gaps: the time these incidents took to resolve."""
        return sum(
            d for d in (durations_of(p.meta).time_to_resolve for p in self.postmortems) if d is not None
        )


@dataclass(slots=True)
class KnowledgeFacts:
    window_days: int
    types: dict[str, TypeFacts] = field(default_factory=dict)
    repeat_of: dict[str, str] = field(default_factory=dict)
    durations: dict[str, Durations] = field(default_factory=dict)
    stale_runbooks: list[RunbookDoc] = field(default_factory=list)
    # pm id -> ids of postmortems that list it in `related` (backlinks)
    related_from: dict[str, list[str]] = field(default_factory=dict)
    # slug -> sorted start times of its counted postmortems (for bisecting)
    _starts: dict[str, list] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        postmortems: Sequence[PostmortemDoc],
        runbooks: Sequence[RunbookDoc],
        incident_types: Mapping[str, IncidentType],
        settings: Settings,
        as_of: date,
    ) -> KnowledgeFacts:
        """The facts of these documents (`KnowledgeBase.facts` passes its own, once)."""
        window = settings.recurrence_window_days
        model = cls(window_days=window)
        counted = [d for d in postmortems if d.meta.counts_in_metrics]
        model.durations = {d.id: durations_of(d.meta) for d in postmortems}
        model.repeat_of = repeats_by_id(counted, window)

        by_type: dict[str, list[PostmortemDoc]] = {slug: [] for slug in incident_types}
        for doc in counted:
            by_type.setdefault(doc.meta.incident_type, []).append(doc)
        for slug, docs in by_type.items():
            docs.sort(key=lambda d: (d.meta.timestamps.started, d.id))
            model._starts[slug] = [d.meta.timestamps.started for d in docs]
            known = incident_types.get(slug)
            spans = [model.durations[d.id] for d in docs]
            model.types[slug] = TypeFacts(
                slug=slug,
                title=known.title if known else slug,
                description=known.description if known else "",
                runbook_ids=known.runbook_ids if known else (),
                postmortems=tuple(docs),
                repeats=tuple(d.id for d in docs if d.id in model.repeat_of),
                time_to_detect=distribution(s.time_to_detect for s in spans),
                time_to_mitigate=distribution(s.time_to_mitigate for s in spans),
                time_to_resolve=distribution(s.time_to_resolve for s in spans),
            )

        stale_after = settings.runbooks_stale_after_days
        model.stale_runbooks = sorted(
            (r for r in runbooks if (as_of - r.meta.last_reviewed).days > stale_after),
            key=lambda r: r.meta.last_reviewed,
        )
        for doc in postmortems:
            for other in doc.meta.related:
                model.related_from.setdefault(other, []).append(doc.id)
        return model

    # -- questions pages ask ----------------------------------------------------

    def type_of(self, doc: PostmortemDoc) -> TypeFacts | None:
        return self.types.get(doc.meta.incident_type)

    def earlier_of_type(self, doc: PostmortemDoc, limit: int = 5) -> list[PostmortemDoc]:
        """Counted postmortems of the same type that started before this one, newest first.

        Bisects the type's sorted start times and walks back at most `limit`
        steps, so a page costs O(log n), not a scan of the type.
        """
        facts = self.type_of(doc)
        if facts is None:
            return []
        starts = self._starts.get(facts.slug, [])
        index = bisect_left(starts, doc.meta.timestamps.started)  # first with started >= this one
        return list(reversed(facts.postmortems[max(0, index - limit) : index]))

    @property
    def gaps(self) -> list[TypeFacts]:
        """Runbook gaps, the most costly first (incidents, then total time to resolve)."""
        return sorted(
            (t for t in self.types.values() if t.is_gap),
            key=lambda t: (-t.count, -t.total_minutes_to_resolve, t.slug),
        )

    @property
    def recurring(self) -> list[TypeFacts]:
        return sorted((t for t in self.types.values() if t.recurring), key=lambda t: (-len(t.repeats), t.slug))
