"""The `pmkb` MkDocs plugin: a thin adapter over `pmkb.site` features.

Event flow:

- `on_startup`: defined so that `mkdocs serve` keeps one plugin object
  across rebuilds (MkDocs' opt-in); it has nothing else to do.
- `on_config`: validate the pmkb block into `Settings`; reset all per-build
  state and make fresh feature objects (the plugin object lives across
  `serve` rebuilds, nothing else does); add the generated pages to an
  explicit `nav:` unless the user placed them already.
- `on_files`: load the `KnowledgeBase` once, let each feature prepare its
  data, report all problems as MkDocs warnings, add the postmortem and runbook
  files (kept out of the nav) and the features' generated pages.
- `on_page_markdown`: replace a content page's Markdown with pmkb's rendering.
- `on_page_content`: put back the rendered fragments; after every other
  plugin, park the page's HTML compressed (`parked_pages`: thousands of pages are converted
  before any is written); `on_page_context` (first) gives it back for the
  theme, `on_post_page` (last) parks it again.
- `on_post_build`: write the generated files finished beside the build (charts
  a helper drew while the pages were made, and the decks that show them), the
  features' JSON exports and the site search index into the site, and save the
  build caches.
- `on_build_error`: stop the helpers still working beside the build.
- `on_serve`: watch the content folders and the taxonomy file.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..asof import AsOfError
from ..diagnostics import Diagnostic, Level
from ..knowledge.base import KnowledgeBase
from ..knowledge.documents import PostmortemDoc
from ..knowledge.files import inside, link_refusal
from ..knowledge.parallel import build_jobs
from ..knowledge.public_edition import public_log_lines
from ..render.templates import Renderer
from ..settings import ConfigFileError, Settings
from ..site import search_static
from ..site.feature import BuildContext, Feature, NavEntry
from ..site.features import new_features
from ..site.postmortem_page import postmortem_markdown
from ..site.search_index import exclude_from_material_search
from ..site.task_lists import label_task_list_checkboxes
from ..urls import SiteOptions
from .config import PmkbConfig
from .page_cache import PageRenderCache
from .page_prefetch import PagePrefetch
from .parked_pages import ParkedPages

__all__ = ["PmkbPlugin"]

log = get_plugin_logger("pmkb")

_CSS = "assets/pmkb/pmkb.css"
_JS = "assets/pmkb/pmkb.js"  # keeps ids, dates and tickets on one line (see the file)
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PmkbPlugin(BasePlugin[PmkbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.settings: Settings | None = None
        self.root: Path | None = None
        self.ctx: BuildContext | None = None
        self.features: list[Feature] = []
        self.broken: dict[str, list[str]] = {}
        self.fragments = FragmentStash()
        self.page_cache: PageRenderCache | None = None
        self.generated: set[str] = set()  # src_uri of the pages the features made
        self.files: Files | None = None
        self.parked = ParkedPages()

    # -- configuration ---------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Its presence opts in to one plugin object across `mkdocs serve` rebuilds (DEPENDENCIES.md)."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        if not self.config.enabled:
            return None
        options = {key: value for key, value in self.config.items() if value is not None}
        try:
            self.settings = Settings.from_mapping(options, source=config.config_file_path or "mkdocs.yml")
        except ConfigFileError as exc:
            raise PluginError(str(exc)) from None
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.features = new_features()
        if _CSS not in config.extra_css:
            config.extra_css.append(_CSS)
        if search_static.material_search_on(config.plugins) and search_static.CLIENT_JS not in config.extra_javascript:
            config.extra_javascript.append(search_static.CLIENT_JS)
            config.extra_css.append(search_static.CLIENT_CSS)
        if _JS not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(_JS)
        if config.nav is not None:
            _add_to_nav(config.nav, [entry for f in self.features for entry in f.nav])
        return config

    # -- files -----------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.settings is None or self.root is None:
            return None
        try:
            kb = KnowledgeBase.load(self.root, self.settings, jobs=build_jobs())
        except AsOfError as exc:
            raise PluginError(str(exc)) from None
        self.ctx = ctx = BuildContext(
            kb=kb,
            renderer=Renderer(config.theme.dirs),
            stash=self.fragments.stash,
            urls=SiteOptions(use_directory_urls=config.use_directory_urls),
        )
        self.page_cache = PageRenderCache(self.root, config)
        for feature in self.features:
            feature.prepare(ctx)
        linked_out = _drop_outside_links(files, Path(config.docs_dir), self.root)
        self._report(kb, [*kb.diagnostics, *linked_out, *(d for f in self.features for d in f.problems(ctx))])

        for rel in self._content_files(kb):
            content = File(rel, str(self.root), config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.NOT_IN_NAV)
            doc = kb.document(rel)
            # Already read and parsed: hand MkDocs the body, so it neither reads the file
            # again nor re-parses the front matter with its own YAML loader. A broken file's
            # page is written in on_page_markdown: MkDocs must never read that file itself
            # (it may not be UTF-8, be huge, or hold YAML that never finishes).
            content.content_string = doc.body if doc is not None else ""
            files.append(content)
        makers = {}
        in_nav = {entry.src_uri for feature in self.features for entry in feature.nav}
        for feature in self.features:
            for src_uri, make in feature.pages(ctx).items():
                if files.get_file_from_path(src_uri) is None:  # a hand-written page wins
                    makers[src_uri] = make
                    # Only the features' entry pages go into the nav; the rest are linked from them.
                    inclusion = InclusionLevel.UNDEFINED if src_uri in in_nav else InclusionLevel.NOT_IN_NAV
                    files.append(File.generated(config, src_uri, content="", inclusion=inclusion))
        files.append(File.generated(config, _CSS, abs_src_path=str(_TEMPLATES / "assets" / "pmkb.css")))
        if search_static.CLIENT_JS in config.extra_javascript:
            for rel, source in search_static.CLIENT_FILES.items():
                files.append(File.generated(config, rel, abs_src_path=str(source)))
        files.append(File.generated(config, _JS, abs_src_path=str(_TEMPLATES / "assets" / "pmkb.js")))
        self.generated = set(makers)
        self.files = files
        # Generated pages link to other pages, so they are filled in once every file is known.
        for src_uri, make in makers.items():
            page_file = files.get_file_from_path(src_uri)
            page_file.content_string = make(_linker(page_file, files))
        return files

    def _content_files(self, kb: KnowledgeBase) -> list[str]:
        """Every Markdown file under the content folders, minus internal ones in a public build."""
        assert self.settings is not None
        wanted: list[str] = [d.rel for d in kb.postmortems] + [d.rel for d in kb.runbooks]
        # Files with unusable front matter still get a page that shows the problem,
        # except in a public build, where their visibility is unknown.
        if not self.settings.is_public_build:
            self.broken = {rel: [] for rel in kb.broken_files}
            for diagnostic in kb.errors:
                if diagnostic.file in self.broken:
                    self.broken[diagnostic.file].append(diagnostic.as_text())
            wanted += [rel for rel in self.broken if rel.endswith(".md")]
        return wanted

    def _report(self, kb: KnowledgeBase, diagnostics: list[Diagnostic]) -> None:
        if kb.settings.is_public_build:
            # A public build's log may be public too: internal postmortems appear only as counts.
            diagnostics, notes = public_log_lines(diagnostics, kb.internal.files, kb.internal_mentions)
            for note in notes:
                log.info(note)
        for diagnostic in sorted(diagnostics, key=lambda d: (d.file, d.line, d.code)):
            (log.error if diagnostic.level is Level.ERROR else log.warning)(diagnostic.as_text())

    @event_priority(-100)  # last: the files and pages are final
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.config.enabled and self.page_cache is not None:
            self.page_cache.prefetch = PagePrefetch.start(self.on_page_markdown, self.page_cache, config, files)
        return None

    # -- pages -----------------------------------------------------------------

    @event_priority(50)  # before the tags and search plugins read the page
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.ctx is None:
            return None
        if self.page_cache is not None:
            self.page_cache.install(page)
        ctx = self.ctx
        src_uri = page.file.src_uri
        if src_uri in self.broken:
            page.meta = {"title": html.escape(src_uri)}
            return _broken_page(src_uri, self.broken[src_uri])
        doc = ctx.kb.document(src_uri)
        if doc is None:
            # A hand-written page of a public edition names no internal postmortem either.
            return ctx.kb.internal.redact(markdown)[0] if ctx.kb.settings.is_public_build else None
        link = _linker(page.file, files)
        # Themes print the page title unescaped (<title>, nav): escape what the author wrote.
        page.meta["title"] = html.escape(doc.meta.title)
        if isinstance(doc, PostmortemDoc):
            page.meta["tags"] = [html.escape(tag) for tag in doc.meta.tags]
            notes = "\n".join(n for f in self.features if (n := f.postmortem_notes(ctx, doc, link)))
            extra = "\n\n".join(s for f in self.features if (s := f.postmortem_sections(ctx, doc, link)))
            return postmortem_markdown(
                doc,
                ctx.kb,
                ctx.renderer,
                link,
                rows=ctx.action_items_of(doc),
                extra_sections=extra,
                stash=self.fragments.stash,
                title_from_theme=True,
                notes=notes,
            )
        extra = "\n\n".join(s for f in self.features if (s := f.runbook_sections(ctx, doc, link)))
        age = (ctx.kb.as_of - doc.meta.last_reviewed).days
        stale_after = ctx.kb.settings.runbooks_stale_after_days
        facts = ctx.renderer.render(
            "runbook_header.html.j2", rb=doc.meta, age=age, as_of=ctx.kb.as_of, stale=age > stale_after, stale_after=stale_after
        )
        # No '# title': Material renders the <h1> from page.title when the content has none.
        return f"{self.fragments.stash(facts, searchable=False)}\n\n{doc.body.strip()}\n\n{extra}\n"

    def _restore_fragments(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        html_text = label_task_list_checkboxes(self.fragments.restore_content(html_text))
        if page.file.src_uri in self.generated:
            exclude_from_material_search(page.meta)
        doc = self.ctx.kb.document(page.file.src_uri) if self.ctx is not None else None
        if doc is not None:  # features may change what the search plugin reads next (pmkb.site.search_index)
            for feature in self.features:
                html_text = feature.page_content(self.ctx, doc, html_text, page.meta)
        return html_text

    @event_priority(-100)  # last: every plugin has seen the page's HTML
    def _park_page(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self._is_ours(page):
            page.content = html_text
            self.parked.park(page)
            return page.content
        return None

    on_page_content = CombinedEvent(_restore_fragments, _park_page)

    @event_priority(100)  # first: the theme and the search plugin read the page's HTML here
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        self.parked.unpark(page)
        return None

    def _restore_late(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        return _escape_html_title(self.fragments.restore_late(output), page)

    @event_priority(-100)  # last: the page's output is final
    def _park_page_again(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        self.parked.park_again(page)
        return None

    on_post_page = CombinedEvent(_restore_late, _park_page_again)

    def _is_ours(self, page: Page) -> bool:
        """A postmortem, runbook, broken file's or generated page: the pages whose HTML pmkb keeps parked."""
        if not self.config.enabled or self.ctx is None:
            return False
        src_uri = page.file.src_uri
        return src_uri in self.generated or src_uri in self.broken or self.ctx.kb.document(src_uri) is not None

    # -- exports and serve -----------------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.ctx is None:
            return
        site = Path(config.site_dir)
        for feature in self.features:
            for src_uri, text in feature.finished_files(self.ctx).items():
                made = self.files.get_file_from_path(src_uri) if self.files is not None else None
                if made is not None and src_uri in self.generated:  # else a hand-written file of that name won
                    Path(made.abs_dest_path).write_text(text, encoding="utf-8")
            for rel, data in feature.exports(self.ctx).items():
                target = site / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(export_json(data), encoding="utf-8")
        if search_static.CLIENT_JS in config.extra_javascript:
            search_static.write_site_search(self.ctx.kb, self.ctx.urls, site, Path(config.docs_dir), self.ctx.analysed)
        self.ctx.save_caches()
        if self.page_cache is not None:
            self.page_cache.save()

    def on_build_error(self, *, error: Exception) -> None:
        for feature in self.features:
            feature.close()
        if self.page_cache is not None and self.page_cache.prefetch is not None:
            self.page_cache.prefetch.close()

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.config.enabled and self.settings is not None and self.root is not None:
            for name in (self.settings.postmortems_dir, self.settings.runbooks_dir, self.settings.incident_types_file,
                         self.settings.oncall_dir):
                if (self.root / name).exists():
                    server.watch(str(self.root / name))
        return server


