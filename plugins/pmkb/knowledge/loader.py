"""Read one Markdown file (or the taxonomy) into a validated document, or diagnostics.

Never raises for bad input: every problem comes back as a `Diagnostic` with
the file and line, so the CLI and the build can report all of them at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
import pickle
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc, RunbookDoc, UnvalidatedDoc
from .load_cache import LoadCache, LoadResult, compact, restore
from .parallel import PARALLEL_FROM, map_ordered
from .files import FileRefused, read_bounded, relative_name
from .frontmatter import FrontMatterError, decode, parse_document, parse_yaml_mapping, split_body
from .models import IncidentTypeDef, Postmortem, Runbook, Slug
from .leftovers import template_leftovers
from .rules import postmortem_rules, runbook_rules
from .schema_errors import validation_diagnostics
from .sections import find_headings
from ..settings import DEFAULT_MAX_FILE_BYTES, Settings

__all__ = ["Kind", "load_document", "load_document_or_body", "load_files", "load_taxonomy", "read_text"]

Kind = Literal["postmortem", "runbook"]


def read_text(path: Path, rel: str, root: Path, max_bytes: int) -> str:
    """The file's text: inside the root, a regular file, within the size limit, UTF-8."""
    try:
        raw = read_bounded(path, root, max_bytes)
    except FileRefused as exc:
        raise FrontMatterError(Diagnostic(rel, 1, Level.ERROR, exc.code, exc.reason)) from None
    return decode(rel, raw)


def load_document(
    path: Path, root: Path, kind: Kind, settings: Settings, as_of: date
) -> tuple[PostmortemDoc | RunbookDoc | None, list[Diagnostic]]:
    """The document (None when its front matter is unusable) and its own problems."""
    doc, _, problems = load_document_or_body(path, root, kind, settings, as_of)
    return doc, problems


def load_document_or_body(
    path: Path, root: Path, kind: Kind, settings: Settings, as_of: date
) -> LoadResult:
    """The document, or (when its front matter is unusable) its body if that can be read, and its problems."""
    return load_files([(path, kind)], root, settings, as_of)[0]


def load_files(
    files: list[tuple[Path, Kind]],
    root: Path,
    settings: Settings,
    as_of: date,
    cache: LoadCache | None = None,
    jobs: int = 1,
) -> list[LoadResult]:
    """`load_document_or_body` for each file, in order.

    With a `cache`, a file whose bytes (and settings, code, as-of date for runbooks) were seen
    before is not parsed again: the stored result is exactly what parsing would give. The
    files it does not hold are loaded over `jobs` processes when there are many; each worker
    hands back the entry the cache stores, so a cold run's documents are the very ones a warm
    run restores.
    """
    results: list[LoadResult | None] = []
    todo: list[tuple[int, str, Path, str, bytes, Kind]] = []
    for path, kind in files:
        rel = relative_name(path, root)
        try:
            raw = read_bounded(path, root, settings.max_file_bytes)
        except FileRefused as exc:  # about the file system, not the bytes: never cached
            results.append((None, None, [Diagnostic(rel, 1, Level.ERROR, exc.code, exc.reason)]))
            continue
        key = cache.key(rel, raw, kind, as_of) if cache is not None else ""
        hit = cache.get(key, path, rel, raw, kind) if cache is not None else None
        if hit is None:
            todo.append((len(results), key, path, rel, raw, kind))
        results.append(hit)
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        entries = map_ordered(_entries, [(path, rel, raw, kind, settings, as_of) for _, _, path, rel, raw, kind in todo], jobs)
        for (index, key, path, rel, raw, kind), entry in zip(todo, entries):
            if cache is not None:
                cache.put_pickled(key, entry)
            restored = restore(pickle.loads(entry), path, rel, raw, kind)  # noqa: S301 - our own worker's
            results[index] = restored if restored is not None else _load_bytes(path, rel, raw, kind, settings, as_of)
    else:
        for index, key, path, rel, raw, kind in todo:
            results[index] = result = _load_bytes(path, rel, raw, kind, settings, as_of)
            if cache is not None:
                cache.put(key, result, raw)
    return [r if r is not None else (None, None, []) for r in results]


def _entries(batch: list[tuple[Path, str, bytes, Kind, Settings, date]]) -> list[bytes]:
    """In a worker: each file loaded, as the cache entry (pickled) that stands for the result."""
    return [
        pickle.dumps(compact(_load_bytes(path, rel, raw, kind, settings, as_of), raw), protocol=pickle.HIGHEST_PROTOCOL)
        for path, rel, raw, kind, settings, as_of in batch
    ]


def _load_bytes(path: Path, rel: str, raw: bytes, kind: Kind, settings: Settings, as_of: date) -> LoadResult:
    try:
        text = decode(rel, raw)
    except FrontMatterError as exc:
        return None, None, [exc.diagnostic]
    try:
        front = parse_document(rel, text)
    except FrontMatterError as exc:
        split = split_body(text)  # a YAML error: the body after the closing '---' is still the author's text
        body_only = UnvalidatedDoc(rel, kind, split[0], split[1]) if split else None
        return None, body_only, [exc.diagnostic]
    model = Postmortem if kind == "postmortem" else Runbook
    try:
        meta = model.model_validate(front.data)
    except ValidationError as exc:
        body_only = UnvalidatedDoc(rel, kind, front.body, front.body_start_line, _people(front.data))
        return None, body_only, [*front.warnings, *validation_diagnostics(rel, exc, front, model)]
    headings = find_headings(front.body, front.body_start_line)
    # The rules read the raw values and nodes; the document keeps only its line table from then on.
    if kind == "postmortem":
        pm_doc = PostmortemDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
        problems = [*front.warnings, *postmortem_rules(pm_doc, settings), *template_leftovers(pm_doc, settings)]
        return replace(pm_doc, front=front.without_nodes()), None, problems
    rb_doc = RunbookDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
    problems = [*front.warnings, *runbook_rules(rb_doc, settings, as_of)]
    return replace(rb_doc, front=front.without_nodes()), None, problems


def _people(data: dict[str, Any]) -> tuple[str, ...]:
    """Authors, commander and owners from front matter that failed validation: whatever is text."""
    authors = data.get("authors")
    values: list[object] = list(authors) if isinstance(authors, list) else [authors]
    values.append(data.get("incident_commander"))
    items = data.get("action_items")
    if isinstance(items, list):
        values += [item.get("owner") for item in items if isinstance(item, dict)]
    return tuple(v for v in values if isinstance(v, str) and v.strip())


def load_taxonomy(
    path: Path, root: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[dict[str, IncidentTypeDef], dict[str, int], list[Diagnostic]]:
    """incident-types.yml: slug -> definition, slug -> line, problems. A missing file is an empty taxonomy."""
    rel = relative_name(path, root)
    if not path.exists() and not path.is_symlink():  # a dangling link is reported, not ignored
        return {}, {}, []
    try:
        parsed = parse_yaml_mapping(rel, read_text(path, rel, root, max_bytes), offset=1, what="incident-types file")
    except FrontMatterError as exc:
        return {}, {}, [exc.diagnostic]
    try:
        types = _TAXONOMY.validate_python(parsed.data)
    except ValidationError as exc:
        return {}, {}, validation_diagnostics(rel, exc, parsed, IncidentTypeDef)
    return types, {slug: parsed.line_of((slug,)) for slug in types}, []


_TAXONOMY = TypeAdapter(dict[Slug, IncidentTypeDef])
