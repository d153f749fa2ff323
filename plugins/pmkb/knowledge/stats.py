"""`pmkb stats`: the knowledge model's facts over a period, in the SPEC's JSON shape.

The period filters on each postmortem's start date (UTC), both ends
inclusive. Repeat status is a property of a postmortem given the whole
history (a repeat of an incident just before `--since` is still a repeat).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timezone
from typing import Any, Iterable

from .distribution import distribution
from .documents import PostmortemDoc
from .base import KnowledgeBase

__all__ = ["Period", "in_period", "stats_report"]


@dataclass(frozen=True, slots=True)
class Period:
    since: date | None = None
    until: date | None = None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def start_day(doc: PostmortemDoc) -> date:
    return doc.meta.timestamps.started.astimezone(timezone.utc).date()


def in_period(docs: Iterable[PostmortemDoc], period: Period) -> list[PostmortemDoc]:
    return [d for d in docs if period.contains(start_day(d))]


def stats_report(
    kb: KnowledgeBase, period: Period, action_items: dict[str, int], oncall: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The SPEC's `pmkb stats --format json` document.

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
    return {
        "postmortems": len(docs),
        "by_severity": {level: by_severity.get(level, 0) for level in severities}
        | {level: n for level, n in sorted(by_severity.items()) if level not in severities},
        "by_type": dict(sorted(types_seen.items(), key=lambda kv: (-kv[1], kv[0]))),
        "time_to_detect": distribution(s.time_to_detect for s in spans).as_json(),
        "time_to_mitigate": distribution(s.time_to_mitigate for s in spans).as_json(),
        "time_to_resolve": distribution(s.time_to_resolve for s in spans).as_json(),
        "repeats": len(repeats),
        "repeat_rate": round(len(repeats) / len(docs), 3) if docs else None,
        "recurring_types": sorted({d.meta.incident_type for d in repeats}),
        "runbook_gaps": sorted(
            slug for slug in types_seen if not (kb.incident_types.get(slug) and kb.incident_types[slug].runbook_ids)
        ),
        "stale_runbooks": [r.id for r in model.stale_runbooks],
        "action_items": action_items,
        "oncall": oncall,
    }