class FragmentStash:
    """Keeps rendered HTML out of the Markdown parser.

    A placeholder goes into the Markdown and the HTML comes back afterwards:
    Python-Markdown re-parses raw HTML blocks with a slow pure-Python parser.
    Searchable fragments (action items) come back in `on_page_content`, before
    the search plugin reads the page; the header's facts come back only in
    `on_post_page` (an HTML comment placeholder, which search skips), because
    parsing ~50 tags per page for the search index doubled the cost of a page,
    and those facts are not what people search for by symptom.
    """

    _CONTENT = re.compile(r"<p>PMKBFRAGMENT([0-9a-f]+)Z</p>")
    _LATE = re.compile(r"<!--PMKBLATE([0-9a-f]+)Z-->")

    def __init__(self) -> None:
        # Compressed: every page's header waits here from its Markdown until its HTML is written,
        # after MkDocs has read all pages (about 4 kB a postmortem, a fifth of that compressed).
        self._html: dict[str, bytes] = {}
        self._uses: Counter[str] = Counter()

    def _keep(self, fragment: str) -> str:
        # Named by content, not by a counter: a page's Markdown (the page cache's key) then does not
        # change when an earlier page gains or loses a fragment.
        data = fragment.encode("utf-8", "surrogatepass")
        key = hashlib.blake2b(data, digest_size=10).hexdigest()
        if key not in self._html:
            self._html[key] = zlib.compress(data, 1)
        self._uses[key] += 1
        return key

    def stash(self, fragment: str, searchable: bool = True) -> str:
        key = self._keep(fragment)
        return f"PMKBFRAGMENT{key}Z\n" if searchable else f"<!--PMKBLATE{key}Z-->\n"

    def _take(self, match: re.Match[str]) -> str:
        key = match.group(1)
        data = self._html.get(key)
        if data is None:
            return match.group(0)
        # A fragment is dropped once every page that stashed it has had it back (memory stays flat).
        self._uses[key] -= 1
        if self._uses[key] <= 0:
            del self._html[key], self._uses[key]
        return zlib.decompress(data).decode("utf-8", "surrogatepass")

    def restore_content(self, page_html: str) -> str:
        return self._CONTENT.sub(self._take, page_html)

    def restore_late(self, page_html: str) -> str:
        return self._LATE.sub(self._take, page_html)


