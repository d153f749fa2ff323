"""The `incidents/` explorer: every postmortem in a sortable, filterable table, in the browser.

The page carries its data as one JSON block and loads a small vanilla script
and stylesheet, generated as asset files next to pmkb's CSS: no server, no
CDN, no framework, and it works from a plain static host. Filters (severity,
type, service, team, month, status) and the text box are kept in the URL's
query string, so a filtered view can be shared as a link.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..knowledge.durations import durations_of, month_of
from ..knowledge.base import KnowledgeBase
from .postmortem_page import Linker
from .feature import BuildContext, Feature, NavEntry, PageMaker

__all__ = ["IncidentExplorer", "explorer_data"]

PAGE = "incidents/index.md"
SCRIPT = "assets/pmkb/explorer.js"
STYLE = "assets/pmkb/explorer.css"
COLUMNS = ["id", "title", "url", "severity", "type", "type_title", "services", "teams", "month", "status", "started", "ttr", "tags"]


def explorer_data(kb: KnowledgeBase, link: Linker) -> dict[str, Any]:
    """Rows as arrays (the column names once) to keep the page small at thousands of postmortems."""
    rows = []
    for doc in sorted(kb.postmortems, key=lambda d: (d.meta.timestamps.started, d.id), reverse=True):
        pm = doc.meta
        known = kb.incident_types.get(pm.incident_type)
        ttr = durations_of(pm).time_to_resolve
        rows.append(
            [
                pm.id,
                pm.title,
                link(doc.rel),
                pm.severity,
                pm.incident_type,
                known.title if known else pm.incident_type,
                list(pm.services),
                list(pm.teams),
                month_of(pm),
                pm.status,
                pm.timestamps.started.strftime("%Y-%m-%d %H:%M"),
                round(ttr) if ttr is not None else None,
                list(pm.tags),
            ]
        )
    return {"columns": COLUMNS, "severities": list(kb.settings.severities), "rows": rows}


def _asset(name: str) -> str:
    return resources.files("pmkb").joinpath("templates", "assets", name).read_text(encoding="utf-8")


def _page(ctx: BuildContext, link: Linker) -> str:
    data = json.dumps(explorer_data(ctx.kb, link), ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</" and "<!--" could end the block early: escape every "<".
    data = data.replace("<", "\\u003c")
    block = (
        f'<link rel="stylesheet" href="{link(STYLE)}">\n'
        '<div id="pmkb-explorer" class="pmkb-explorer">'
        '<noscript><p>The explorer needs JavaScript. The <a href="../postmortems/">postmortems index</a> lists every postmortem by month.</p></noscript>'
        "</div>\n"
        f'<script type="application/json" id="pmkb-explorer-data">{data}</script>\n'
        f'<script src="{link(SCRIPT)}"></script>\n'
    )
    total = len(ctx.kb.postmortems)
    return (
        "---\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n# Incident explorer\n\n"
        f"Every postmortem ({total}) in one table. Filter by severity, incident type, service, team, month "
        "or status, type words to narrow further, and click a column to sort. The address bar keeps the "
        "filters: copy it to share this view.\n\n"
        + ctx.stash(block, searchable=False)
    )


class IncidentExplorer(Feature):
    nav = (NavEntry("Incident explorer", PAGE),)

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        return {
            PAGE: lambda link: _page(ctx, link),
            SCRIPT: lambda link: _asset("explorer.js"),
            STYLE: lambda link: _asset("explorer.css"),
        }
