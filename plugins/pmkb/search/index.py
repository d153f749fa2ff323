"""The whoosh index under `.pmkb/search/`, kept in step with the content by content hash.

`SearchIndex.open(root, settings)` makes the index current and returns it:

- a manifest (`manifest.json`) maps each indexed file to (mtime, size, blake2b
  hash); a file whose stat changed is hashed, and only a changed hash
  re-indexes it, so `touch` or a checkout costs nothing;
- files gone from the folders are deleted from the index;
- a changed taxonomy, schema version or public-build setting rebuilds it;
- the files are those the `KnowledgeBase` loads (`content_files`), each loaded
  for the same as-of day and kept by the same public-build rule (`kept_in_build`);
- a missing or damaged index (unreadable, truncated or rewritten files, the
  manifest and index disagreeing) is rebuilt with a one-line notice, never read.

Many processes share the folder (see `store.py`): a changed index is built in
a scratch folder (a copy of the live one, or from scratch) under an exclusive
flock and swapped in whole; readers hold the index they opened until they close it.
A process that waits longer than `wait` seconds for another one searches an
in-memory index for this run, with a notice.

Modules: `schema` (fields, version), `manifest` (what was indexed), `store`
(folders and locks), `updater` (making the index current), `snippets` (the
marked text under hits), `ranking` (numpy ranking of free words), `query`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh import index, query

from ..settings import Settings
from .query import TEXT_FIELDS, build_query, is_filter
from .ranking import RankModel, plan
from .schema import SCHEMA_VERSION, SNIPPET_FIELDS, schema
from .snippets import Snippet, fragmenter, marked_text, marker, pick_snippets
from .store import Generation
from .updater import Updater

__all__ = ["SCHEMA_VERSION", "SNIPPET_FIELDS", "Hit", "SearchIndex", "Snippet", "schema"]

_FOLDER = Path(".pmkb") / "search"
# How long a process waits for another one building or replacing the index (a full
# build of 5,000 postmortems takes ~40 s) before it searches in memory instead.
WAIT_SECONDS = 300.0
Notice = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    title: str
    rel: str
    score: float
    types: tuple[str, ...]
    severity: str
    services: tuple[str, ...]
    status: str
    date: datetime | None
    snippets: tuple[Snippet, ...]


class SearchIndex:
    """An open, current index; use `search()`, then `close()` (or a `with` block)."""

    def __init__(
        self,
        ix: index.Index,
        root: Path,
        settings: Settings,
        count: int,
        updated: list[str] | None = None,
        model: RankModel | None = None,
        held: Generation | None = None,
    ):
        self.ix = ix
        # The on-disk index this one reads, kept from deletion until close(); None: in memory.
        self._held = held
        # Ranks free words in numpy (see ranking.py); None: whoosh ranks everything.
        self.model = model
        self.root = root
        self.settings = settings
        self.count = count
        # Files (re-)indexed or dropped while opening: all of them after a rebuild.
        self.updated = updated or []
        self._searcher = ix.searcher()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()
        if self._held is not None:
            self._held.release()
            self._held = None

    # -- opening and updating --------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        settings: Settings,
        notice: Notice = lambda message: None,
        folder: Path | None = None,
        *,
        as_of: date | None = None,
        wait: float = WAIT_SECONDS,
    ) -> SearchIndex:
        root = root.resolve()
        updater = Updater(root, settings, folder or root / _FOLDER, notice, wait, as_of)
        ix, held = updater.current()
        try:
            return cls(ix, root, settings, ix.doc_count(), updater.updated, updater.model, held)
        except BaseException:
            if held is not None:
                held.release()
            raise

    # -- searching -------------------------------------------------------------

    def known_values(self, fieldname: str) -> list[str]:
        """Every indexed value of a keyword field (e.g. the incident types)."""
        return sorted(value.decode("utf-8") if isinstance(value, bytes) else str(value)
                      for value in self._searcher.lexicon(fieldname))

    def search(
        self,
        text: str,
        *,
        types: list[str] | None = None,
        severity: str | None = None,
        service: str | None = None,
        since: date | None = None,
        limit: int = 10,
        snippets: bool = True,
        now: datetime | None = None,
    ) -> list[Hit]:
        """Ranked hits; raises `QueryError` for a query that cannot be read."""
        filters: list[query.Query] = []
        if types:
            filters.append(query.Or([query.Term("type", t.lower()) for t in types]))
        if severity:
            filters.append(query.Term("severity", severity.lower()))
        if service:
            filters.append(query.Term("service", service.lower()))
        if since:
            filters.append(query.DateRange("date", datetime(since.year, since.month, since.day, tzinfo=timezone.utc), None))
        q = build_query(self.ix.schema, text, filters, now=now)
        planned = plan(q, TEXT_FIELDS, is_filter) if self.model is not None else None
        if planned:
            return self._ranked(*planned, limit=limit, snippets=snippets)
        scored = any(getattr(leaf, "fieldname", None) in TEXT_FIELDS for leaf in q.leaves()) if not q.is_leaf() else (
            getattr(q, "fieldname", None) in TEXT_FIELDS
        )
        # Filters alone (severity:SEV1 service:checkout) score alike: newest first then.
        order = {} if scored else {"sortedby": "date", "reverse": True}
        results = self._searcher.search(q, limit=limit, terms=snippets, **order)
        results.formatter = marker()
        results.fragmenter = fragmenter()
        hits = []
        for hit in results:
            stored = hit.fields()
            found: list[Snippet] = []
            if snippets:
                found = pick_snippets(stored, lambda field, stored_text: hit.highlights(field, text=stored_text, top=1))
            hits.append(_hit(stored, hit.score, found))
        return hits

    def _ranked(
        self, terms: list[query.Term], filters: list[query.Query], scale: float | None, *, limit: int, snippets: bool
    ) -> list[Hit]:
        """Free words ranked by the numpy model; whoosh only evaluates the filters and reads the top hits."""
        model = self.model
        assert model is not None
        scores, matching = model.score(terms, scale)
        wanted = (matching > 0) & model.live
        if filters:
            allowed = np.zeros(model.size, dtype=bool)
            passing = np.fromiter(self._searcher.docs_for_query(filters[0] if len(filters) == 1 else query.And(filters)), dtype=np.int64)
            allowed[passing[passing < model.size]] = True
            wanted &= allowed
        numbers = np.flatnonzero(wanted)
        # Highest score first, then the lower document number (whoosh's order for ties).
        best = numbers[np.lexsort((numbers, -scores[numbers]))[:limit]]
        words = {name: frozenset(t.text for t in terms if t.fieldname == name) for name in ("key", "body")}

        def highlights(fieldname: str, text: str) -> str:
            return marked_text(self.ix.schema[fieldname].analyzer, text, words[fieldname])

        hits = []
        for number in best.tolist():
            stored = self._searcher.stored_fields(number)
            hits.append(_hit(stored, float(scores[number]), pick_snippets(stored, highlights) if snippets else []))
        return hits


def _hit(stored: dict, score: float, snippets: list[Snippet]) -> Hit:
    return Hit(
        id=stored["id"],
        kind=stored["kind"],
        title=stored["title"],
        rel=stored["path"],
        score=round(float(score), 3),
        types=tuple(t for t in stored.get("type", "").split(",") if t),
        severity=stored.get("severity", ""),
        services=tuple(s for s in stored.get("service", "").split(",") if s),
        status=stored.get("status", ""),
        date=stored.get("date"),
        snippets=tuple(snippets),
    )