def export_json(data: Any) -> str:
    """An `api/` file: one record (list item or top-level key) per line.

    Each line is written by json's C encoder; `indent` would switch to its pure-Python
    one, which took ~0.7 s of every build at 1,000 postmortems. A line per record still
    reads and diffs well.
    """

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))

    if isinstance(data, list) and data:
        return "[\n" + ",\n".join(compact(item) for item in data) + "\n]\n"
    if isinstance(data, dict) and data:
        return "{\n" + ",\n".join(compact({key: value})[1:-1] for key, value in data.items()) + "\n}\n"
    return compact(data) + "\n"


def _add_to_nav(nav: list[Any], entries: list[NavEntry]) -> None:
    """Append generated pages the user's explicit nav does not mention yet."""
    listed = set(_nav_paths(nav))
    for entry in entries:
        if entry.src_uri not in listed:
            nav.append({entry.title: entry.src_uri})


def _nav_paths(item: Any) -> Iterator[str]:
    """Every page path in a nav config (strings, lists, and {title: path-or-list} mappings)."""
    if isinstance(item, str):
        yield item
    elif isinstance(item, list):
        for child in item:
            yield from _nav_paths(child)
    elif isinstance(item, dict):
        for child in item.values():
            yield from _nav_paths(child)


def _drop_outside_links(files: Files, docs_dir: Path, root: Path) -> list[Diagnostic]:
    """MkDocs follows links in docs_dir: drop those that leave the repository (or lead nowhere).

    Only files MkDocs found in docs_dir are looked at (theme files live elsewhere by
    design), and only when docs_dir itself is inside the repository.
    """
    docs_dir = docs_dir.absolute()
    if not inside(docs_dir.resolve(), root):
        return []
    problems = []
    for file in list(files):
        source = Path(file.abs_src_path) if file.abs_src_path else None
        if source is None or docs_dir not in source.parents:
            continue  # generated, or a theme file
        refused = link_refusal(source, root)
        if refused is not None:
            files.remove(file)
            rel = source.relative_to(root).as_posix() if root in source.parents else file.src_uri
            problems.append(Diagnostic(rel, 1, Level.WARNING, refused.code, f"skipped: {refused.reason}"))
    return problems


