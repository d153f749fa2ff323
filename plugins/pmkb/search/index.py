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
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh import fields, highlight, index, query
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.filestore import RamStorage

from ..asof import as_of_date
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..knowledge.base import content_files, kept_in_build
from ..knowledge.loader import Kind, load_document, load_taxonomy
from ..settings import Settings
from .query import TEXT_FIELDS, _is_filter, build_query
from .ranking import FieldCounts, RankModel, field_counts, plan
from .store import READERS_LOCK, Busy, Generation, Store, Writer
from .text import SearchText, search_text

__all__ = ["Hit", "SearchIndex", "Snippet", "schema"]

SCHEMA_VERSION = 3
_FOLDER = Path(".pmkb") / "search"
_MANIFEST = "manifest.json"
_MODEL = "ranking.npz"
# How long a process waits for another one building or replacing the index (a full
# build of 5,000 postmortems takes ~40 s) before it searches in memory instead.
WAIT_SECONDS = 300.0
Notice = Callable[[str], None]


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
        # Stored only: the snippet shown under each hit, per section kind.
        **{f"snip_{name}": fields.STORED() for name in SNIPPET_FIELDS},
        type=fields.KEYWORD(**keyword),
        severity=fields.KEYWORD(**keyword),
        service=fields.KEYWORD(**keyword),
        team=fields.KEYWORD(**keyword),
        tag=fields.KEYWORD(**keyword),
        status=fields.KEYWORD(**keyword),
        date=fields.DATETIME(stored=True),
    )


SNIPPET_FIELDS = ("symptoms", "summary", "root_cause", "body")


@dataclass(frozen=True, slots=True)
class Snippet:
    field: str
    # Alternating plain and matched text: (text, is_match).
    parts: tuple[tuple[str, bool], ...]

    def render(self, mark: Callable[[str], str], other: Callable[[str], str] = lambda text: text) -> str:
        """The snippet with `mark` applied to matched words and `other` to the rest."""
        return "".join(mark(text) if matched else other(text) for text, matched in self.parts)


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


class _Marker(highlight.Formatter):
    """Keeps matches apart from the text so the CLI can mark them for a terminal or a pipe."""

    between = "\x00"

    def format_token(self, text, token, replace=False):  # type: ignore[no-untyped-def]
        return "\x01" + highlight.get_text(text, token, replace) + "\x02"


def _snippet(fieldname: str, marked: str) -> Snippet | None:
    if not marked:
        return None
    parts: list[tuple[str, bool]] = []
    text = " … ".join(" ".join(f.split()) for f in marked.split("\x00"))
    for chunk in text.split("\x01"):
        if "\x02" in chunk:
            matched, rest = chunk.split("\x02", 1)
            parts.append((matched, True))
            if rest:
                parts.append((rest, False))
        elif chunk:
            parts.append((chunk, False))
    return Snippet(fieldname, tuple(parts))


def _stamp(ix: index.Index) -> str:
    """Which state of the whoosh index a ranking model belongs to."""
    return f"{ix.latest_generation()}:{ix.doc_count_all()}:{ix.doc_count()}"


