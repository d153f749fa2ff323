"""Keeping the on-disk index in step with the content: examine, update in a copy or rebuild, publish.

`Updater.current()` is what `SearchIndex.open` runs; the rules are in the
docstring of `index.py`, the folder layout and locks in `store.py`, the
manifest in `manifest.py`.
"""

from __future__ import annotations

import gc
import json
import shutil
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

from whoosh import index
from whoosh.filedb.filestore import RamStorage

from ..asof import as_of_date
from ..knowledge.base import content_files, kept_in_build
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..knowledge.loader import Kind, load_document, load_taxonomy
from ..settings import Settings
from .manifest import MANIFEST, FileEntry, Manifest, ManifestError, content_hash, store_stats
from .ranking import FieldCounts, RankModel, field_counts
from .schema import SCHEMA_VERSION, schema
from .store import READERS_LOCK, Busy, Generation, Store, Writer
from .text import SearchText, search_text

__all__ = ["Updater"]

_MODEL = "ranking.npz"
Notice = Callable[[str], None]


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


@dataclass(slots=True)
class _State:
    """What one look at an index folder found: sound (reason "") or why it cannot be used, and what changed."""

    reason: str = ""
    ix: index.Index | None = None
    model: RankModel | None = None
    old: dict[str, FileEntry] = field(default_factory=dict)
    entries: dict[str, FileEntry] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return not self.reason and not self.changed and not self.removed


class Updater:
    """Makes the index in `folder` current for `root`'s content (see `index.py`), or an in-memory one."""

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
        self.fingerprint = content_hash(
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
        Manifest(self.fingerprint, count, entries, store_stats(scratch, skip=(READERS_LOCK,))).write(scratch / MANIFEST)
        held = writer.publish(scratch)
        if rebuilt:
            self.notice(f"{rebuilt}: rebuilt it in {self._shown_folder()} ({count} documents)")
        return index.open_dir(str(held.folder)), held

    def _examine(self, folder: Path) -> _State:
        """Whether the index in `folder` is whole and of these settings, and which files changed since it was made."""
        try:
            manifest = Manifest.read(folder / MANIFEST, self.fingerprint)
        except ManifestError:
            return _State(reason="the search index was damaged (unreadable manifest)")
        if manifest is None:
            return _State(reason="the search index is out of date")
        # Each index file as written: a truncated, overwritten or missing file is never read.
        if store_stats(folder, names=manifest.store) != manifest.store:
            return _State(reason="the search index was damaged (its files changed on disk)")
        ix, reason = self._open_existing(folder, manifest.count)
        if ix is None:
            return _State(reason=reason)
        try:
            model = RankModel.load(folder / _MODEL, _stamp(ix))
        except Exception as exc:  # missing, damaged or of another state of the index
            return _State(reason=f"the search index was damaged ({type(exc).__name__})")
        old = manifest.files
        entries: dict[str, FileEntry] = {}
        changed: list[str] = []
        for rel, (path, _kind) in self.files.items():
            stat = path.stat()
            before = old.get(rel)
            if before and before.mtime_ns == stat.st_mtime_ns and before.size == stat.st_size:
                entries[rel] = before
                continue
            # A file over the size limit is never read (the loader refuses it too): its size stands in.
            too_large = stat.st_size > self.settings.max_file_bytes
            digest = f"refused:{stat.st_size}" if too_large else content_hash(path.read_bytes())
            entries[rel] = FileEntry(stat.st_mtime_ns, stat.st_size, digest, before.indexed if before else False)
            if not before or before.hash != digest:
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
                manifest = Manifest.read(folder / MANIFEST, self.fingerprint)
                if manifest is None:
                    return
                manifest.files = state.entries
                manifest.write(folder / MANIFEST)
        except (Busy, OSError, ValueError):
            pass

    def _apply(self, ix: index.Index, state: _State) -> dict[str, FileEntry]:
        """Re-index the changed files and drop the removed ones, in the copy `ix`."""
        entries = dict(state.entries)
        self.updated = sorted(state.changed + state.removed)
        self.fresh = {}
        writer = ix.writer(timeout=3.0)
        try:
            for rel in state.removed:
                writer.delete_by_term("path", rel)
            for rel in state.changed:
                entries[rel] = replace(entries[rel], indexed=self._add(writer, rel, *self.files[rel], update=True))
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

    def _fill(self, ix: index.Index) -> dict[str, FileEntry]:
        entries: dict[str, FileEntry] = {}
        self.updated = []
        self.fresh = {}
        writer = ix.writer(timeout=3.0, limitmb=128)
        try:
            for rel, (path, kind) in self.files.items():
                stat = path.stat()
                digest = content_hash(path.read_bytes())
                entries[rel] = FileEntry(stat.st_mtime_ns, stat.st_size, digest, self._add(writer, rel, path, kind, update=False))
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
