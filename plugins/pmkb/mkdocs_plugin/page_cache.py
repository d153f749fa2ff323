"""Pages converted from Markdown once: what `Page.render` produced, kept between builds by content.

Converting Markdown to HTML is the largest single cost of a pmkb build (a
thousand postmortems and a dozen long monthly reviews), and in `mkdocs serve`
or a CI run with `.pmkb/` kept almost every page's Markdown is the same as last
time. This cache stores what MkDocs' `Page.render` leaves on a page (the HTML,
the table of contents, the title found in the content, the anchors, and the
warnings it logged) in `.pmkb/check/pages.pack` (see `pmkb.knowledge.cache`:
checksummed, written atomically, a damaged pack reported in one line and
rebuilt) under a key that covers everything the conversion reads:

    key = digest(salt, files, the page's src_uri, dest_uri and url, its final Markdown)
    salt = digest(format, the versions of MkDocs, Markdown, pymdown-extensions,
                  Material and Pygments, the markdown_extensions and their
                  settings, the source files of any function in those settings,
                  the validation settings, use_directory_urls, the log level)
    files = digest(every file of the site: src_uri, dest_uri, url, inclusion)

The Markdown is taken when MkDocs renders the page, after every plugin's
`on_page_markdown`, so it is the exact input. Links resolve against the site's
files, so adding or removing a page is a new key for every page, and an
edited page is a new key for itself. A warm page is therefore byte-identical to
a cold one, and its warnings (broken links) are logged again, so
`mkdocs build --strict` fails the same way.

Only pages converted by extensions that read nothing but the page's Markdown
are cached: Python-Markdown's own, pymdown-extensions (except snippets and b64,
which read other files) and Material's. With any other extension configured,
every page is converted as MkDocs does it, and a debug line says why.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import json
import threading
import zlib
from importlib.metadata import PackageNotFoundError, version
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from ..knowledge.cache import CachePack, digest

if TYPE_CHECKING:
    from .page_prefetch import PagePrefetch

__all__ = ["PageRenderCache", "cacheable_extensions"]

log = logging.getLogger("mkdocs.plugins.pmkb")

_FORMAT = "pages 1"
_DISTRIBUTIONS = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments")
_BUILTIN = {
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
    "wikilinks",
}  # fmt: skip
_PURE_PREFIXES = ("markdown.extensions.", "pymdownx.", "material.extensions.")
# These read files other than the page (included snippets, embedded images): their output is not a function of the Markdown.
_READS_FILES = {"pymdownx.snippets", "pymdownx.b64"}


def cacheable_extensions(extensions: list[Any]) -> str | None:
    """None when every configured extension reads only the page's Markdown; else why not."""
    for extension in extensions:
        if not isinstance(extension, str):
            return f"the extension object {type(extension).__name__} is configured"
        if extension in _READS_FILES:
            return f"{extension} reads other files"
        if extension not in _BUILTIN and not extension.startswith(_PURE_PREFIXES):
            return f"the extension {extension} is not known to read only the page"
    return None


class _Unstable(Exception):
    """A setting with no value that stays the same from one process to the next."""


def _stable(value: Any, sources: list[bytes]) -> str:
    """A text for a setting that is the same in every process, or _Unstable.

    Functions (slugify, emoji indexes, custom fences) are named by module and
    name, and the bytes of their source file go into the key, so editing one is a
    new key too.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_stable(v, sources) for v in value) + "]"
    if isinstance(value, Mapping):  # dicts, and MkDocs' nested settings (validation)
        pairs = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return "{" + ",".join(f"{_stable(k, sources)}:{_stable(v, sources)}" for k, v in pairs) + "}"
    if isinstance(value, functools.partial):
        return f"partial({_stable(value.func, sources)},{_stable(value.args, sources)},{_stable(value.keywords, sources)})"
    if callable(value) and hasattr(value, "__module__") and hasattr(value, "__qualname__"):
        try:
            source = inspect.getsourcefile(value)
        except TypeError:  # a built-in: its version is in the key already
            source = None
        if source:
            sources.append(Path(source).read_bytes())
        return f"{value.__module__}.{value.__qualname__}"
    raise _Unstable(type(value).__name__)


def _versions() -> list[str]:
    found = []
    for name in _DISTRIBUTIONS:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} -")
    return found


def _salt(config: MkDocsConfig) -> str | None:
    """Everything besides the page and the files that the conversion reads; None when it cannot be named."""
    if (why := cacheable_extensions(list(config.markdown_extensions))) is not None:
        log.debug("pmkb: pages are converted without the page cache: %s", why)
        return None
    sources: list[bytes] = []
    try:
        settings = _stable([list(config.markdown_extensions), dict(config.mdx_configs or {})], sources)
        validation = _stable(dict(config.validation), sources)
    except _Unstable as exc:
        log.debug("pmkb: pages are converted without the page cache: a %s in the Markdown settings", exc)
        return None
    # MkDocs keeps the links to other pages' anchors only below DEBUG (pages.py): part of the result.
    anchors_kept = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG
    return digest(_FORMAT, *_versions(), settings, validation, *sources, repr(config.use_directory_urls), repr(anchors_kept))


def _files_digest(files: Files) -> str:
    h = hashlib.blake2b(digest_size=20)
    for file in files:
        h.update(f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion.name}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _toc_tokens(links: list[AnchorLink]) -> list[dict[str, Any]]:
    return [{"name": a.title, "id": a.id, "level": a.level, "children": _toc_tokens(a.children)} for a in links]


class _LogCapture(logging.Handler):
    """The records one page's conversion logs, from this thread only (`mkdocs serve` logs from others)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.thread = threading.get_ident()
        self.records: list[tuple[str, int, str]] = []
        self._last: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # Installed on two loggers: a record that reaches both is the same object, handed on at once.
        if record.thread == self.thread and record is not self._last:
            self._last = record
            self.records.append((record.name, record.levelno, record.getMessage()))