def _rels_by_number(ix: index.Index) -> list[str]:
    """The file of each whoosh document number; "" for a deleted document."""
    with ix.reader() as reader:
        column = reader.column_reader("path")
        rels = []
        for number in range(reader.doc_count_all()):
            if reader.is_deleted(number):
                rels.append("")
            else:
                value = column[number]
                rels.append(value.decode("utf-8") if isinstance(value, bytes) else str(value))
        return rels


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
        updater = _Updater(root, settings, folder or root / _FOLDER, notice, wait, as_of)
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
        planned = plan(q, TEXT_FIELDS, _is_filter) if self.model is not None else None
        if planned:
            return self._ranked(*planned, limit=limit, snippets=snippets)
        scored = any(getattr(leaf, "fieldname", None) in TEXT_FIELDS for leaf in q.leaves()) if not q.is_leaf() else (
            getattr(q, "fieldname", None) in TEXT_FIELDS
        )
        # Filters alone (severity:SEV1 service:checkout) score alike: newest first then.
        order = {} if scored else {"sortedby": "date", "reverse": True}
        results = self._searcher.search(q, limit=limit, terms=snippets, **order)
        results.formatter = _Marker()
        results.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=50)
        hits = []
        for hit in results:
            stored = hit.fields()
            found: list[Snippet] = []
            if snippets:
                found = self._snippets(stored, lambda field, stored_text: hit.highlights(field, text=stored_text, top=1))
            hits.append(_hit(stored, hit.score, found))
        return hits

    def _snippets(self, stored: dict, highlights: Callable[[str, str], str]) -> list[Snippet]:
        """Up to two snippets, symptoms first; `highlights(scored field, text)` marks the matched words."""
        found: list[Snippet] = []
        for name in SNIPPET_FIELDS:
            if len(found) >= 2:
                break
            stored_text = stored.get(f"snip_{name}") or ""
            scored_in = "key" if name != "body" else "body"
            made = _snippet(name, highlights(scored_in, stored_text)) if stored_text else None
            if made:
                found.append(made)
        return found

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
        highlighter = highlight.Highlighter(fragmenter=highlight.ContextFragmenter(maxchars=160, surround=50), formatter=_Marker())
        words = {name: frozenset(t.text for t in terms if t.fieldname == name) for name in ("key", "body")}

        def highlights(fieldname: str, text: str) -> str:
            # What whoosh's Hit.highlights does for a field without stored character offsets.
            tokens = self.ix.schema[fieldname].analyzer(text, positions=True, chars=True, mode="index", removestops=False)
            tokens = highlighter._merge_matched_tokens(highlight.set_matched_filter(tokens, words[fieldname]))
            fragments = highlight.top_fragments(
                highlighter.fragmenter.fragment_tokens(text, tokens), 1, highlighter.scorer, highlighter.order, minscore=1
            )
            return highlighter.formatter.format(fragments)

        hits = []
        for number in best.tolist():
            stored = self._searcher.stored_fields(number)
            hits.append(_hit(stored, float(scores[number]), self._snippets(stored, highlights) if snippets else []))
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


@dataclass(slots=True)
class _State:
    """What one look at an index folder found: sound (reason "") or why it cannot be used, and what changed."""

    reason: str = ""
    ix: index.Index | None = None
    model: RankModel | None = None
    old: dict[str, list] = field(default_factory=dict)
    entries: dict[str, list] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return not self.reason and not self.changed and not self.removed


