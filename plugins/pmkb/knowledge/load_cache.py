"""Loading one file through the check cache (`.pmkb/check/load.pack`, see `cache.py`).

An entry is what `load_document_or_body` returns for a file's bytes, in a compact
shape: the document's model, headings and problems, and its front matter with
the line index in place of the YAML node tree (nodes are ten times the size
and slow to restore). The body is not stored: it is the file's text after the
front matter, cut again from the bytes already read (they are the key).

The key: the kind (postmortem or runbook), the path relative to the root (it is
in every diagnostic), the bytes, and the salt (pmkb's code and version, the
settings); for a runbook also the as-of date (its freshness rule reads it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, Level
from ..settings import Settings
from .cache import CachePack, code_version, digest
from .documents import PostmortemDoc, RunbookDoc, UnvalidatedDoc
from .frontmatter import FrontMatter, clean_body
from . import models
from .models import ActionItem, Postmortem, Runbook, Timestamps
from .sections import Heading

__all__ = ["LoadCache", "LoadResult", "compact", "restore"]

LoadResult = tuple[PostmortemDoc | RunbookDoc | None, UnvalidatedDoc | None, list[Diagnostic]]

_CLASSES = (
    Diagnostic, Level, Heading, UnvalidatedDoc, FrontMatter, Postmortem, Runbook, ActionItem, Timestamps,
)  # fmt: skip


class LoadCache:
    def __init__(self, root: Path, settings: Settings):
        self.salt = digest(code_version(), settings.model_dump_json())
        self.pack = CachePack(root, "load", _CLASSES + _model_classes())

    def key(self, rel: str, raw: bytes, kind: str, as_of: date) -> str:
        return digest(self.salt, kind, rel, raw, as_of.isoformat() if kind == "runbook" else "")

    def get(self, key: str, path: Path, rel: str, raw: bytes, kind: str) -> LoadResult | None:
        entry = self.pack.get(key)
        return restore(entry, path, rel, raw, kind) if entry is not None else None

    def put(self, key: str, result: LoadResult, raw: bytes) -> None:
        self.pack.put(key, compact(result, raw))

    def put_pickled(self, key: str, entry: bytes) -> None:
        """An entry a worker process made and pickled (see `loader.load_files`)."""
        self.pack.put_pickled(key, entry)

    def save(self) -> None:
        self.pack.save()


def _model_classes() -> tuple[type, ...]:
    """Every pydantic model a document's `meta` may hold (nested ones included)."""
    return tuple(
        value for value in vars(models).values()
        if isinstance(value, type) and value.__module__ == models.__name__
    )  # fmt: skip


def compact(result: LoadResult, raw: bytes) -> tuple[object, ...]:
    doc, body_only, problems = result
    if doc is None:
        return ("none", body_only, problems)
    front = doc.front
    text = raw.decode("utf-8").removeprefix("\ufeff")
    lines = text.split("\n")
    body_offset = sum(len(line) + 1 for line in lines[: front.end_line])  # just after the closing '---'
    stored = replace(front.without_nodes(), body="")
    # The body as cut from the text; when cleaning changed it (control characters), it is rebuilt so.
    cleaned = front.body != text[body_offset:]
    headings = tuple((h.level, h.text, h.line) for h in doc.headings)  # tuples restore ten times faster
    return ("doc", doc.meta, headings, stored, body_offset, cleaned, problems)


def restore(entry: object, path: Path, rel: str, raw: bytes, kind: str) -> LoadResult | None:
    """The result the entry stands for, or None if it is not one (then the file is loaded afresh)."""
    if not isinstance(entry, tuple) or not entry:
        return None
    if entry[0] == "none" and len(entry) == 3:
        return None, entry[1], list(entry[2])
    if entry[0] != "doc" or len(entry) != 7:
        return None
    _, meta, heading_rows, front, body_offset, cleaned, problems = entry
    text = raw.decode("utf-8").removeprefix("\ufeff")
    body = text[body_offset:]
    if cleaned:
        body, _ = clean_body(rel, body, front.body_start_line)
    front = replace(front, body=body)
    headings = [Heading(level, title, line) for level, title, line in heading_rows]
    if kind == "postmortem" and isinstance(meta, Postmortem):
        return PostmortemDoc(rel=rel, path=path, front=front, headings=headings, meta=meta), None, list(problems)
    if kind == "runbook" and isinstance(meta, Runbook):
        return RunbookDoc(rel=rel, path=path, front=front, headings=headings, meta=meta), None, list(problems)
    return None
