"""pmkb's pages keep their HTML and Markdown as UTF-8 bytes while MkDocs is not using them.

MkDocs converts every page first and writes them afterwards, so all pages'
`content` and `markdown` are held at once. A Python string with a single
character beyond Latin-1 (a dash, an arrow, a name) stores every character in
two bytes: at 3,000 postmortems that was about 100 MB of the build's peak.
UTF-8 bytes take half of that at a tenth of zlib's time (about 25 ms per
1,000 pages, against 170 ms).

A page is parked once every plugin has seen its HTML (`on_page_content`,
last), unparked before anything renders it (`on_page_context`, first: the
theme and the search plugin read `page.content` there), and parked again after
its output is final (`on_post_page`, last). Only a plugin that reads *another*
page's `content` or `markdown` while pages are being written sees the
placeholder; the README says so.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page

__all__ = ["PLACEHOLDER", "ParkedPages"]

PLACEHOLDER = "<!-- pmkb: this page's HTML is restored when MkDocs writes the page -->"


class ParkedPages:
    def __init__(self) -> None:
        self._parked: dict[str, tuple[bytes, bytes | None]] = {}
        # The strings handed back by `unpark`: if the page still holds them, nobody changed it.
        self._lent: dict[str, tuple[str, str | None]] = {}

    def park(self, page: Page) -> None:
        """Keep the page's HTML and Markdown as bytes; the page holds a short placeholder meanwhile."""
        if page.content is None or page.content is PLACEHOLDER:
            return
        markdown = page.markdown.encode("utf-8", "surrogatepass") if page.markdown is not None else None
        self._parked[page.file.src_uri] = (page.content.encode("utf-8", "surrogatepass"), markdown)
        page.content = PLACEHOLDER
        if markdown is not None:
            page.markdown = PLACEHOLDER

    def unpark(self, page: Page) -> None:
        """Give the page its own HTML and Markdown back (the bytes stay, so parking it again is free)."""
        parked = self._parked.get(page.file.src_uri)
        if parked is None or page.content is not PLACEHOLDER:
            return
        content, markdown = parked
        page.content = content.decode("utf-8", "surrogatepass")
        if markdown is not None:
            page.markdown = markdown.decode("utf-8", "surrogatepass")
        self._lent[page.file.src_uri] = (page.content, page.markdown)

    def park_again(self, page: Page) -> None:
        """After the page's output is final: back to the placeholder, unless a plugin changed the page."""
        lent = self._lent.pop(page.file.src_uri, None)
        if lent is None:
            return
        if page.content is lent[0] and page.markdown is lent[1]:
            page.content = PLACEHOLDER
            if page.markdown is not None:
                page.markdown = PLACEHOLDER
        else:  # a plugin changed the page: it keeps its version, and the old bytes go
            del self._parked[page.file.src_uri]
