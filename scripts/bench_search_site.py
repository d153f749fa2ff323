#!/usr/bin/env python3
"""Site search at scale: index bytes, bytes per query, latency in chromium, build share.

    scripts/bench search-site [N ...]        (default: 5000)
    scripts/bench search-site --quality      the two labelled query sets on the demo site
    scripts/bench search-site 5000 50000 --full-build-max 5000
        sizes above the cap get the search index only (in the smaller site's
        pages) and a build time extrapolated linearly: a full 50,000 build
        takes most of an hour on 2 shared cores

For each N it generates a synthetic KB (scripts/gen_corpus.py, kept in
bench-out/ for the next run), builds it with `mkdocs build` in a fresh
process and prints:

- build: the whole build's wall time and the share spent writing the search
  index (pmkb.site.search_static.write_site_search; Material's own search
  plugin no longer parses postmortem and runbook pages);
- index: bytes of search/pmkb/ (terms, stored fields), per document, and what
  every page loads before any query (the client script, Material's emptied index);
- per query, each from a cold browser (a new context: empty cache) on the
  home page, from opening the box (which fetches the manifest) to the results, typed into the header box 120 ms per key (every prefix searched): bytes fetched after the first
  keystroke, and the time from the last keystroke's input event to the
  results painted (the client records it in window.pmkbSearch.timing).

Figures, never assertions; the machine is named in the output.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))
from gen_corpus import generate  # noqa: E402

OUT = REPO / "bench-out"
# 120 ms a key (about 100 words a minute) is slower than the client's 60 ms pause, so every
# prefix of every word is searched as it is typed: the most bytes a query can cost.
TYPING_MS = 120
CHROMIUM = "/usr/bin/chromium"
# Symptom phrases in the synthetic corpus's vocabulary, plus fielded filters.
QUERIES = [
    "connection pool exhausted timeout",
    "checkout p99 latency error rate after deploy",
    "queue consumer lag partition offset",
    "certificate expiry renewal",
    "dns resolver nxdomain",
    "disk volume inode log rotation",
    "cache invalidation stale ttl key eviction",
    "replica primary failover rollback canary config flag",
    "severity:SEV1 service:checkout timeout",
    "type:disk-full",
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _build_here(project: Path) -> None:
    """One build in this process (the child of `build`): prints the timings as JSON."""
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from pmkb.site import search_static

    spent = [0.0]
    original = search_static.write_site_search

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    search_static.write_site_search = timed
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    started = time.perf_counter()
    mkdocs_build(load_config(str(project / "mkdocs.yml")))
    print(json.dumps({"build": time.perf_counter() - started, "search": spent[0]}))


def build(project: Path) -> dict:
    site = project / "site"
    if site.exists():
        shutil.rmtree(site)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
    env.pop("JIRA_URL", None)
    done = subprocess.run([sys.executable, __file__, "--build", str(project)], cwd=project, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def browse(site: Path, queries: list[str]) -> list[dict]:
    """Each query from a cold browser context: bytes after the first keystroke, keystroke-to-paint ms."""
    from playwright.sync_api import sync_playwright

    from tests.search_box import open_box, type_query

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for text in queries:
                context = browser.new_context()
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
                page = context.new_page()
                fetched: list[tuple[str, int]] = []
                page.on("requestfinished", lambda request: fetched.append((request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])))
                page.goto(base)
                page.wait_for_load_state("networkidle")
                before = len(fetched)  # from here: opening the box (the manifest), then the query
                open_box(page, base, navigate=False)
                hits = type_query(page, text, timeout_ms=60_000, delay_ms=TYPING_MS)
                page.wait_for_function("window.pmkbSearch.timing && window.pmkbSearch.timing.query === document.querySelector('[data-md-component=search-query]').value")
                timing = page.evaluate("window.pmkbSearch.timing.ms")
                loaded = fetched[:before]
                rows.append({
                    "query": text,
                    "hits": len(hits),
                    "query_bytes": sum(size for _, size in fetched[before:]),
                    "query_files": len(fetched) - before,
                    "page_search_bytes": sum(size for url, size in loaded if "/search" in url),
                    "ms": timing,
                })
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def quality() -> None:
    """Findability of both labelled query sets, typed into the demo site's box."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.browser import build_demo
    from tests.search_box import findability, open_box, query_set

    with tempfile.TemporaryDirectory() as tmp:
        site = build_demo(Path(tmp))
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            page = context.new_page()
            open_box(page, base)
            for name in ("demo", "held-out"):
                cases = query_set(name)
                found, misses = findability(page, cases)
                print(f"{name}: {found}/{len(cases)} = {found / len(cases):.0%} of symptom queries list the expected type in the top 3")
                for miss in misses:
                    print("  miss:", miss)
            browser.close()
        server.shutdown()
        server.server_close()


