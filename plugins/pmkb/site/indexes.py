"""Generated index pages through which postmortems and runbooks are reached.

Postmortems stay out of the global navigation (Material renders the whole nav
into every page, so listing them would grow the site with N squared); these
pages list them instead, grouped by month.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Callable

from markupsafe import Markup

from ..knowledge.durations import durations_of, month_of
from ..knowledge.base import KnowledgeBase
from .postmortem_page import Linker
from ..render.templates import Renderer
from ..reviews.months import month_label
from .incident_types import type_page

__all__ = ["Stash", "inline", "postmortems_index", "runbooks_index"]

# stash(html, searchable=True) -> what to put in the Markdown instead (see BuildContext.stash).
Stash = Callable[..., str]


def inline(html: str, searchable: bool = True) -> str:
    return html


def postmortems_index(kb: KnowledgeBase, renderer: Renderer, link: Linker, stash: Stash = inline) -> str:
    """One table, newest first, a heading row per month: one set of column widths for the whole list."""
    docs = sorted(kb.postmortems, key=lambda d: (d.meta.timestamps.started, d.id), reverse=True)
    months: list[dict[str, Any]] = []
    for month, group in groupby(docs, key=lambda d: month_of(d.meta)):
        rows = []
        for d in group:
            known = kb.incident_types.get(d.meta.incident_type)
            rows.append(
                {
                    "started": d.meta.timestamps.started.strftime("%Y-%m-%d"),
                    "id": d.id,
                    "title": d.meta.title,
                    "url": link(d.rel),
                    "severity": d.meta.severity,
                    "incident_type": known.title if known else d.meta.incident_type,
                    "type_url": link(type_page(d.meta.incident_type)) if known else None,
                    "ttr": durations_of(d.meta).time_to_resolve,
                    "status": d.meta.status,
                    "drill": d.meta.exclude_from_metrics,
                }
            )
        months.append({"label": month_label(month), "anchor": month, "rows": rows})
    table = renderer.render("postmortems_month_table.html.j2", months=months)
    drafts = sum(1 for d in kb.postmortems if not d.meta.is_published)
    # The rows repeat each page's own title: no need to parse them for search too.
    return renderer.render(
        "postmortems_index.md.j2", total=len(docs), drafts=drafts, months=months, table=Markup(stash(table, searchable=False))
    )


def runbooks_index(kb: KnowledgeBase, renderer: Renderer, link: Linker, stash: Stash = inline) -> str:
    stale_after = kb.settings.runbooks_stale_after_days
    rows = [
        {
            "title": rb.meta.title,
            "url": link(rb.rel),
            "types": rb.meta.incident_types,
            "owner_team": rb.meta.owner_team,
            "last_reviewed": rb.meta.last_reviewed.isoformat(),
            "stale": (kb.as_of - rb.meta.last_reviewed).days > stale_after,
        }
        for rb in sorted(kb.runbooks, key=lambda r: r.meta.title.lower())
    ]
    table = renderer.render("runbooks_table.html.j2", rows=rows)
    return renderer.render("runbooks_index.md.j2", count=len(rows), table=Markup(stash(table, searchable=False)))
