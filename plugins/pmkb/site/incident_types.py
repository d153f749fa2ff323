"""Incident types on the site: recurrence on postmortems, incidents on runbooks,
the `incident-types/` pages, `gaps/`, and the api/ exports of the knowledge model.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from markupsafe import Markup

from ..knowledge.distribution import distribution
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..knowledge.durations import month_of
from .exports import incident_types_json, postmortems_json
from ..knowledge.facts import TypeFacts
from ..knowledge.base import KnowledgeBase
from .postmortem_page import Linker
from .feature import BuildContext, Feature, NavEntry, PageMaker

__all__ = ["IncidentTypes", "type_page"]

INDEX = "incident-types/index.md"
GAPS = "gaps/index.md"


def type_page(slug: str) -> str:
    return f"incident-types/{slug}.md"


def _month_range(first: str | None, last: str) -> list[str]:
    """'2026-09', '2026-11' -> ['2026-09', '2026-10', '2026-11'] (none when there is no first month)."""
    if first is None:
        return []
    year, month = map(int, first.split("-"))
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= max(first, last):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _pm_row(kb: KnowledgeBase, doc: PostmortemDoc, link: Linker) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.meta.title,
        "url": link(doc.rel),
        "started": doc.meta.timestamps.started.strftime("%Y-%m-%d"),
        "severity": doc.meta.severity,
        "type": doc.meta.incident_type,
        "ttr": kb.facts.durations[doc.id].time_to_resolve,
        "repeat": doc.id in kb.facts.repeat_of,
    }


def _runbook_links(kb: KnowledgeBase, ids: tuple[str, ...] | list[str], link: Linker) -> list[dict[str, Any]]:
    return [
        {"title": rb.meta.title, "url": link(rb.rel)}
        for rid in ids
        if (rb := kb.runbook(rid)) is not None
    ]


class IncidentTypes(Feature):
    nav = (NavEntry("Incident types", INDEX), NavEntry("Runbook gaps", GAPS))

    # -- pages ----------------------------------------------------------------------

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        pages: dict[str, PageMaker] = {
            INDEX: lambda link: self._index(ctx, link),
            GAPS: lambda link: self._gaps(ctx, link),
        }
        for slug, facts in ctx.kb.facts.types.items():
            pages[type_page(slug)] = lambda link, facts=facts: self._type(ctx, facts, link)
        return pages

    def _index(self, ctx: BuildContext, link: Linker) -> str:
        kb = ctx.kb
        rows = [
            {
                "title": facts.title,
                "url": link(type_page(slug)),
                "count": facts.count,
                "repeats": len(facts.repeats),
                "recurring": facts.recurring,
                "runbooks": _runbook_links(kb, facts.runbook_ids, link),
                "median": facts.time_to_resolve.median,
                "p90": facts.time_to_resolve.p90,
                "last": facts.last_started,
            }
            for slug, facts in sorted(kb.facts.types.items(), key=lambda kv: (-kv[1].count, kv[0]))
        ]
        table = ctx.renderer.render("incident_types_table.html.j2", rows=rows)
        return ctx.renderer.render(
            "incident_types_index.md.j2",
            count=len(rows),
            window=kb.settings.recurrence_window_days,
            table=Markup(ctx.stash(table)),
        )

    def _type(self, ctx: BuildContext, facts: TypeFacts, link: Linker) -> str:
        kb, render = ctx.kb, ctx.renderer.render
        runbooks = _runbook_links(kb, facts.runbook_ids, link)
        by_month: dict[str, list[PostmortemDoc]] = defaultdict(list)
        for doc in facts.postmortems:
            by_month[month_of(doc.meta)].append(doc)
        # Every month from the first incident to the as-of month, quiet ones too: a gap must look like one.
        months = [
            {
                "month": month,
                "count": len(docs),
                "bar": len(docs),
                "median": distribution(kb.facts.durations[d.id].time_to_resolve for d in docs).median if docs else None,
            }
            for month in _month_range(min(by_month, default=None), kb.as_of.strftime("%Y-%m"))
            for docs in [by_month.get(month, [])]
        ]
        rows = [_pm_row(kb, d, link) for d in reversed(facts.postmortems)]
        return render(
            "incident_type.md.j2",
            facts=facts,
            summary=Markup(ctx.stash(render("incident_type_summary.html.j2", facts=facts, runbooks=runbooks))),
            trend=Markup(ctx.stash(render("incident_type_trend.html.j2", months=months))),
            table=Markup(ctx.stash(render("incident_type_postmortems.html.j2", rows=rows), searchable=False)),
        )

    def _gaps(self, ctx: BuildContext, link: Linker) -> str:
        kb, render = ctx.kb, ctx.renderer.render
        model = kb.facts
        window = kb.settings.recurrence_window_days
        stale_after = kb.settings.runbooks_stale_after_days
        gaps = [
            {
                "title": t.title,
                "url": link(type_page(t.slug)),
                "count": t.count,
                "repeats": len(t.repeats),
                "total": t.total_minutes_to_resolve,
                "last": t.last_started,
            }
            for t in model.gaps
        ]
        stale = [
            {
                "title": r.meta.title,
                "url": link(r.rel),
                "owner_team": r.meta.owner_team,
                "last_reviewed": r.meta.last_reviewed,
                "age": (kb.as_of - r.meta.last_reviewed).days,
            }
            for r in model.stale_runbooks
        ]
        recurring = [
            {
                "title": t.title,
                "url": link(type_page(t.slug)),
                "count": t.count,
                "repeats": len(t.repeats),
                "has_runbook": bool(t.runbook_ids),
                "median": t.time_to_resolve.median,
            }
            for t in model.recurring
        ]

        def table(kind: str, rows: list[dict[str, Any]]) -> Markup:
            html = render("gaps_tables.html.j2", kind=kind, rows=rows, window=window, stale_after=stale_after)
            return Markup(ctx.stash(html))

        return render(
            "gaps.md.j2",
            window=window,
            stale_after=stale_after,
            gaps=table("gaps", gaps),
            stale=table("stale", stale),
            recurring=table("recurring", recurring),
        )

    # -- sections on content pages ------------------------------------------------

    def postmortem_sections(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        kb = ctx.kb
        model = kb.facts
        facts = model.type_of(doc)
        if facts is None:
            return ""
        repeat_id = model.repeat_of.get(doc.id)
        repeat_of = None
        if repeat_id and (earlier := kb.postmortem(repeat_id)) is not None:
            days = (doc.meta.timestamps.started - earlier.meta.timestamps.started).days
            repeat_of = {"id": repeat_id, "url": link(earlier.rel), "days": days}
        related_ids = list(dict.fromkeys([*doc.meta.related, *model.related_from.get(doc.id, [])]))
        related = [
            {"id": rid, "title": other.meta.title if other else "", "url": link(other.rel) if other else None}
            for rid in related_ids
            for other in [kb.postmortem(rid)]
            if other is not None
        ]
        html = ctx.renderer.render(
            "pm_recurrence.html.j2",
            facts=facts,
            window=model.window_days,
            type_url=link(type_page(facts.slug)),
            repeat_of=repeat_of,
            runbooks=_runbook_links(kb, facts.runbook_ids, link),
            earlier=[_pm_row(kb, d, link) for d in model.earlier_of_type(doc)],
            related=related,
        )
        return "## This type of incident\n\n" + ctx.stash(html)

    def runbook_sections(self, ctx: BuildContext, doc: RunbookDoc, link: Linker) -> str:
        kb = ctx.kb
        docs = [p for slug in doc.meta.incident_types if (t := kb.facts.types.get(slug)) for p in t.postmortems]
        docs.sort(key=lambda d: (d.meta.timestamps.started, d.id), reverse=True)
        html = ctx.renderer.render(
            "runbook_incidents.html.j2",
            rows=[_pm_row(kb, d, link) for d in docs],
            types=doc.meta.incident_types,
            last=docs[0].meta.timestamps.started.strftime("%Y-%m-%d") if docs else None,
            median=distribution(kb.facts.durations[d.id].time_to_resolve for d in docs).median,
        )
        return "## Incidents of this type\n\n" + ctx.stash(html)

    # -- exports ------------------------------------------------------------------

    def exports(self, ctx: BuildContext) -> dict[str, Any]:
        return {
            "api/postmortems.json": postmortems_json(ctx.kb, ctx.urls),
            "api/incident-types.json": incident_types_json(ctx.kb, ctx.urls),
        }
