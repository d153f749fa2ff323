"""Postmortem and runbook pages stay out of Material's search index.

The site's search box ranks them with pmkb's own static index
(`search_static`, fetched piece by piece per query); Material's plugin would
otherwise parse every page and write an index the browser downloads whole
(15 MB at 3,000 postmortems). Excluding a page from it is read before the
page's HTML is parsed, so this also saves that parsing time.
"""

from __future__ import annotations

from typing import Any

from ..knowledge.documents import PostmortemDoc, RunbookDoc
from .feature import BuildContext, Feature

__all__ = ["SearchIndexTrim"]


class SearchIndexTrim(Feature):
    def page_content(self, ctx: BuildContext, doc: PostmortemDoc | RunbookDoc, page_html: str, meta: dict[str, Any]) -> str:
        search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        meta["search"] = {**search, "exclude": True}
        return page_html