class _Updater:
    def __init__(self, root: Path, settings: Settings, folder: Path, notice: Notice, wait: float, as_of: date | None):
        self.root = root
        self.settings = settings
        self.folder = folder
        self.notice = notice
        # Documents are loaded as the knowledge base loads them: same files, same day, same public-build rule.
        self.as_of = as_of_date(as_of)
        self.store = Store(
            folder, wait, lambda: notice(f"another pmkb process is updating the search index in {self._shown_folder()}: waiting for it")
        )
        self.updated: list[str] = []
        self.model: RankModel | None = None
        # Scored-field term counts of the documents (re-)indexed in this run, for the ranking model.
        self.fresh: dict[str, FieldCounts] = {}
        taxonomy_path = root / settings.incident_types_file
        taxonomy_bytes = taxonomy_path.read_bytes() if taxonomy_path.is_file() else b""
        self.fingerprint = _hash(
            json.dumps([SCHEMA_VERSION, settings.is_public_build, settings.postmortems_dir, settings.runbooks_dir]).encode()
            + taxonomy_bytes
        )
        self.taxonomy, _, _ = load_taxonomy(taxonomy_path, root, settings.max_file_bytes)
        self.files = {path.relative_to(root).as_posix(): (path, kind) for path, kind in content_files(root, settings)[0]}

    def current(self) -> tuple[index.Index, Generation | None]:
        """The current index, held for reading (None: an in-memory one)."""
        try:
            held = self.store.live()
        except Busy:
            return self._in_memory()
        except OSError as exc:  # e.g. a read-only checkout: search anyway
            return self._in_memory(f"cannot use the search index in {self._shown_folder()} ({exc.strerror or exc})")
        if held is not None:
            state = self._examine(held.folder)
            if state.current:
                assert state.ix is not None
                self.model = state.model
                if state.entries != state.old:
                    self._refresh_stats(held.folder, state)
                return state.ix, held
            held.release()
        with ExitStack() as stack:
            try:
                writer = stack.enter_context(self.store.writing())
            except Busy:
                return self._in_memory()
            except OSError as exc:
                return self._in_memory(f"cannot use the search index in {self._shown_folder()} ({exc.strerror or exc})")
            return self._write(writer)
        raise AssertionError("unreachable")

    def _write(self, writer: Writer) -> tuple[index.Index, Generation]:
        """Under the exclusive lock: use the live index if another process just made it current, else make the next one."""
        live = writer.live_folder()
        if live is not None:
            state = self._examine(live)
        elif self.folder.is_dir() and any(p.name.endswith(".toc") or p.name == "manifest.json" for p in self.folder.iterdir()):
            state = _State(reason="the search index is out of date")  # the one-folder layout of earlier versions
        elif (self.folder / "current").exists():
            state = _State(reason="the search index was damaged (its `current` file names no index)")
        else:
            state = _State(reason="no search index yet")
        if state.current and live is not None:
            held = writer.hold(live)
            if held is not None:
                assert state.ix is not None
                self.model = state.model
                return state.ix, held
        scratch = writer.scratch()
        if not state.reason:
            # Copy the live index and change only what changed; the live one stays as it is for its readers.
            shutil.copytree(live, scratch, ignore=shutil.ignore_patterns(READERS_LOCK, "*LOCK*"))  # type: ignore[arg-type]
            ix = index.open_dir(str(scratch))
            entries = self._apply(ix, state)
            rebuilt = ""
        else:
            scratch.mkdir()
            ix = index.create_in(str(scratch), schema())
            entries = self._fill(ix)
            rebuilt = state.reason
        count = ix.doc_count()
        self.model.save(scratch / _MODEL, _stamp(ix))  # type: ignore[union-attr]
        _write_manifest(scratch / _MANIFEST, {"fingerprint": self.fingerprint, "count": count, "files": entries, "store": _stats(scratch)})
        held = writer.publish(scratch)
        if rebuilt:
            self.notice(f"{rebuilt}: rebuilt it in {self._shown_folder()} ({count} documents)")
        return index.open_dir(str(held.folder)), held

    def _examine(self, folder: Path) -> _State:
        """Whether the index in `folder` is whole and of these settings, and which files changed since it was made."""
        try:
            manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _State(reason="the search index was damaged (unreadable manifest)")
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("store"), dict):
            return _State(reason="the search index was damaged (unreadable manifest)")
        if manifest.get("fingerprint") != self.fingerprint:
            return _State(reason="the search index is out of date")
        # Each index file as written: a truncated, overwritten or missing file is never read.
        if _stats(folder, names=manifest["store"]) != manifest["store"]:
            return _State(reason="the search index was damaged (its files changed on disk)")
        ix, reason = self._open_existing(folder, manifest.get("count"))
        if ix is None:
            return _State(reason=reason)
        try:
            model = RankModel.load(folder / _MODEL, _stamp(ix))
        except Exception as exc:  # missing, damaged or of another state of the index
            return _State(reason=f"the search index was damaged ({type(exc).__name__})")
        old: dict[str, list] = manifest["files"]
        entries: dict[str, list] = {}
        changed: list[str] = []
        for rel, (path, _kind) in self.files.items():
            stat = path.stat()
            before = old.get(rel)
            if before and before[0] == stat.st_mtime_ns and before[1] == stat.st_size:
                entries[rel] = before
                continue
            # A file over the size limit is never read (the loader refuses it too): its size stands in.
            too_large = stat.st_size > self.settings.max_file_bytes
            digest = f"refused:{stat.st_size}" if too_large else _hash(path.read_bytes())
            entries[rel] = [stat.st_mtime_ns, stat.st_size, digest, before[3] if before else False]
            if not before or before[2] != digest:
                changed.append(rel)
        removed = [rel for rel in old if rel not in self.files]
        return _State("", ix, model, old, entries, changed, removed)

    def _open_existing(self, folder: Path, expected: object) -> tuple[index.Index | None, str]:
        # whoosh leaves a file open when a damaged table of contents makes it fail;
        # it is closed here, quietly, instead of warning later at garbage collection.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = index.open_dir(str(folder))
                if ix.doc_count() != expected:
                    raise ValueError(f"{ix.doc_count()} documents, manifest says {expected}")
                return ix, ""
            except Exception as exc:  # any damage: unreadable TOC, missing segment, wrong version
                reason = f"the search index was damaged ({type(exc).__name__})"
            gc.collect()
        return None, reason

    def _refresh_stats(self, folder: Path, state: _State) -> None:
        """Same content, new file stats (a checkout, `touch`): remember them so the next run hashes nothing.

        Only when the exclusive lock is free right now: it saves work, nobody waits for it.
        """
        try:
            with Store(self.folder, 0.0, lambda: None).writing() as writer:
                if writer.live_folder() != folder:
                    return
                manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
                manifest["files"] = state.entries
                _write_manifest(folder / _MANIFEST, manifest)
        except (Busy, OSError, ValueError):
            pass

    def _apply(self, ix: index.Index, state: _State) -> dict[str, list]:
        """Re-index the changed files and drop the removed ones, in the copy `ix`."""
        entries = dict(state.entries)
        self.updated = sorted(state.changed + state.removed)
        self.fresh = {}
        writer = ix.writer(timeout=3.0)
        try:
            for rel in state.removed:
                writer.delete_by_term("path", rel)
            for rel in state.changed:
                entries[rel][3] = self._add(writer, rel, *self.files[rel], update=True)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        assert state.model is not None
        self.model = state.model.updated(_rels_by_number(ix), self.fresh)
        return entries

    def _in_memory(self, why: str = "") -> tuple[index.Index, None]:
        ix = RamStorage().create_index(schema())
        self._fill(ix)
        why = why or f"the search index in {self._shown_folder()} is locked by another process"
        self.notice(f"{why}: searched a fresh in-memory index")
        return ix, None

    def _fill(self, ix: index.Index) -> dict[str, list]:
        entries: dict[str, list] = {}
        self.updated = []
        self.fresh = {}
        writer = ix.writer(timeout=3.0, limitmb=128)
        try:
            for rel, (path, kind) in self.files.items():
                stat = path.stat()
                entries[rel] = [stat.st_mtime_ns, stat.st_size, _hash(path.read_bytes()), False]
                entries[rel][3] = self._add(writer, rel, path, kind, update=False)
                self.updated.append(rel)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.model = RankModel.empty().updated(_rels_by_number(ix), self.fresh)
        return entries

    def _add(self, writer, rel: str, path: Path, kind: Kind, update: bool) -> bool:  # type: ignore[no-untyped-def]
        """Index one file; False when it cannot be read (`pmkb check` reports why) or this build leaves it out."""
        doc, _ = load_document(path, self.root, kind, self.settings, self.as_of)
        if update:
            writer.delete_by_term("path", rel)
        if doc is None or not kept_in_build(doc, self.settings):
            return False
        values = self._fields(doc)
        writer.add_document(**values)
        self.fresh[rel] = field_counts(values)
        return True

    def _fields(self, doc: PostmortemDoc | RunbookDoc) -> dict:
        st: SearchText = search_text(doc)
        type_words = []
        for slug in st.types:
            known = self.taxonomy.get(slug)
            type_words += [slug.replace("-", " "), known.title if known else ""]
        values = dict(
            path=st.rel,
            id=st.id,
            kind=st.kind,
            title=st.title,
            key="\n".join([st.symptoms, st.summary, st.root_cause]),
            body="\n".join([st.body, *type_words, *st.services, *st.teams, *st.tags]),
            snip_symptoms=st.symptoms,
            snip_summary=st.summary,
            snip_root_cause=st.root_cause,
            snip_body=st.body,
            type=",".join(st.types),
            service=",".join(st.services),
            team=",".join(st.teams),
            tag=",".join(st.tags),
        )
        if st.severity:
            values["severity"] = st.severity
        if st.status:
            values["status"] = st.status
        if st.date:
            values["date"] = st.date
        return values

    def _shown_folder(self) -> str:
        try:
            return self.folder.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.folder)


def _stats(folder: Path, names: dict | None = None) -> dict[str, list[int]]:
    """(size, mtime) of each index file (or of `names`; a missing one as [-1, -1]), for `_examine`."""
    if names is None:
        names = {p.name: None for p in folder.iterdir() if p.is_file() and p.name not in (_MANIFEST, READERS_LOCK)}
    out: dict[str, list[int]] = {}
    for name in names:
        try:
            stat = (folder / name).stat()
            out[name] = [stat.st_size, stat.st_mtime_ns]
        except (OSError, ValueError):
            out[name] = [-1, -1]
    return out


def _write_manifest(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


assert set(TEXT_FIELDS) <= set(schema().names())
