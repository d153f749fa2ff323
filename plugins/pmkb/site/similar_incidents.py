"""The "Similar incidents" section on each postmortem page (top 3, each with why).

All pages are answered in `prepare()` with one `SimilarityModel` pass over the
published postmortems (see `pmkb.search.similar`), never a query per page.
Drafts get a section too, from published postmortems only.
"""

from __future__ import annotations

from ..knowledge.documents import PostmortemDoc
from ..search.similar import Match, SimilarityModel
from ..search.text import search_text
from .feature import BuildContext, Feature
from .postmortem_page import Linker

__all__ = ["SimilarIncidents", "similar_for_site"]

SHOWN = 3


def similar_for_site(ctx: BuildContext) -> dict[str, list[Match]]:
    """rel of every postmortem page -> its most similar published postmortems."""
    kb = ctx.kb
    # One text at a time: the model keeps each one's profile, not its text.
    model = SimilarityModel((search_text(d) for d in kb.published), ctx.analysed.profile)
    found = model.all_similar(SHOWN)
    for doc in kb.postmortems:
        if doc.rel not in found:
            found[doc.rel] = model.similar(search_text(doc), SHOWN)
    return found


class SimilarIncidents(Feature):
    def __init__(self) -> None:
        self.found: dict[str, list[Match]] = {}

    def prepare(self, ctx: BuildContext) -> None:
        self.found = similar_for_site(ctx)

    def postmortem_sections(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        rows = []
        for match in self.found.get(doc.rel, []):
            other = ctx.kb.document(match.rel)
            if not isinstance(other, PostmortemDoc):
                continue
            known = ctx.kb.incident_types.get(other.meta.incident_type)
            rows.append(
                {
                    "id": other.id,
                    "title": other.meta.title,
                    "url": link(other.rel),
                    "severity": other.meta.severity,
                    "started": other.meta.timestamps.started.strftime("%Y-%m-%d"),
                    "type": other.meta.incident_type,
                    "reasons": match.reasons(known.title if known else None),
                }
            )
        # Kept out of Markdown (fast) and out of the search index (it names other incidents).
        listing = ctx.stash(ctx.renderer.render("similar_incidents.html.j2", rows=rows), searchable=False)
        return f"## Similar incidents\n\n{listing}"
