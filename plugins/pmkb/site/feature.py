"""The hooks a site feature may implement; every one is optional.

Order within one build (all driven by the MkDocs adapter):

1. `prepare(ctx)`: compute this build's data from `ctx.kb` (once, O(n log n) at most).
2. `problems(ctx)`: diagnostics to report as MkDocs warnings.
3. `pages(ctx)`: generated pages, src_uri -> function(link) -> Markdown.
4. per postmortem/runbook page: `postmortem_notes`, `postmortem_sections`, `runbook_sections`,
   then `page_content` on its HTML (before the search plugin reads it).
5. `finished_files(ctx)`: generated files finished after the pages (charts drawn beside them).
6. `exports(ctx)`: JSON documents written into the site (path -> data).
`close()` instead of 5 and 6 when the build fails.

A feature object lives for one build only (the adapter makes new ones in
`on_config`), so nothing leaks across `mkdocs serve` rebuilds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from ..actions.facts import ActionItemFact, action_item_facts, facts_for_postmortem
from ..actions.view import JiraView, jira_view
from ..diagnostics import Diagnostic
from ..knowledge.base import KnowledgeBase
from ..knowledge.cache import CachePack
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..oncall.facts import OncallFacts, oncall_for
from ..oncall.models import PagerLoad
from ..render.templates import Renderer
from ..search.similar import Match
from ..search.term_cache import TermCountCache
from ..urls import SiteOptions
from .chart_cache import ChartCache
from .postmortem_page import Linker

__all__ = ["BuildContext", "Feature", "NavEntry", "PageMaker"]

PageMaker = Callable[[Linker], str]


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A generated page the adapter adds to an explicit `nav:` when the user did not list it."""

    title: str
    src_uri: str


def _inline(html: str, searchable: bool = True) -> str:
    return html


@dataclass
class BuildContext:
    """One build's knowledge base, and the facts more than one feature reads.

    The shared facts are typed properties computed on first use, whichever feature
    asks first, so no feature depends on the order of `FEATURES`; the context lives
    for one build only (nothing survives a `mkdocs serve` rebuild).
    """

    kb: KnowledgeBase
    renderer: Renderer
    # stash(html, searchable=True) -> placeholder to put in generated Markdown instead of
    # a large HTML block: the adapter swaps the HTML back after Markdown (much faster than
    # Markdown re-parsing raw HTML); searchable=False also keeps it out of the search index.
    stash: Callable[..., str] = _inline
    # How this build writes page URLs (use_directory_urls); site_url left empty: exports stay site-relative.
    urls: SiteOptions = field(default_factory=SiteOptions)

    @cached_property
    def jira(self) -> JiraView:
        """This build's Jira data: synced first in mode auto with JIRA_URL set, else the cache; never raises."""
        return jira_view(self.kb, allow_sync=True)

    @cached_property
    def action_items(self) -> list[ActionItemFact]:
        """Every action item of the published postmortems, derived once (pages, reviews, exports)."""
        return action_item_facts(self.kb, self.jira.cache)

    def action_items_of(self, doc: PostmortemDoc) -> list[ActionItemFact]:
        """One postmortem's items as its page shows them (drafts too), with Jira status where known."""
        return facts_for_postmortem(doc, self.jira.cache, self.kb.as_of)

    @cached_property
    def charts(self) -> ChartCache:
        """Charts drawn by earlier builds, by content (`.pmkb/check/charts.pack`)."""
        return ChartCache(self.kb.root)

    @cached_property
    def analysed(self) -> TermCountCache:
        """Texts analysed by earlier builds, by content (`.pmkb/check/terms.pack`): search index, similar incidents."""
        return TermCountCache(self.kb.root)

    @cached_property
    def similar_lists(self) -> CachePack:
        """Every page's similar incidents as an earlier build found them, by what they read (`.pmkb/check/similar.pack`)."""
        return CachePack(self.kb.root, "similar", (Match,))

    def save_caches(self) -> None:
        """Write what this build added to the on-disk caches (the adapter calls it after the build)."""
        for name in ("charts", "analysed", "similar_lists"):
            if name in self.__dict__:
                getattr(self, name).save()

    @cached_property
    def pager(self) -> tuple[OncallFacts, PagerLoad]:
        """The pager data under `oncall/` and its facts (the on-call page, reviews, postmortem pages)."""
        return oncall_for(self.kb)


class Feature:
    nav: tuple[NavEntry, ...] = ()

    def prepare(self, ctx: BuildContext) -> None:
        """Compute this build's data."""

    def problems(self, ctx: BuildContext) -> list[Diagnostic]:
        return []

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        return {}

    def postmortem_notes(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        """HTML shown at the top of a postmortem page, under its header (e.g. a linter note)."""
        return ""

    def postmortem_sections(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        """Markdown appended to a postmortem page, after its action items."""
        return ""

    def runbook_sections(self, ctx: BuildContext, doc: RunbookDoc, link: Linker) -> str:
        """Markdown appended to a runbook page."""
        return ""

    def page_content(
        self, ctx: BuildContext, doc: PostmortemDoc | RunbookDoc, page_html: str, meta: dict[str, Any]
    ) -> str:
        """A postmortem or runbook page's HTML, before the search plugin reads it; `meta` is the page's (mutable)."""
        return page_html

    def exports(self, ctx: BuildContext) -> dict[str, Any]:
        """Site-relative path (e.g. 'api/postmortems.json') -> JSON-serialisable data."""
        return {}

    def finished_files(self, ctx: BuildContext) -> dict[str, str]:
        """Generated files (src_uri from `pages`) whose text is known only after the pages: charts drawn beside them.

        `pages` gave such a file a placeholder; the adapter writes this text over it at the end of the build.
        """
        return {}

    def close(self) -> None:
        """A failed build: stop any work still running beside it."""
