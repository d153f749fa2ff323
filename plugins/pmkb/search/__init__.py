"""Finding past incidents: the whoosh index, query parsing and similar incidents.

All whoosh code lives in this package (`index`, `query`, and the stemmer in
`text`), so a change of fork touches nothing else. `similar` is plain
Python/numpy over the same weighted text, used by the site and `pmkb similar`.
"""

from __future__ import annotations

from .index import Hit, SearchIndex, Snippet
from .query import QueryError
from .similar import Match, SimilarityModel
from .text import SearchText, search_text
from ..urls import page_url, site_options

__all__ = [
    "Hit",
    "Match",
    "QueryError",
    "SearchIndex",
    "SearchText",
    "SimilarityModel",
    "Snippet",
    "page_url",
    "search_text",
    "site_options",
]
