"""The "Similar incidents" section on each postmortem page (top 3, each with why).

All pages are answered in `prepare()` with one `SimilarityModel` pass over the
published postmortems (see `pmkb.search.similar`), never a query per page.
Drafts get a section too, from published postmortems only.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from importlib import resources

from ..knowledge.base import KnowledgeBase
from ..knowledge.cache import code_version, digest
from ..knowledge.documents import PostmortemDoc
from ..search.similar import Match, SimilarityModel
from ..search.term_cache import whoosh_version
from ..search.text import search_text
from .feature import BuildContext, Feature
from .postmortem_page import Linker

__all__ = ["SimilarIncidents", "similar_for_site"]

SHOWN = 3


def similar_for_site(ctx: BuildContext) -> dict[str, list[Match]]:
    """rel of every postmortem page -> its most similar published postmortems; as an earlier build found them
    when everything they read is the same (`.pmkb/check/similar.pack`)."""
    key = _lists_key(ctx.kb)
    found = ctx.similar_lists.get(key)
    if not isinstance(found, dict):
        found = _all_similar(ctx)
        ctx.similar_lists.put(key, found)
    return found


def _lists_key(kb: KnowledgeBase) -> str:
    """A key over everything the lists read: the code, whoosh, and each postmortem's text but its body.

    The model reads the title, symptoms, summary, root cause, tags, type, services and date
    (`pmkb.search.similar`), never the rest of the body: a sentence added to the lessons
    learned leaves every list, and this key, as they were.
    """
    package = resources.files("pmkb")
    code = [package.joinpath(name).read_bytes() for name in ("search/similar.py", "search/text.py", "site/similar_incidents.py")]
    h = hashlib.blake2b(digest(code_version(), whoosh_version(), *code).encode(), digest_size=20)
    published = {doc.rel for doc in kb.published}
    # Candidates in the model's order, then the drafts (answered from the candidates).
    for doc in [*kb.published, *(d for d in kb.postmortems if d.rel not in published)]:
        read = repr(replace(search_text(doc), body=""))
        h.update(len(read).to_bytes(8, "little") + read.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _all_similar(ctx: BuildContext) -> dict[str, list[Match]]:
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
