"""A real browser for site tests: Debian's chromium driven by Playwright, and a static server.

A pytest plugin (tests/conftest.py lists it in `pytest_plugins`), so any test may ask for its fixtures;
`serve` is imported where needed (`from .browser import serve`):

- `serve(folder)`: a context manager serving a built site with `http.server`
  on 127.0.0.1 in a thread, yielding its base URL;
- `browser`: one headless chromium per test module (never downloaded: the
  Debian package at /usr/bin/chromium, launched with flags that keep it off
  the network and quiet; module scope: each module gets its own, closed when that module ends, so no
  Playwright loop outlives the browser tests);
- `page`: a fresh page per test (requests beyond 127.0.0.1 are refused), closed afterwards.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

__all__ = ["browser", "page", "serve"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free port of 127.0.0.1; yields 'http://127.0.0.1:PORT/'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's chromium at /usr/bin/chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    # Only our own 127.0.0.1 server: a theme's web-font request must neither hang nor leak.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else route.abort())
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
