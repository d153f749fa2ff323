"""Read one Markdown file (or the taxonomy) into a validated document, or diagnostics.

Never raises for bad input: every problem comes back as a `Diagnostic` with
the file and line, so the CLI and the build can report all of them at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc, RunbookDoc, UnvalidatedDoc
from .load_cache import LoadCache
from .files import FileRefused, read_bounded, relative_name
from .frontmatter import FrontMatterError, decode, parse_document, parse_yaml_mapping, split_body
from .models import IncidentTypeDef, Postmortem, Runbook, Slug
from .leftovers import template_leftovers
from .rules import postmortem_rules, runbook_rules
from .schema_errors import validation_diagnostics
from .sections import find_headings
from ..settings import DEFAULT_MAX_FILE_BYTES, Settings

__all__ = ["Kind", "load_document", "load_document_or_body", "load_taxonomy", "read_text"]

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
    path: Path, root: Path, kind: Kind, settings: Settings, as_of: date, cache: LoadCache | None = None
) -> tuple[PostmortemDoc | RunbookDoc | None, UnvalidatedDoc | None, list[Diagnostic]]:
    """The document, or (when its front matter is unusable) its body if that can be read, and its problems.

    With a `cache`, a file whose bytes (and settings, code, as-of date for runbooks) were seen
    before is not parsed again: the stored result is exactly what parsing would give.
    """
    rel = relative_name(path, root)
    try:
        raw = read_bounded(path, root, settings.max_file_bytes)
    except FileRefused as exc:  # about the file system, not the bytes: never cached
        return None, None, [Diagnostic(rel, 1, Level.ERROR, exc.code, exc.reason)]
    if cache is None:
        return _load_bytes(path, rel, raw, kind, settings, as_of)
    return cache.load(path, rel, raw, kind, as_of, lambda: _load_bytes(path, rel, raw, kind, settings, as_of))


def _load_bytes(
    path: Path, rel: str, raw: bytes, kind: Kind, settings: Settings, as_of: date
) -> tuple[PostmortemDoc | RunbookDoc | None, UnvalidatedDoc | None, list[Diagnostic]]:
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
    if kind == "postmortem":
        pm_doc = PostmortemDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
        return pm_doc, None, [*front.warnings, *postmortem_rules(pm_doc, settings), *template_leftovers(pm_doc, settings)]
    rb_doc = RunbookDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
    return rb_doc, None, [*front.warnings, *runbook_rules(rb_doc, settings, as_of)]


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
