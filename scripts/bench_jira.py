#!/usr/bin/env python3
"""Jira benchmark: sync cost in requests and time, and the build's action-item share.

    scripts/bench_jira.py [--items N] [--postmortems M]      (defaults: 10000, 5000)

1. Sync N action items' tickets with the real `jira` client against the local
   Jira-compatible server (tests/jira_server.py, real HTTP on 127.0.0.1), as
   Jira Cloud (search/jql, 100 per page) and Data Center (search, 50 per page),
   with all keys known and with 10 unknown keys spread over the batches.
   Targets: requests <= ceil(N/100)+3 (Cloud) and <= ceil(N/50)+3 (Data Center).
2. Generate M postmortems (scripts/gen_corpus.py), sync their tickets into a
   cache, run `mkdocs build` from that cache, and time, in this process on the
   same KB, everything the action-items feature does in a build (cache load,
   facts, problems, the action-items page, every postmortem's rows, the JSON
   export). Target: under 5% of the build.

Prints figures; never asserts on time.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from pmkb.actions.cache import JiraCache, load_cache, write_cache  # noqa: E402
from pmkb.actions.sync import JiraCredentials, sync_cache  # noqa: E402
from pmkb.actions.view import action_item_keys, cache_path  # noqa: E402
from pmkb.knowledge.base import KnowledgeBase  # noqa: E402
from pmkb.render.templates import Renderer  # noqa: E402
from pmkb.settings import load_settings  # noqa: E402
from pmkb.site.action_items import ActionItems  # noqa: E402
from pmkb.site.feature import BuildContext  # noqa: E402
from tests.jira_server import FakeIssue, JiraServer  # noqa: E402

BIN = Path(sys.executable).parent
STATUSES = [("To Do", "new"), ("In Progress", "indeterminate"), ("In Review", "indeterminate"), ("Done", "done")]


def fill(server: JiraServer, keys: list[str]) -> None:
    for n, key in enumerate(keys):
        status, category = STATUSES[n % len(STATUSES)]
        server.issues[key] = FakeIssue(
            status=status,
            category=category,
            duedate=date(2026, 6, 1) + timedelta(days=n % 200) if n % 5 else None,
            resolution="Done" if category == "done" else None,
            resolved=date(2026, 6, 1) + timedelta(days=n % 150) if category == "done" else None,
        )


def bench_sync(n: int) -> None:
    print(f"== sync of {n:,} action items (real jira client, local server on 127.0.0.1)")
    keys = [f"OPS-{i}" for i in range(1, n + 1)]
    unknown = set(keys[:: max(1, n // 10)][:10])
    for deployment, per_page in (("Cloud", 100), ("Server", 50)):
        target = math.ceil(n / per_page) + 3
        for label, missing in (("all keys known", set()), (f"{len(unknown)} unknown keys", unknown)):
            server = JiraServer(deployment=deployment).start()
            try:
                fill(server, [k for k in keys if k not in missing])
                credentials = JiraCredentials.from_env(server.env())
                assert credentials is not None
                previous = JiraCache()
                # A second sync with the first one's cache: unknown keys are then batched apart.
                for run in ("first sync", "next sync") if missing else ("first sync",):
                    seen_before = len(server.log)
                    started = time.perf_counter()
                    result = sync_cache(keys, credentials, previous, page_size=100)
                    seconds = time.perf_counter() - started
                    with tempfile.TemporaryDirectory() as tmp:
                        t0 = time.perf_counter()
                        write_cache(Path(tmp) / "jira-cache.json", result.cache)
                        write_s = time.perf_counter() - t0
                    previous = result.cache
                    name = "Cloud" if deployment == "Cloud" else "Data Center"
                    verdict = "ok" if result.requests <= target else "over target"
                    print(
                        f"  {name:<11} {label:<16} {run:<10} requests {result.requests:>4} "
                        f"(server saw {len(server.log) - seen_before}; target <= {target}: {verdict})  "
                        f"issues {result.issues:>6}  unknown {len(result.unknown):>2}  "
                        f"wall {seconds:5.2f} s ({n / seconds:,.0f} items/s)  cache write {write_s:.2f} s"
                    )
            finally:
                server.stop()


def bench_build(m: int) -> None:
    from gen_corpus import generate

    print(f"== build share of action-item work at {m:,} postmortems")
    out = Path(tempfile.mkdtemp(prefix="pmkb-bench-jira-"))
    try:
        generate(m, out)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
        for name in ("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT"):
            env.pop(name, None)
        settings = load_settings(out / "mkdocs.yml")
        kb = KnowledgeBase.load(out, settings)
        keys = action_item_keys(kb)
        server = JiraServer(deployment="Cloud").start()
        try:
            fill(server, keys)
            credentials = JiraCredentials.from_env(server.env())
            assert credentials is not None
            result = sync_cache(keys, credentials, JiraCache(), page_size=100)
            write_cache(cache_path(kb), result.cache)
            print(f"  corpus: {len(kb.postmortems):,} postmortems, {len(keys):,} tickets; sync {result.requests} requests, {result.seconds:.1f} s")
        finally:
            server.stop()

        started = time.perf_counter()
        subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=out, env=env, check=True, capture_output=True)
        build_s = time.perf_counter() - started
        html = (out / "site" / "action-items" / "index.html").stat().st_size
        export = (out / "site" / "api" / "action-items.json").stat().st_size

        # The feature's whole share of a build, measured in-process on the same KB.
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        feature = ActionItems()
        ctx = BuildContext(kb=kb, renderer=Renderer())
        len(ctx.action_items)  # the context derives them on first use
        timings["prepare (cache load + facts)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        feature.problems(ctx)
        timings["problems"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        page = feature.pages(ctx)["action-items/index.md"](lambda src: "../" + src)
        timings["action-items page"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = sum(len(ctx.action_items_of(doc)) for doc in kb.postmortems)
        timings["rows of every postmortem page"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        feature.exports(ctx)
        timings["api/action-items.json data"] = time.perf_counter() - t0
        total = sum(timings.values())
        for label, seconds in timings.items():
            print(f"  {label:<32} {seconds:6.3f} s")
        print(
            f"  action-item work {total:.2f} s of a {build_s:.1f} s build = {100 * total / build_s:.1f}% "
            f"(target < 5%); {len(feature.facts):,} items, {rows:,} rows, page {len(page) / 1e6:.1f} MB Markdown, "
            f"{html / 1e6:.1f} MB HTML, export {export / 1e6:.1f} MB"
        )
        loaded = load_cache(cache_path(kb))
        assert loaded.problem is None
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--postmortems", type=int, default=5_000)
    args = parser.parse_args()
    bench_sync(args.items)
    bench_build(args.postmortems)


if __name__ == "__main__":
    main()
