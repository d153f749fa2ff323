#!/usr/bin/env python3
"""Search benchmark at N postmortems (default 5000): whoosh index, queries, similar incidents, site index.

    scripts/bench_search.py [N]          (or: scripts/bench search 5000)

Generates a synthetic KB with scripts/gen_corpus.py (about 1,000 words per
postmortem) and prints:

- the full whoosh index build (`.pmkb/search`, first `pmkb search`), an
  incremental update after one file changed, and a no-change open (what every
  `pmkb search` pays to confirm the index is current);
- `pmkb search` latency in-process over 200 queries (p50/p95; target p95 < 50 ms), and the
  wall time of a cold `pmkb search` command (a new process: imports, index open, model load);
- similar incidents for every postmortem page (what the build's prepare() does),
  as a share of the whole `mkdocs build` (target < 15%);
- the size of Material's search/search_index.json (target < 20 MB).

Figures only, never assertions; the synthetic text is drawn from a ~150-word
vocabulary, so every query word matches most documents: a worst case for latency.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from gen_corpus import VOCABULARY, generate  # noqa: E402

from pmkb.knowledge.base import KnowledgeBase  # noqa: E402
from pmkb.search import SearchIndex  # noqa: E402
from pmkb.settings import load_settings  # noqa: E402
from pmkb.site.feature import BuildContext  # noqa: E402
from pmkb.site.similar_incidents import similar_for_site  # noqa: E402
from pmkb.render.templates import Renderer  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
ENV.pop("JIRA_URL", None)


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    words = [w for w in VOCABULARY if not w.isdigit()]
    out = []
    for index in range(count):
        text = " ".join(rng.sample(words, rng.randint(2, 5)))
        if index % 4 == 1:
            text += f" severity:SEV{rng.randint(1, 4)}"
        elif index % 4 == 2:
            text += " service:checkout"
        elif index % 4 == 3:
            text += f" date:{rng.randint(2022, 2026)}"
        out.append(text)
    return out


def cold_cli(root: Path, runs: int = 5) -> None:
    """Wall time of whole `pmkb search` processes on a current index (median of `runs`)."""
    for fmt in ("json", "text"):
        times = []
        for text in queries(runs, seed=13):
            start = time.perf_counter()
            subprocess.run([str(BIN / "pmkb"), "search", text, "--format", fmt], cwd=root, env=ENV, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"search: cold `pmkb search --format {fmt}` (a new process), median {statistics.median(times) * 1000:.0f} ms "
              f"over {runs} runs")


def realistic_corpus(n: int, out: Path) -> None:
    """N postmortems cut from the demo KB's real text (ids and dates renumbered), with its runbooks.

    Real words have real document frequencies (a query word matches some documents, not
    all of them), unlike the synthetic corpus's 150-word vocabulary.
    """
    import re

    out.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "incident-types.yml"):
        shutil.copy(REPO / name, out / name)
    shutil.copytree(REPO / "runbooks", out / "runbooks", dirs_exist_ok=True)
    (out / "docs").mkdir(exist_ok=True)
    (out / "docs" / "index.md").write_text("# Realistic KB\n")
    sources = [p.read_text(encoding="utf-8") for p in sorted((REPO / "postmortems").rglob("*.md"))]
    folder = out / "postmortems"
    folder.mkdir(exist_ok=True)
    for index in range(n):
        text = sources[index % len(sources)]
        text = re.sub(r"^id: .*$", f"id: PM-2026-{index + 1:04d}", text, count=1, flags=re.M)
        text = re.sub(r"^related: .*\n", "", text, flags=re.M)
        (folder / f"pm-{index + 1:04d}.md").write_text(text, encoding="utf-8")


def realistic_latency(n: int) -> None:
    import yaml

    root = REPO / "bench-out" / f"search-realistic-{n}"
    if not (root / "mkdocs.yml").exists():
        realistic_corpus(n, root)
    settings = load_settings(root / "mkdocs.yml")
    build_s, index = timed(SearchIndex.open, root, settings)
    cases = yaml.safe_load((REPO / "tests" / "data" / "search_queries.yml").read_text(encoding="utf-8"))
    texts = [case["query"] for case in cases]
    texts = (texts * (200 // len(texts) + 1))[:200]
    for snippets in (True, False):
        latencies = [timed(index.search, text, limit=10, snippets=snippets)[0] * 1000 for text in texts]
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        print(f"search (realistic text: demo postmortems x {n // 28}, the 34 labelled symptom queries): "
              f"{'text with snippets' if snippets else 'json'}, p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms"
              + (f" (index built in {build_s:.1f} s)" if snippets else ""))
    index.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    root = REPO / "bench-out" / f"search-{n}"
    if not (root / "mkdocs.yml").exists():
        print(f"generating {n} postmortems in {root.relative_to(REPO)} ...", flush=True)
        generate(n, root)
    settings = load_settings(root / "mkdocs.yml")
    print(f"N = {n} postmortems, {sum(1 for _ in (root / 'runbooks').glob('*.md'))} runbooks; "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

    # -- whoosh index ---------------------------------------------------------------
    shutil.rmtree(root / ".pmkb" / "search", ignore_errors=True)
    build_s, index = timed(SearchIndex.open, root, settings)
    index.close()
    print(f"index: full build {build_s:.1f} s ({index.count} documents, "
          f"{sum(p.stat().st_size for p in (root / '.pmkb' / 'search').iterdir()) / 1e6:.0f} MB on disk)")
    noop_s, index = timed(SearchIndex.open, root, settings)
    index.close()
    target = sorted((root / "postmortems").rglob("*.md"))[n // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original + "\nA quokka appeared in the dashboards.\n", encoding="utf-8")
        incr_s, index = timed(SearchIndex.open, root, settings)
        assert index.updated == [target.relative_to(root).as_posix()], index.updated
        assert [h.id for h in index.search("quokka")] != []
    finally:
        target.write_text(original, encoding="utf-8")
    print(f"index: incremental update after changing 1 file {incr_s * 1000:.0f} ms; "
          f"open with nothing changed {noop_s * 1000:.0f} ms")

    # -- query latency ----------------------------------------------------------------
    latencies = []
    for text in queries(200):
        seconds, hits = timed(index.search, text, limit=10)
        latencies.append(seconds * 1000)
    index.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(f"search: 200 queries in-process, p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, max {max(latencies):.1f} ms "
          "(text output with snippets, limit 10)")
    latencies = []
    index = SearchIndex.open(root, settings)
    for text in queries(200, seed=12):
        seconds, _ = timed(index.search, text, limit=10, snippets=False)
        latencies.append(seconds * 1000)
    index.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(f"search: 200 queries in-process, json (no snippets), p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms")

    cold_cli(root)
    realistic_latency(n)

    # -- similar incidents vs the whole build -------------------------------------------
    kb = KnowledgeBase.load(root, settings)
    similar_s, found = timed(similar_for_site, BuildContext(kb=kb, renderer=Renderer()))
    start = time.perf_counter()
    subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=root, env=ENV, check=True, capture_output=True)
    build_total = time.perf_counter() - start
    print(f"similar incidents: all {len(found)} pages in {similar_s:.2f} s = {similar_s / build_total:.1%} "
          f"of mkdocs build ({build_total:.1f} s)")

    size = (root / "site" / "search" / "search_index.json").stat().st_size
    print(f"site: search/search_index.json {size / 1e6:.1f} MB ({size / n / 1000:.2f} kB per postmortem)")


if __name__ == "__main__":
    main()