class PageRenderCache:
    """`Page.render` through `.pmkb/check/pages.pack`; one object per build, saved after it."""

    def __init__(self, root: Path, config: MkDocsConfig):
        self._config = config
        self._salt = _salt(config)
        self._pack = CachePack(root, "pages", ()) if self._salt is not None else None
        self._files_key: tuple[int, str] | None = None
        self.hits = 0
        # Conversions done by a forked helper while this process converts other pages (page_prefetch).
        self.prefetch: PagePrefetch | None = None

    def install(self, page: Page) -> None:
        """Route this page's `render` through the cache (MkDocs calls it after every `on_page_markdown`)."""
        if self._pack is not None:
            page.render = functools.partial(self._render, page)  # type: ignore[method-assign]

    def _files(self, files: Files) -> str:
        # The same Files object for every page of a build: its digest is taken once.
        if self._files_key is None or self._files_key[0] != id(files):
            self._files_key = (id(files), _files_digest(files))
        return self._files_key[1]

    def key(self, page: Page, files: Files) -> str:
        """The key of the page's conversion: its final Markdown, where it lands, and the site's files."""
        assert self._salt is not None and page.markdown is not None
        file = page.file
        return digest(self._salt, self._files(files), file.src_uri, file.dest_uri, file.url, page.markdown)

    def holds(self, key: str) -> bool:
        return self._pack is not None and self._pack.holds(key)

    @property
    def size(self) -> int:
        """How many conversions the pack held when this build read it."""
        return self._pack.stored_count if self._pack is not None else 0

    def _render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        assert self._pack is not None
        if self.prefetch is not None:
            self.prefetch.reached(page.file.src_uri)
        key = self.key(page, files)
        stored = self._pack.get(key)
        if not isinstance(stored, bytes) and self.prefetch is not None:
            stored = self.prefetch.take(page.file.src_uri, key)
            if stored is not None:
                self._pack.put(key, stored)
        if isinstance(stored, bytes):
            try:
                self._restore(page, files, json.loads(zlib.decompress(stored)))
                self.hits += 1
                return
            except Exception:  # noqa: BLE001 -- the pack is checksummed: only a forged entry gets here, converted afresh
                pass
        self._pack.put(key, self.converted(page, config, files))

    @staticmethod
    def converted(page: Page, config: MkDocsConfig, files: Files) -> bytes:
        """Convert the page as MkDocs does (it is left rendered) and return what the cache keeps of it."""
        capture = _LogCapture()
        loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
        for logger in loggers:
            logger.addHandler(capture)
        try:
            Page.render(page, config, files)
        finally:
            for logger in loggers:
                logger.removeHandler(capture)
        entry = {
            "content": page.content,
            "toc": _toc_tokens(list(page.toc)),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links_to_anchors": None if page.links_to_anchors is None else {
                target.src_uri: dict(anchors) for target, anchors in page.links_to_anchors.items()
            },
            "logs": capture.records,
        }  # fmt: skip
        # JSON, not pickle: an entry holds only text, numbers and lists, and loading one can run no code.
        return zlib.compress(json.dumps(entry, ensure_ascii=False).encode("utf-8", "surrogatepass"), 1)

    @staticmethod
    def _restore(page: Page, files: Files, entry: dict[str, Any]) -> None:
        links = entry["links_to_anchors"]
        if links is not None:
            targets = {src_uri: files.get_file_from_path(src_uri) for src_uri in links}
            if any(target is None for target in targets.values()):
                raise LookupError("a linked file is gone")  # cannot happen with the files in the key
            links = {targets[src_uri]: anchors for src_uri, anchors in links.items()}
        page.content = entry["content"]
        page.toc = get_toc(entry["toc"])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        page.links_to_anchors = links
        for name, level, message in entry["logs"]:
            logging.getLogger(name).log(level, "%s", message)

    def save(self) -> None:
        if self.prefetch is not None:
            self.prefetch.close()
        if self._pack is not None:
            self._pack.save()
