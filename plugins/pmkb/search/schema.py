"""The whoosh schema of the search index, and the version that makes old indexes rebuild."""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import StemmingAnalyzer

from .query import TEXT_FIELDS

__all__ = ["SCHEMA_VERSION", "SNIPPET_FIELDS", "schema"]

# Part of the index fingerprint: bump it when the schema, the stored fields or the
# manifest's layout change, so every older index is rebuilt instead of read.
# 4: manifest entries with named fields (3 kept them as positional lists).
SCHEMA_VERSION = 4

# Stored only: the snippet shown under each hit, per section kind, in this order of preference.
SNIPPET_FIELDS = ("symptoms", "summary", "root_cause", "body")


def schema() -> fields.Schema:
    """Three scored text fields (few fields keep queries fast), stored copies for snippets, keyword filters."""
    text = StemmingAnalyzer()
    keyword = dict(stored=True, lowercase=True, commas=True, scorable=False)
    return fields.Schema(
        path=fields.ID(stored=True, unique=True, sortable=True),  # a column: document number -> file, for ranking.py
        id=fields.KEYWORD(stored=True, lowercase=True),
        kind=fields.KEYWORD(stored=True, lowercase=True),
        title=fields.TEXT(analyzer=text, stored=True),
        key=fields.TEXT(analyzer=text),  # symptoms, summary, root cause
        body=fields.TEXT(analyzer=text),  # the rest, plus type title, services, teams, tags as words
        **{f"snip_{name}": fields.STORED() for name in SNIPPET_FIELDS},
        type=fields.KEYWORD(**keyword),
        severity=fields.KEYWORD(**keyword),
        service=fields.KEYWORD(**keyword),
        team=fields.KEYWORD(**keyword),
        tag=fields.KEYWORD(**keyword),
        status=fields.KEYWORD(**keyword),
        date=fields.DATETIME(stored=True),
    )


assert set(TEXT_FIELDS) <= set(schema().names())
