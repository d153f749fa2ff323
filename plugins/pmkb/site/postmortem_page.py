"""The parts pmkb adds to a postmortem page: header, draft banner, action items."""

from __future__ import annotations

from typing import Callable

from ..actions.facts import ActionItemFact, facts_for_postmortem
from ..knowledge.base import KnowledgeBase
from ..knowledge.documents import PostmortemDoc
from ..knowledge.durations import durations_of
from ..render.templates import Renderer

__all__ = ["Linker", "postmortem_markdown"]

# src_uri of a page ('runbooks/x.md') -> URL relative to the page being rendered.
Linker = Callable[[str], "str | None"]


def postmortem_markdown(
    doc: PostmortemDoc,
    kb: KnowledgeBase,
    renderer: Renderer,
    link: Linker,
    rows: list[ActionItemFact] | None = None,
    extra_sections: str = "",
    stash: Callable[..., str] = lambda html, searchable=True: html,
    title_from_theme: bool = False,
    notes: str = "",
) -> str:
    """The whole Markdown of a postmortem page: title, header, body, action items.

    `stash(html, searchable=...)` lets the MkDocs adapter keep rendered HTML
    away from the Markdown parser (see `FragmentStash`); by default the HTML
    is inline. `title_from_theme` leaves the `# title` out (Material renders
    the page title as <h1> when the content has none).
    """
    pm = doc.meta
    runbooks = [
        {"id": rid, "title": rb.meta.title if rb else rid, "url": link(rb.rel) if rb else None}
        for rid in _runbooks_for(doc, kb)
        for rb in [kb.runbook(rid)]
    ]
    header = renderer.render(
        "postmortem_header.html.j2",
        pm=pm,
        level=kb.settings.severities.get(pm.severity),
        incident_type=kb.incident_types.get(pm.incident_type),
        durations=durations_of(pm),
        runbooks=runbooks,
    )
    items = renderer.render(
        "action_items.html.j2",
        rows=rows if rows is not None else facts_for_postmortem(doc, None, kb.as_of),
        as_of=kb.as_of,
    )
    parts = [] if title_from_theme else [f"# {renderer.env.filters['md'](pm.title)}\n"]
    if not pm.is_published:
        parts.append(stash(renderer.render("draft_banner.html.j2", pm=pm), searchable=False))
    parts.append(stash(header, searchable=False))
    if notes:
        parts.append(stash(notes, searchable=False))
    # The action items are not searched: their section is left out of the search index
    # (pmkb.site.search_index), so the search plugin need not parse the table either.
    parts += [doc.body.strip("\n") + "\n", "## Action items\n", stash(items, searchable=False), extra_sections]
    return "\n\n".join(p for p in parts if p)


def _runbooks_for(doc: PostmortemDoc, kb: KnowledgeBase) -> list[str]:
    """Runbooks named in the front matter, then those of the incident type, once each."""
    known = kb.incident_types.get(doc.meta.incident_type)
    ordered = [*doc.meta.runbooks, *(known.runbook_ids if known else ())]
    return list(dict.fromkeys(ordered))
