"""The second core converts pages too: a forked helper works from the last page back while MkDocs works from the first.

MkDocs converts pages one after another in one process. On a cold build (no
`.pmkb/`, a fresh CI runner) that is the largest cost, and the other core is
idle. Just before MkDocs starts on the pages (`on_nav`), this forks a helper
that takes the pages from the end of MkDocs' list backwards and, for each,
makes pmkb's Markdown (the same `on_page_markdown`) and converts it exactly as
the page cache would, sending (position, key, conversion) through a pipe.
When MkDocs reaches a page the helper has claimed, the page cache takes the
helper's conversion, but only if its key (the final Markdown, the page's place
and the site's files) is the one MkDocs' own run produced; any difference
(another plugin changed the Markdown) and the page is converted here as usual.
So the output is byte for byte the output of one process, and the two meet in
the middle: each page is converted once.

Two positions in shared memory keep them apart (`MeetingPositions`): the build
writes the page it is on, the helper the page it claims, and the helper stops
when they meet.
The helper runs only pmkb's own page code and MkDocs' conversion (no other
plugin's hooks run twice), writes nothing to disk and logs nothing (the
warnings a conversion logs travel with it and are logged by the build), and
ends with `os._exit`. It is forked only when that is safe and useful: the
platform forks, the process has a single thread (`mkdocs build`, the first
build of `mkdocs serve`; never beside serve's server threads), and the page
cache holds fewer than half the pages (a warm build converts almost nothing).
A failed build closes the pipe, and the helper ends at its next write.
"""

from __future__ import annotations

import logging
import os
import select
import struct
from typing import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..knowledge.parallel import MeetingPositions, may_fork_helper, objects_frozen
from .page_cache import PageRenderCache

__all__ = ["PagePrefetch"]

log = logging.getLogger("mkdocs.plugins.pmkb")

MarkdownHook = Callable[..., "str | None"]  # the plugin's on_page_markdown

_HEADER = struct.Struct("<iI40s")  # position, length of the conversion (0: none), key
_MIN_PAGES = 100  # below this, forking costs more than the half it saves


class PagePrefetch:
    """The build's side: `take` a page's conversion from the helper, `close` when the pages are done."""

    def __init__(self, pid: int, pipe: int, positions: MeetingPositions, order: dict[str, int]):
        self._pid = pid
        self._pipe = pipe
        self._positions = positions
        self._order = order
        self._buffer = bytearray()
        self._received: dict[int, tuple[str, bytes]] = {}
        self._sending = True  # until the helper's end of the pipe closes
        self._open = True
        self.taken = 0

    @classmethod
    def start(
        cls, on_page_markdown: MarkdownHook, cache: PageRenderCache, config: MkDocsConfig, files: Files
    ) -> PagePrefetch | None:
        """Fork the helper when it pays and is safe (see the module's text); None otherwise."""
        pages = list(files.documentation_pages())
        if len(pages) < _MIN_PAGES or cache.size * 2 >= len(pages) or not may_fork_helper():
            return None
        positions = MeetingPositions(build=-1, helper=len(pages))
        read_end, write_end = os.pipe()
        with objects_frozen():
            pid = os.fork()
            if pid == 0:  # the helper, which never leaves this block
                os.close(read_end)
                code = 1
                try:
                    _convert_backwards(pages, on_page_markdown, cache, config, files, positions, write_end)
                    code = 0
                finally:
                    os._exit(code)
        os.close(write_end)
        os.set_blocking(read_end, False)
        return cls(pid, read_end, positions, {file.src_uri: i for i, file in enumerate(pages)})

    def reached(self, src_uri: str) -> None:
        """The build is at this page: the helper stops before it."""
        position = self._order.get(src_uri)
        if position is not None and self._open:
            self._positions.build = position

    def take(self, src_uri: str, key: str) -> bytes | None:
        """The helper's conversion of this page if it made one under the same key; None: convert it here."""
        position = self._order.get(src_uri)
        if position is None or not self._open:
            return None
        if self._sending:
            self._read(block=False)
        # Claimed by the helper (it counts down from the end): wait for it rather than convert it twice.
        while position not in self._received and self._sending and self._positions.helper <= position:
            self._read(block=True)
        sent_key, conversion = self._received.pop(position, ("", b""))
        if sent_key != key or not conversion:
            return None
        self.taken += 1
        return conversion

    def _read(self, block: bool) -> None:
        if block:
            select.select([self._pipe], [], [])
        while True:
            try:
                chunk = os.read(self._pipe, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:  # the helper is done; what it sent is still to be taken
                self._sending = False
                break
            self._buffer += chunk
            if block:
                break
        while len(self._buffer) >= _HEADER.size:
            position, length, key = _HEADER.unpack_from(self._buffer)
            if len(self._buffer) < _HEADER.size + length:
                break
            body = bytes(self._buffer[_HEADER.size : _HEADER.size + length])
            del self._buffer[: _HEADER.size + length]
            self._received[position] = (key.decode("ascii"), body)

    def close(self) -> None:
        """Stop listening; the helper, if still working, ends at its next write (its pipe is closed)."""
        if not self._open:
            return
        self._open = self._sending = False
        os.close(self._pipe)
        os.waitpid(self._pid, 0)
        self._received.clear()
        log.debug("pmkb: a second process converted %d of %d pages", self.taken, len(self._order))


def _convert_backwards(
    pages: list[File],
    on_page_markdown: MarkdownHook,
    cache: PageRenderCache,
    config: MkDocsConfig,
    files: Files,
    positions: MeetingPositions,
    pipe: int,
) -> None:
    """The helper: from the last page back to the build's position, convert what the cache lacks."""
    for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
        logger.handlers = [logging.NullHandler()]  # what it logs is sent with each conversion, not printed here
    with os.fdopen(pipe, "wb") as out:
        for position in range(len(pages) - 1, -1, -1):
            positions.helper = position
            if positions.build >= position:
                break  # the build got here first
            key, conversion, page = "", b"", None
            try:
                file = pages[position]
                page = file.page if file.page is not None else Page(None, file, config)
                page.read_source(config)
                markdown = on_page_markdown(page.markdown, page=page, config=config, files=files)
                if markdown is not None:
                    page.markdown = markdown
                key = cache.key(page, files)
                if not cache.holds(key):
                    conversion = cache.converted(page, config, files)
            except Exception:  # noqa: BLE001 -- the build converts this page itself and reports any error
                key, conversion = "", b""
            if page is not None:  # sent, so not kept: else the helper holds the text of every page it converted
                page.markdown = page.content = None
            out.write(_HEADER.pack(position, len(conversion), key.encode("ascii").ljust(40)[:40]))
            out.write(conversion)
            out.flush()
