#!/usr/bin/env python3
"""Metrics and monthly reviews benchmark: the cost of `metrics/` and `reviews/` per build.

    scripts/bench_reviews.py [N ...]        (default: 1000 5000)

For each N it generates a synthetic KB (scripts/gen_corpus.py) and prints, in
this process: loading the KB (the baseline every build pays anyway), building
the month index and every month's review (linear in postmortems and action
items), drawing the charts (matplotlib; a fixed number per month), rendering
the review pages and decks, and `pmkb review` for one month as a whole
command. Figures, never timed assertions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from gen_corpus import generate  # noqa: E402

from pmkb.actions.facts import action_item_facts  # noqa: E402
from pmkb.site.charts import metrics_charts, review_charts  # noqa: E402
from pmkb.site.chart_drawing import render_svg  # noqa: E402
from pmkb.knowledge.base import KnowledgeBase  # noqa: E402
from pmkb.render.templates import Renderer  # noqa: E402
from pmkb.reviews.render import ChartImage, review_markdown, review_slides  # noqa: E402
from pmkb.reviews.review import MonthIndex, major_levels  # noqa: E402
from pmkb.settings import load_settings  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
ENV.pop("JIRA_URL", None)
OUT = REPO / "bench-out"


def _timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    print(f"  {label:<38}{time.perf_counter() - start:8.2f} s")
    return result


def bench(n: int) -> None:
    root = OUT / f"reviews-{n}"
    shutil.rmtree(root, ignore_errors=True)
    generate(n, root)
    print(f"N = {n} postmortems")
    kb = _timed("load KB (baseline)", lambda: KnowledgeBase.load(root, load_settings(root / "mkdocs.yml"), as_of=date(2026, 11, 28)))
    _timed("knowledge model (baseline)", lambda: kb.facts)
    facts = _timed("action-item facts (baseline)", lambda: action_item_facts(kb, None))
    index = _timed("month index", lambda: MonthIndex.build(kb, facts))
    reviews = _timed(f"reviews of {len(index.months)} months", lambda: [index.review(m) for m in index.months])
    charts = metrics_charts(index) + [c for m in index.months for c in review_charts(index, m)]
    svgs = _timed(f"draw {len(charts)} charts", lambda: [render_svg(c) for c in charts])
    renderer = Renderer()
    levels = major_levels(kb)
    pages = _timed(
        "render review pages and decks",
        lambda: [
            (review_markdown(r, renderer, levels), review_slides(r, renderer, levels, [ChartImage(svgs[0], "x")], "bench"))
            for r in reviews
        ],
    )
    size = sum(len(a) + len(b) for a, b in pages)
    print(f"  {'pages + decks size':<38}{size / 1e6:8.2f} MB ({size / max(n, 1):.0f} B per postmortem)")
    month = index.months[len(index.months) // 2]
    start = time.perf_counter()
    subprocess.run([str(BIN / "pmkb"), "review", month, "--format", "json", "--config", str(root / "mkdocs.yml")],
                   check=True, capture_output=True, env=ENV)  # fmt: skip
    print(f"  {'pmkb review ' + month + ' (whole command)':<38}{time.perf_counter() - start:8.2f} s")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for n in sizes:
        bench(n)


if __name__ == "__main__":
    main()
