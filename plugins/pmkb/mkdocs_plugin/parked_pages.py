"""pmkb's pages keep their HTML as UTF-8 bytes while MkDocs is not using it, and drop their Markdown.

MkDocs converts every page first and writes them afterwards, so all pages'
`content` and `markdown` are held at once. A Python string with a single
character beyond Latin-1 (a dash, an arrow, a name) stores every character in
two bytes: at 3,000 postmortems the two were about 130 MB of the build's peak.
The HTML is kept as UTF-8 bytes, half of that at a tenth of zlib's time (about
25 ms per 1,000 pages, against 170 ms). The Markdown is pmkb's own rendering of
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

from mkdocs.structure.pages import Page

__all__ = ["PLACEHOLDER", "ParkedPages"]

PLACEHOLDER = "<!-- pmkb: this page is restored when MkDocs writes it -->"


class ParkedPages:
    def __init__(self) -> None:
        self._parked: dict[str, bytes] = {}
        # The strings handed back by `unpark`: if the page still holds them, nobody changed it.
        self._lent: dict[str, str] = {}

    def park(self, page: Page) -> None:
        """Keep the page's HTML as bytes; the page holds a short placeholder meanwhile, and for its Markdown."""
        if page.content is None or page.content is PLACEHOLDER:
            return
        self._parked[page.file.src_uri] = page.content.encode("utf-8", "surrogatepass")
        page.content = PLACEHOLDER
        if page.markdown is not None:
            page.markdown = PLACEHOLDER

    def unpark(self, page: Page) -> None:
        """Give the page its own HTML back (the bytes stay, so parking it again is free)."""
        parked = self._parked.get(page.file.src_uri)
        if parked is None or page.content is not PLACEHOLDER:
            return
        page.content = self._lent[page.file.src_uri] = parked.decode("utf-8", "surrogatepass")

    def park_again(self, page: Page) -> None:
        """After the page's output is final: back to the placeholder, unless a plugin changed the page."""
        lent = self._lent.pop(page.file.src_uri, None)
        if lent is None:
            return
        if page.content is lent:
            page.content = PLACEHOLDER
        else:  # a plugin changed the page: it keeps its version, and the old bytes go
            del self._parked[page.file.src_uri]
