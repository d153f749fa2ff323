"""Read one Markdown file (or the taxonomy) into a validated document, or diagnostics.

Never raises for bad input: every problem comes back as a `Diagnostic` with
the file and line, so the CLI and the build can report all of them at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc, RunbookDoc
from .files import FileRefused, read_bounded, relative_name
from .frontmatter import FrontMatterError, decode, parse_document, parse_yaml_mapping
from .models import IncidentTypeDef, Postmortem, Runbook, Slug
from .rules import postmortem_rules, runbook_rules
from .schema_errors import validation_diagnostics
from .sections import find_headings
from ..settings import DEFAULT_MAX_FILE_BYTES, Settings

__all__ = ["Kind", "load_document", "load_taxonomy", "read_text"]

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
    rel = relative_name(path, root)
    try:
        front = parse_document(rel, read_text(path, rel, root, settings.max_file_bytes))
    except FrontMatterError as exc:
        return None, [exc.diagnostic]
    model = Postmortem if kind == "postmortem" else Runbook
    try:
        meta = model.model_validate(front.data)
    except ValidationError as exc:
        return None, [*front.warnings, *validation_diagnostics(rel, exc, front, model)]
    headings = find_headings(front.body, front.body_start_line)
    if kind == "postmortem":
        pm_doc = PostmortemDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
        return pm_doc, [*front.warnings, *postmortem_rules(pm_doc, settings)]
    rb_doc = RunbookDoc(rel=rel, path=path, front=front, headings=headings, meta=meta)
    return rb_doc, [*front.warnings, *runbook_rules(rb_doc, settings, as_of)]


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
