"""Machine-readable exports of the knowledge model: api/postmortems.json and api/incident-types.json.

Plain data built from `kb.facts`, the same object the pages read, so the
site, `pmkb stats` and these files never disagree.
"""

from __future__ import annotations

from typing import Any

from ..knowledge.durations import month_of
from ..knowledge.base import KnowledgeBase
from ..urls import SiteOptions, page_url

__all__ = ["incident_types_json", "postmortems_json"]


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def postmortems_json(kb: KnowledgeBase, urls: SiteOptions) -> list[dict[str, Any]]:
    """`url`: site-relative unless `urls.site_url` is set, as the build writes its pages."""
    model = kb.facts
    out = []
    for doc in sorted(kb.postmortems, key=lambda d: (d.meta.timestamps.started, d.id)):
        pm = doc.meta
        t = pm.timestamps
        spans = model.durations[doc.id]
        out.append(
            {
                "id": pm.id,
                "title": pm.title,
                "url": page_url(doc.rel, urls),
                "file": doc.rel,
                "status": pm.status,
                "counted": pm.counts_in_metrics,
                "severity": pm.severity,
                "incident_type": pm.incident_type,
                "services": pm.services,
                "teams": pm.teams,
                "month": month_of(pm),
                "started": t.started.isoformat(),
                "detected": t.detected.isoformat(),
                "mitigated": t.mitigated.isoformat() if t.mitigated else None,
                "resolved": t.resolved.isoformat() if t.resolved else None,
                "time_to_detect": _minutes(spans.time_to_detect),
                "time_to_mitigate": _minutes(spans.time_to_mitigate),
                "time_to_resolve": _minutes(spans.time_to_resolve),
                "repeat": doc.id in model.repeat_of,
                "repeat_of": model.repeat_of.get(doc.id),
                "runbooks": pm.runbooks,
                "related": pm.related,
                "detection": pm.detection,
                "customer_impact": pm.customer_impact,
                "tags": pm.tags,
                "visibility": pm.visibility,
                "exclude_from_metrics": pm.exclude_from_metrics,
            }
        )
    return out


def incident_types_json(kb: KnowledgeBase, urls: SiteOptions) -> list[dict[str, Any]]:
    out = []
    for slug, facts in sorted(kb.facts.types.items()):
        out.append(
            {
                "slug": slug,
                "title": facts.title,
                "description": facts.description,
                "url": page_url(f"incident-types/{slug}.md", urls),
                "runbooks": list(facts.runbook_ids),
                "postmortems": facts.count,
                "postmortem_ids": [d.id for d in facts.postmortems],
                "repeats": len(facts.repeats),
                "recurring": facts.recurring,
                "runbook_gap": facts.is_gap,
                "last_started": facts.last_started.isoformat() if facts.last_started else None,
                "time_to_detect": facts.time_to_detect.as_json(),
                "time_to_mitigate": facts.time_to_mitigate.as_json(),
                "time_to_resolve": facts.time_to_resolve.as_json(),
            }
        )
    return out