def _linker(page_file: File, files: Files) -> Callable[[str], str | None]:
    by_src_uri, here = files.src_uris, page_file.url

    def link(src_uri: str) -> str | None:
        # pmkb's src_uris are POSIX already: a plain look-up, not get_file_from_path's PurePath
        # round trip (tens of thousands of links a build at 1,000 postmortems).
        target = by_src_uri.get(src_uri)
        return get_relative_url(target.url, here) if target is not None else None

    return link


def _escape_html_title(output: str, page: Page) -> str:
    """Escape the <title> Material writes as `page.title | striptags` for pages without a meta title.

    Jinja's `striptags` un-escapes entities, so a heading such as `DB pool</title><img ...>` (an
    incident type's title, escaped in the page) would become live HTML in <title>. Material writes
    exactly that text after the first `<title>`: swap it for the escaped text, touching nothing else.
    """
    if "title" in page.meta or not page.title or page.is_homepage:
        return output
    unescaped = str(Markup(page.title).striptags())
    start = output.find("<title>") + len("<title>")
    if start < len("<title>") or not output.startswith(unescaped, start):
        return output
    return output[:start] + html.escape(unescaped, quote=False) + output[start + len(unescaped) :]


def _broken_page(src_uri: str, problems: list[str]) -> str:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return (
        f"# {html.escape(src_uri)}\n\n"
        '<div class="admonition failure"><p class="admonition-title">This file cannot be read by pmkb</p>\n'
        f"<p>Fix these problems (also shown by <code>pmkb check</code>):</p><ul>\n{items}\n</ul></div>\n"
    )
