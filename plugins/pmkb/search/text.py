"""What of a postmortem or runbook is searched, and how text becomes terms.

Both the whoosh index and the similar-incidents model read documents through
`SearchText`, so the CLI and the site weigh the same parts: symptoms, summary
and root cause count more than the timeline or the lessons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from ..knowledge.durations import started_utc
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..knowledge.sections import normalise_heading

__all__ = ["SearchText", "search_text", "section_role", "split_sections", "terms"]


def section_role(heading: str, kind: str) -> str:
    """Which weighted field a level-2 section feeds: symptoms, summary, root_cause or body."""
    name = normalise_heading(heading)
    if "symptom" in name or name.startswith("impact") or name.startswith("customer impact"):
        return "symptoms"
    if "summary" in name or name in {"overview", "what happened"}:
        return "summary"
    # A runbook's "Root Cause Investigation" is a procedure, not a cause: it stays in the body.
    if kind == "postmortem" and ("root cause" in name or "contributing factor" in name):
        return "root_cause"
    return "body"


@dataclass(slots=True)
class SearchText:
    """A document's searchable text, split by weight."""

    rel: str
    kind: str  # postmortem | runbook
    id: str
    title: str
    types: list[str]
    severity: str = ""
    services: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    status: str = ""
    date: datetime | None = None
    symptoms: str = ""
    summary: str = ""
    root_cause: str = ""
    body: str = ""


_H2 = re.compile(r"^ {0,3}##[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def split_sections(body: str, kind: str) -> dict[str, list[str]]:
    """Body text per role; text before the first level-2 heading is the summary (a runbook's intro)."""
    parts: dict[str, list[str]] = {"symptoms": [], "summary": [], "root_cause": [], "body": []}
    role = "summary"
    fence: str | None = None
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
        elif fence is None:
            heading = _H2.match(line)
            if heading:
                role = section_role(heading.group(1), kind)
                continue
        parts[role].append(line)
    return parts


def search_text(doc: PostmortemDoc | RunbookDoc) -> SearchText:
    if isinstance(doc, PostmortemDoc):
        pm = doc.meta
        parts = split_sections(doc.body, "postmortem")
        if pm.impact_summary:
            parts["symptoms"].insert(0, pm.impact_summary)
        return SearchText(
            rel=doc.rel,
            kind="postmortem",
            id=pm.id,
            title=pm.title,
            types=[pm.incident_type],
            severity=pm.severity,
            services=list(pm.services),
            teams=list(pm.teams),
            tags=list(pm.tags),
            status=pm.status,
            date=started_utc(pm),
            **{role: "\n".join(lines).strip() for role, lines in parts.items()},
        )
    rb = doc.meta
    parts = split_sections(doc.body, "runbook")
    return SearchText(
        rel=doc.rel,
        kind="runbook",
        id=rb.id,
        title=rb.title,
        types=list(rb.incident_types),
        services=list(rb.services),
        teams=[rb.owner_team],
        date=datetime(rb.last_reviewed.year, rb.last_reviewed.month, rb.last_reviewed.day, tzinfo=timezone.utc),
        **{role: "\n".join(lines).strip() for role, lines in parts.items()},
    )


# -- fast terms for the similarity model ------------------------------------------
# whoosh's analyzers are generators over token objects: right for the index, too slow
# for turning 5,000 postmortems into vectors in every build. Same stemmer, cached per word.

_WORD = re.compile(r"[a-z0-9][a-z0-9_]*(?:[.'][a-z0-9_]+)*")
_STOP = frozenset(STOP_WORDS) | {"the", "we", "our", "was", "were", "had", "has", "been", "which", "into", "when"}
_stems: dict[str, str] = {}  # word -> stem: the same in every build, so one cache per process is safe


def terms(text: str, surface: dict[str, str] | None = None) -> list[str]:
    """Lower-cased, stemmed words without stop words, numbers-only tokens of one digit, or 1-letter words.

    `surface` (stem -> the first word seen with it) collects readable words for "shared terms" reasons:
    the caller's own, never the process's, or a rebuild (`mkdocs serve`) would show another KB's words."""
    out: list[str] = []
    cache = _stems
    for word in _WORD.findall(text.lower()):
        stemmed = cache.get(word)
        if stemmed is None:
            # Times and counts ("06", "19") are noise; three-digit codes (429, 503) are symptoms.
            if len(word) < 2 or word in _STOP or len(word) > 40 or (word.isdigit() and len(word) != 3):
                stemmed = ""
            else:
                stemmed = stem(word)
            cache[word] = stemmed
        if stemmed:
            out.append(stemmed)
            if surface is not None:
                surface.setdefault(stemmed, word)
    return out
