"""`mkdocs serve`: the content folders are watched and nothing leaks from one rebuild to the next."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .conftest import BIN, KB, VALID_PM

PM = "postmortems/2026/pm-2026-001.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = _get(url)
        if needle in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} did not appear at {url}; last page: {page[:500]!r}")


@pytest.mark.slow  # a real `mkdocs serve` process, its first build and two rebuilds
def test_serve_rebuilds_from_the_content_folders_without_stale_state(kb: KB) -> None:
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=kb.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        page_url = base + "postmortems/2026/pm-2026-001/"
        _wait_for(page_url, "Checkout errors from pool exhaustion")

        # An edit in postmortems/ (outside docs/) is picked up.
        kb.write(PM, VALID_PM.replace("Checkout errors from pool exhaustion", "Renamed while serving"))
        _wait_for(page_url, "Renamed while serving")

        # A second postmortem appears in the generated index; then goes away again.
        second = kb.write(
            "postmortems/2026/pm-2026-002.md",
            VALID_PM.replace("PM-2026-001", "PM-2026-002").replace("Checkout errors from pool exhaustion", "Second one"),
        )
        _wait_for(base + "postmortems/", "PM-2026-002")
        second.unlink()
        deadline = time.monotonic() + 60
        while "PM-2026-002" in _get(base + "postmortems/") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "PM-2026-002" not in _get(base + "postmortems/"), "a deleted postmortem stayed in the index"

        # The taxonomy file is watched too: the type's title changes on the page.
        kb.write("incident-types.yml", "db-pool:\n  title: Pool ran dry\ncache-stale:\n  title: Stale\n")
        _wait_for(page_url, "Pool ran dry")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
