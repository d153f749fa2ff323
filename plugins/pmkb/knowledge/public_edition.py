"""The public edition: what a public build keeps, and how it talks about what it dropped.

SPEC "Public builds fail closed": no output of a public build mentions an
internal postmortem. `KnowledgeBase.load` drops internal postmortems; this
module then cleans what the public documents say about them:

- `related` lists lose internal ids (pages and `api/postmortems.json` read them);
- prose that names an internal id ("as in PM-2026-002") or links to an internal
  file reads "an internal postmortem" instead. The source files are untouched:
  only the public site says less.

What the build log may say (decided here, written in the README): counts of
internal postmortems and of their problems, never their ids, titles, text or
people; problems in public documents are reported in full, at file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TypeVar

from ..diagnostics import Diagnostic
from .documents import PostmortemDoc, RunbookDoc

__all__ = ["INTERNAL_MENTION", "InternalReferences", "public_log_lines"]

INTERNAL_MENTION = "an internal postmortem"

Doc = TypeVar("Doc", PostmortemDoc, RunbookDoc)


@dataclass(frozen=True, slots=True)
class InternalReferences:
    """The ids and file names of the postmortems a public build left out."""

    ids: frozenset[str]
    file_stems: frozenset[str]
    files: frozenset[str]

    @classmethod
    def of(cls, dropped: list[PostmortemDoc]) -> InternalReferences:
        return cls(
            ids=frozenset(d.id for d in dropped),
            file_stems=frozenset(PurePosixPath(d.rel).stem for d in dropped),
            files=frozenset(d.rel for d in dropped),
        )

    def redact(self, text: str) -> tuple[str, int]:
        """The text with internal links and ids replaced, and how many were replaced."""
        if not self.ids:
            return text, 0
        count = 0

        def link(match: re.Match[str]) -> str:
            nonlocal count
            target_stem = PurePosixPath(match.group(2).split("#", 1)[0]).stem
            if target_stem in self.file_stems or target_stem.upper() in self.ids:
                count += 1
                return INTERNAL_MENTION
            return match.group(0)

        def mention(match: re.Match[str]) -> str:
            nonlocal count
            if match.group(0) in self.ids:
                count += 1
                return INTERNAL_MENTION
            return match.group(0)

        text = _MARKDOWN_LINK.sub(link, text)
        text = _POSTMORTEM_ID.sub(mention, text)
        return text, count

    def clean(self, doc: Doc) -> tuple[Doc, int]:
        """A public document that no longer names or links to internal postmortems."""
        body, count = self.redact(doc.body)
        cleaned = replace(doc, front=replace(doc.front, body=body)) if count else doc
        if isinstance(cleaned, PostmortemDoc) and any(r in self.ids for r in cleaned.meta.related):
            related = [r for r in cleaned.meta.related if r not in self.ids]
            cleaned = replace(cleaned, meta=cleaned.meta.model_copy(update={"related": related}))
        return cleaned, count  # type: ignore[return-value]


# The SPEC's id shape, bounded by non-word characters so "XPM-2026-0011" is not cut.
_POSTMORTEM_ID = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]+-\d{4}-\d{3,}(?![\w-])")
# [text](target) with no nested brackets: what authors write to link a postmortem page.
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")


def public_log_lines(diagnostics: list[Diagnostic], internal_files: frozenset[str], mentions: int) -> tuple[
    list[Diagnostic], list[str]
]:
    """Split a public build's diagnostics: those it may print, and summary lines for the rest."""
    shown = [d for d in diagnostics if d.file not in internal_files]
    hidden = len(diagnostics) - len(shown)
    notes = [f"public edition: {len(internal_files)} internal postmortem(s) left out of every page and export"]
    if hidden:
        notes.append(
            f"public edition: {hidden} problem(s) in internal postmortems are not listed here; "
            "run `pmkb check` (without PMKB_PUBLIC_BUILD) to see them"
        )
    if mentions:
        notes.append(f"public edition: {mentions} mention(s) of internal postmortems in public postmortems and runbooks read '{INTERNAL_MENTION}'")
    return shown, notes