def index_only(project: Path, shell: Path) -> dict:
    """Beyond --full-build-max: the search index alone, written into a copy of a smaller built site.

    The pages themselves do not change what a query fetches (the box is in every page's
    header); the build time is extrapolated linearly from the largest full build.
    """
    from datetime import date

    from pmkb.knowledge.base import KnowledgeBase
    from pmkb.settings import load_settings
    from pmkb.site import search_static
    from pmkb.urls import SiteOptions

    site = project / "site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(shell, site)
    shutil.rmtree(site / "search" / "pmkb")  # the smaller KB's index
    started = time.perf_counter()
    kb = KnowledgeBase.load(project, load_settings(project / "mkdocs.yml"), as_of=date(2026, 11, 28))
    loaded = time.perf_counter()
    search_static.write_site_search(kb, SiteOptions(), site, project / "docs")
    return {"load": loaded - started, "search": time.perf_counter() - loaded}


def main(sizes: list[int], full_build_max: int | None) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; chromium {CHROMIUM}")
    per_doc_build = None
    shell = None
    for n in sizes:
        project = OUT / f"search-site-{n}"
        if not (project / "mkdocs.yml").exists():
            started = time.perf_counter()
            generate(n, project)
            print(f"N={n}: corpus generated in {time.perf_counter() - started:.0f} s")
        if full_build_max is None or n <= full_build_max or shell is None:
            times = build(project)
            per_doc_build = times["build"] / n
            shell = project / "site"
        else:
            only = index_only(project, shell)
            times = {"build": per_doc_build * n, "search": only["search"]}
            print(f"N={n}: no full build (over --full-build-max); KB load {only['load']:.0f} s, build time extrapolated "
                  f"linearly from the largest full build: {times['build']:.0f} s")
        site = project / "site"
        index_bytes, index_files = folder_bytes(site / "search" / "pmkb")
        manifest = json.loads((site / "search" / "pmkb" / "manifest.json").read_text())
        docs = manifest["docs"]
        print(f"N={n}: build {times['build']:.1f} s, search index {times['search']:.1f} s = {times['search'] / times['build']:.1%} of the build")
        print(f"N={n}: index {index_bytes / 1e6:.1f} MB in {index_files} files ({manifest['shards']} term shards), "
              f"{index_bytes / docs:.0f} bytes per document ({docs} documents); "
              f"Material's index now {(site / 'search' / 'search_index.json').stat().st_size} bytes")
        rows = browse(site, QUERIES)
        for row in rows:
            print(f"  {row['query']!r}: {row['hits']} hits, {row['query_bytes'] / 1e3:.0f} kB in {row['query_files']} files, {row['ms']:.0f} ms")
        q_bytes = [r["query_bytes"] for r in rows]
        ms = [r["ms"] for r in rows]
        print(f"N={n}: first query from a cold browser: bytes median {statistics.median(q_bytes) / 1e3:.0f} kB, max {max(q_bytes) / 1e3:.0f} kB "
              f"(+ {rows[0]['page_search_bytes'] / 1e3:.0f} kB of search assets with the page); "
              f"keystroke to results median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        _build_here(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["--quality"]:
        quality()
    else:
        args = sys.argv[1:]
        cap = None
        if "--full-build-max" in args:
            at = args.index("--full-build-max")
            cap = int(args[at + 1])
            del args[at:at + 2]
        main([int(a) for a in args] or [5000], cap)
