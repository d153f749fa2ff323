"""The `pmkb` MkDocs plugin.

Event flow:

- `on_startup`: remember whether this is `mkdocs serve`.
- `on_config`: validate the pmkb block into `Settings`; reset all per-build
  state (the plugin object lives across `serve` rebuilds, nothing carries over).
- `on_files`: load the `KnowledgeBase` once, report its problems as MkDocs
  warnings, add the postmortem and runbook files (kept out of the nav) and the
  generated pages.
- `on_page_markdown`: replace a content page's Markdown with pmkb's rendering
  (title, header, body, action items).
- `on_serve`: watch the content folders and the taxonomy file.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..asof import AsOfError
from ..diagnostics import Level
from ..documents import PostmortemDoc
from ..knowledge import KnowledgeBase
from ..pages.indexes import postmortems_index, runbooks_index
from ..pages.postmortem import postmortem_markdown
from ..pages.render import Renderer
from ..settings import ConfigFileError, Settings
from .config import PmkbConfig

__all__ = ["PmkbPlugin"]

log = get_plugin_logger("pmkb")

_CSS = "assets/pmkb/pmkb.css"
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PmkbPlugin(BasePlugin[PmkbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self._reset()

    def _reset(self) -> None:
        self.settings: Settings | None = None
        self.root: Path | None = None
        self.kb: KnowledgeBase | None = None
        self.renderer: Renderer | None = None
        self.generated: dict[str, Callable[[Callable[[str], str | None]], str]] = {}
        self.broken: dict[str, list[str]] = {}

    # -- configuration ---------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"

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
        self.renderer = Renderer(config.theme.dirs)
        if _CSS not in config.extra_css:
            config.extra_css.append(_CSS)
        return config

    # -- files -----------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.settings is None or self.root is None:
            return None
        try:
            self.kb = KnowledgeBase.load(self.root, self.settings)
        except AsOfError as exc:
            raise PluginError(str(exc)) from None
        kb = self.kb
        self._report(kb)

        for rel in self._content_files(kb):
            files.append(
                File(rel, str(self.root), config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.NOT_IN_NAV)
            )
        pages = {
            f"{self.settings.postmortems_dir}/index.md": lambda link: postmortems_index(kb, self.renderer, link),
            f"{self.settings.runbooks_dir}/index.md": lambda link: runbooks_index(kb, self.renderer, link),
        }
        for src_uri, make in pages.items():
            if files.get_file_from_path(src_uri) is None:
                self.generated[src_uri] = make
                files.append(File.generated(config, src_uri, content=""))
        files.append(File.generated(config, _CSS, abs_src_path=str(_TEMPLATES / "assets" / "pmkb.css")))
        # Generated pages need every file's URL, so they are filled in last.
        for src_uri, make in self.generated.items():
            page_file = files.get_file_from_path(src_uri)
            page_file.content_string = make(_linker(page_file, files))
        return files

    def _content_files(self, kb: KnowledgeBase) -> list[str]:
        """Every Markdown file under the content folders, minus internal ones in a public build."""
        assert self.root is not None and self.settings is not None
        wanted: list[str] = [d.rel for d in kb.postmortems] + [d.rel for d in kb.runbooks]
        # Files with unusable front matter still get a page that shows the problem,
        # except in a public build, where their visibility is unknown.
        if not self.settings.is_public_build:
            for rel in kb.broken_files:
                self.broken.setdefault(rel, [])
            for diagnostic in kb.errors:
                if diagnostic.file in self.broken:
                    self.broken[diagnostic.file].append(diagnostic.as_text())
            wanted += [rel for rel in self.broken if rel.endswith(".md")]
        return wanted

    def _report(self, kb: KnowledgeBase) -> None:
        for diagnostic in sorted(kb.diagnostics, key=lambda d: (d.file, d.line)):
            (log.error if diagnostic.level is Level.ERROR else log.warning)(diagnostic.as_text())

    # -- pages -----------------------------------------------------------------

    @event_priority(50)  # before the tags and search plugins read the page
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.kb is None or self.renderer is None:
            return None
        src_uri = page.file.src_uri
        if src_uri in self.broken:
            page.meta = {"title": html.escape(src_uri)}
            return _broken_page(src_uri, self.broken[src_uri])
        doc = self.kb.document(src_uri)
        if doc is None:
            return None
        # Themes print the page title unescaped (<title>, nav): escape what the author wrote.
        page.meta["title"] = html.escape(doc.meta.title)
        if isinstance(doc, PostmortemDoc):
            page.meta["tags"] = [html.escape(tag) for tag in doc.meta.tags]
            return postmortem_markdown(doc, self.kb, self.renderer, _linker(page.file, files))
        return f"# {self.renderer.env.filters['md'](doc.meta.title)}\n\n{doc.body}"

    # -- serve -----------------------------------------------------------------

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.config.enabled and self.settings is not None and self.root is not None:
            for name in (self.settings.postmortems_dir, self.settings.runbooks_dir, self.settings.incident_types_file):
                if (self.root / name).exists():
                    server.watch(str(self.root / name))
        return server


def _linker(page_file: File, files: Files) -> Callable[[str], str | None]:
    def link(src_uri: str) -> str | None:
        target = files.get_file_from_path(src_uri)
        return get_relative_url(target.url, page_file.url) if target is not None else None

    return link


def _broken_page(src_uri: str, problems: list[str]) -> str:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return (
        f"# {html.escape(src_uri)}\n\n"
        '<div class="admonition failure"><p class="admonition-title">This file cannot be read by pmkb</p>\n'
        f"<p>Fix these problems (also shown by <code>pmkb check</code>):</p><ul>\n{items}\n</ul></div>\n"
    )
