"""The `url` of every api/*.json entry is a page the build wrote, with and without directory URLs."""

from __future__ import annotations

import json

import pytest

from .conftest import KB
from .search_support import add_disk_incidents


@pytest.mark.parametrize("directory_urls", [False, True])
def test_every_exported_url_points_at_a_built_page(kb: KB, directory_urls: bool) -> None:
    add_disk_incidents(kb)
    kb.write("mkdocs.yml", f"use_directory_urls: {str(directory_urls).lower()}\n" + (kb.root / "mkdocs.yml").read_text())
    result = kb.mkdocs("build")
    assert result.returncode == 0, result.stderr[-3000:]
    site = kb.root / "site"
    urls = [entry["url"] for name in ("postmortems", "incident-types") for entry in json.loads(kb.site(f"api/{name}.json"))]
    assert len(urls) == 3 + 3  # three postmortems, three incident types
    for url in urls:
        assert not url.startswith(("/", "http")), url  # site-relative
        target = site / url / "index.html" if url.endswith("/") else site / url
        assert target.is_file(), f"{url} -> {target} is not in the built site"
        assert url.endswith("/") == directory_urls
