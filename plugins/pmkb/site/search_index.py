"""Postmortem, runbook and generated pages stay out of Material's search index.

The site's search box ranks them with pmkb's own static index
(`search_static`, fetched piece by piece per query); Material's plugin would
otherwise parse every page and write an index the browser downloads whole
(15 MB at 3,000 postmortems). Excluding a page from it is read before the
page's HTML is parsed, so this also saves that parsing time. Generated pages
(reviews, lists, the explorer) repeat the postmortems' own words and are not
in the box's index either (`search_static.material_pages`): parsing them for
Material's index, which pmkb empties, was wasted (19 MB of reviews at 3,000).
"""

from __future__ import annotations

from typing import Any

from ..knowledge.documents import PostmortemDoc, RunbookDoc
from .feature import BuildContext, Feature

__all__ = ["SearchIndexTrim", "exclude_from_material_search"]


def exclude_from_material_search(meta: dict[str, Any]) -> None:
    search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
    meta["search"] = {**search, "exclude": True}


class SearchIndexTrim(Feature):
    def page_content(self, ctx: BuildContext, doc: PostmortemDoc | RunbookDoc, page_html: str, meta: dict[str, Any]) -> str:
        exclude_from_material_search(meta)
        return page_html
