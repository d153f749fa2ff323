"""pmkb's pages keep their HTML compressed while MkDocs is not using it, and drop their Markdown.

MkDocs converts every page first and writes them afterwards, so all pages'
`content` and `markdown` are held at once. A Python string with a single
character beyond Latin-1 (a dash, an arrow, a name) stores every character in
two bytes: at 3,000 postmortems the two were about 130 MB of the build's peak.
The HTML is kept as UTF-8 bytes compressed by zlib at its fastest level: at
3,000 postmortems 48 MB of UTF-8 become 14 MB (a review page's inline charts
compress best) for about 0.2 ms a page, 0.6 s in a build of a minute or more. The Markdown is pmkb's own rendering of
the page (not the author's file), and nothing reads it once the page is
converted (MkDocs only checks it is not None; Material's plugins read it earlier):
it becomes the placeholder for good.

A page is parked once every plugin has seen its HTML (`on_page_content`,
last), unparked before anything renders it (`on_page_context`, first: the
theme and the search plugin read `page.content` there), and parked again after
its output is final (`on_post_page`, last). Only a plugin that reads *another*
page's `content` while pages are being written, or a page's `markdown` after
its conversion, sees the placeholder; the README says so.
"""

from __future__ import annotations

import zlib

from mkdocs.structure.pages import Page

__all__ = ["PLACEHOLDER", "ParkedPages"]

# zlib's fastest level: most of the saving of the best level (HTML repeats itself) at a fraction of its time.
_LEVEL = 1

PLACEHOLDER = "<!-- pmkb: this page is restored when MkDocs writes it -->"


class ParkedPages:
    def __init__(self) -> None:
        self._parked: dict[str, bytes] = {}
        # The strings handed back by `unpark`: if the page still holds them, nobody changed it.
        self._lent: dict[str, str] = {}

    def park(self, page: Page) -> None:
        """Keep the page's HTML compressed; the page holds a short placeholder meanwhile, and for its Markdown."""
        if page.content is None or page.content is PLACEHOLDER:
            return
        self._parked[page.file.src_uri] = zlib.compress(page.content.encode("utf-8", "surrogatepass"), _LEVEL)
        page.content = PLACEHOLDER
        if page.markdown is not None:
            page.markdown = PLACEHOLDER

    def unpark(self, page: Page) -> None:
        """Give the page its own HTML back (the bytes stay, so parking it again is free)."""
        parked = self._parked.get(page.file.src_uri)
        if parked is None or page.content is not PLACEHOLDER:
            return
        page.content = self._lent[page.file.src_uri] = zlib.decompress(parked).decode("utf-8", "surrogatepass")

    def park_again(self, page: Page) -> None:
        """After the page's output is final: back to the placeholder, unless a plugin changed the page."""
        lent = self._lent.pop(page.file.src_uri, None)
        if lent is None:
            return
        if page.content is lent:
            page.content = PLACEHOLDER
        else:  # a plugin changed the page: it keeps its version, and the old bytes go
            del self._parked[page.file.src_uri]
