"""What Material's search indexes of postmortem and runbook pages.

Material's search plugin reads each page's HTML after `on_page_content` and
makes one index entry per heading with an id; an element carrying
`data-search-exclude` is skipped with everything inside it, and on a heading
that drops the whole section (the plugin then strips the attribute from the
page). The browser loads `search/search_index.json` whole, so at 5,000
postmortems what each page contributes matters:

- postmortems keep their symptoms (Impact, Symptoms), Summary and Root cause
  sections, and a hidden line with the incident type, severity, services,
  teams and tags, so the search box finds them by symptom and metadata words;
  the timeline, lessons, action items, the facts header and the similar
  list are left out (they are on the page, just not in the index);
- runbooks keep their intro, Symptoms, Immediate Mitigation and Root Cause
  Investigation (checklists, escalation and link lists are left out), with the same metadata line, their incident
  types and services as search tags, and a boost, so a symptom phrase lists
  the runbook first.
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable

from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..knowledge.base import KnowledgeBase
from ..search.text import section_role
from .feature import BuildContext, Feature

__all__ = ["SearchIndexTrim", "trim_postmortem_html", "trim_runbook_html"]

RUNBOOK_BOOST = 2.0
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_HEADER = re.compile(r'<div class="pmkb-header"')


def _meta_line(kb: KnowledgeBase, doc: PostmortemDoc | RunbookDoc) -> str:
    if isinstance(doc, PostmortemDoc):
        pm = doc.meta
        types = [pm.incident_type]
        parts = [pm.severity]
        services, teams, tags = pm.services, pm.teams, pm.tags
    else:
        types = list(doc.meta.incident_types)
        parts = ["runbook"]
        services, teams, tags = doc.meta.services, [doc.meta.owner_team], []
    for slug in types:
        known = kb.incident_types.get(slug)
        parts.append(f"{known.title if known else slug} ({slug})")
    parts += [f"services: {', '.join(services)}"] if services else []
    parts += [f"teams: {', '.join(teams)}"]
    parts += [f"tags: {', '.join(tags)}"] if tags else []
    return f'<p class="pmkb-search-meta" hidden>{html.escape(" · ".join(parts))}</p>'


def _after_title(page_html: str, insert: str) -> str:
    end = page_html.find("</h1>")
    if end < 0:
        return insert + page_html
    end += len("</h1>")
    return page_html[:end] + insert + page_html[end:]


def _runbook_keeps(name: str) -> bool:
    """What an on-call engineer searches a runbook by: symptoms, mitigation, investigation."""
    name = name.casefold()
    return any(word in name for word in ("symptom", "mitigat", "investigat", "diagnos", "triage"))


def trim_runbook_html(page_html: str) -> str:
    """Leave checklists, escalation and link lists out of the search index."""
    return _exclude_sections(page_html, _runbook_keeps)


def trim_postmortem_html(page_html: str) -> str:
    """Mark every section but symptoms, summary and root cause (and the header) as excluded from search."""
    page_html = _exclude_sections(page_html, lambda name: section_role(name, "postmortem") != "body")
    return _HEADER.sub('<div class="pmkb-header" data-search-exclude="pmkb"', page_html, count=1)


def _exclude_sections(page_html: str, keeps: Callable[[str], bool]) -> str:
    keep = True
    out: list[str] = []
    last = 0
    for match in _HEADING.finditer(page_html):
        level, attrs, inner = int(match.group(1)), match.group(2) or "", match.group(3)
        if level == 1:
            continue
        if level == 2:
            name = html.unescape(_TAGS.sub("", inner)).replace("¶", "").strip()
            keep = keeps(name)
        if not keep and "data-search-exclude" not in attrs:
            out.append(page_html[last:match.start()])
            out.append(f"<h{level}{attrs} data-search-exclude=\"pmkb\">{inner}</h{level}>")
            last = match.end()
    out.append(page_html[last:])
    return "".join(out)


class SearchIndexTrim(Feature):
    def page_content(self, ctx: BuildContext, doc: PostmortemDoc | RunbookDoc, page_html: str, meta: dict[str, Any]) -> str:
        if isinstance(doc, PostmortemDoc):
            return _after_title(trim_postmortem_html(page_html), _meta_line(ctx.kb, doc))
        search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        meta["search"] = {"boost": RUNBOOK_BOOST, **search}
        # Material's search weighs tags far above text and postmortems carry their authors' tags;
        # a runbook's incident types and services serve as its tags in the index (set after the
        # tags plugin has read the page, so they add no tag links or listing).
        if not meta.get("tags"):
            # Material's search inserts tags as HTML: escape what the author wrote.
            meta["tags"] = [html.escape(tag) for tag in [*doc.meta.incident_types, *doc.meta.services]]
        return _after_title(trim_runbook_html(page_html), _meta_line(ctx.kb, doc))
