#!/usr/bin/env python3
"""Foundation benchmark: `pmkb check` and `mkdocs build` against bare baselines.

    scripts/bench_core.py [N ...]        (default: 1000 3000)
    scripts/bench_core.py --check [--runs R] [N ...]   the check figures alone (default: 3000, 3 rounds)

For each N it generates a synthetic KB (scripts/gen_corpus.py) and prints:

- check: `KnowledgeBase.load`, the blameless check and formatting every problem
  (what `pmkb check` does) against a bare baseline that reads the same files
  and parses their front matter with yaml.load and the C loader, both in this
  process; and both as whole commands (interpreter start-up included), with
  their CPU time. Cold: no `.pmkb/` (goal <= 4x); warm: nothing changed since
  the last run, `.pmkb/check/` kept (goal <= 1.5x). Rounds alternate baseline
  and pmkb; each figure is the median of the rounds' ratios.
- build: `mkdocs build` with the plugin against the same Markdown under
  docs/ with the plugin left out and the pages kept out of the nav
  (`not_in_nav`): cold (no `.pmkb/`, goal <= 2x), kept (nothing changed) and
  one postmortem edited with `.pmkb/` kept (goal <= 1.3x), each in a fresh
  process, with the peak memory of each process (goal <= 1.5x at 3,000) and of
  it with the workers it forks (`TreeMemory`). Site
  size per postmortem must stay linear (within 15% between the smallest and
  the largest N).

    scripts/bench_core.py --build-only [--runs R] [N ...]   the build figures alone (default: 1000 3000)

Figures are ratios within one run on one machine, never timed assertions.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from gen_corpus import generate  # noqa: E402

from pmkb.knowledge.base import KnowledgeBase  # noqa: E402
from pmkb.settings import load_settings  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
ENV.pop("JIRA_URL", None)
OUT = REPO / "bench-out"


def bare_check(root: Path) -> int:
    """Read every file and parse its front matter with libyaml: the floor for any checker."""
    parsed = 0
    for folder in ("postmortems", "runbooks"):
        for path in sorted((root / folder).rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            end = text.index("\n---", 3)
            yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            parsed += 1
    return parsed


def pmkb_check(root: Path, lint: bool = True, cache: bool = False) -> int:
    """What `pmkb check` does in-process (load, blameless check, format), without or with `.pmkb/check/`."""
    from pmkb.lint.check import blameless_check

    kb = KnowledgeBase.load(root, load_settings(root / "mkdocs.yml"), as_of=date(2026, 11, 28), cache=cache)
    found = [*kb.diagnostics, *(blameless_check(kb, jobs=os.cpu_count() or 1) if lint else [])]
    lines = [d.as_text() for d in found]
    assert not lines, lines[:3]
    return len(kb.postmortems) + len(kb.runbooks)


def _drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".pmkb", ignore_errors=True)


def check_figures(n: int, runs: int) -> None:
    """`pmkb check` cold (no `.pmkb/`) and warm (nothing changed) against the bare libyaml parse.

    Baseline and pmkb runs alternate, and each ratio is the median of the per-round ratios,
    so a neighbour's load on a shared machine hits both sides of a ratio alike.
    """
    corpus = OUT / f"corpus-{n}"
    if not (corpus / "mkdocs.yml").exists():
        generate(n, corpus)
    bare_args = [
        sys.executable, "-c", f"import sys; sys.path.insert(0, {str(REPO / 'scripts')!r}); "
        f"from bench_core import bare_check; from pathlib import Path; bare_check(Path({str(corpus)!r}))",
    ]  # fmt: skip
    check_args = [str(BIN / "pmkb"), "check"]
    pmkb_check(corpus)  # imports and compiled rules, so in-process figures compare work, not start-up
    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in ("cold in", "warm in", "cold cmd", "warm cmd")}
    cpu: dict[str, list[tuple[float, float]]] = {"cold cmd": [], "warm cmd": []}
    for _ in range(runs):
        _drop_cache(corpus)
        bare = best_of(1, bare_check, corpus)
        rows["cold in"].append((best_of(1, pmkb_check, corpus, True, True), bare))
        bare = best_of(1, bare_check, corpus)
        rows["warm in"].append((best_of(1, pmkb_check, corpus, True, True), bare))
        for label in ("cold cmd", "warm cmd"):
            if label == "cold cmd":
                _drop_cache(corpus)
            bare_wall, bare_cpu = command_times(bare_args, corpus)
            ours_wall, ours_cpu = command_times(check_args, corpus)
            rows[label].append((ours_wall, bare_wall))
            cpu[label].append((ours_cpu, bare_cpu))
    _drop_cache(corpus)
    files = pmkb_check(corpus)
    print(f"\nN={n} ({files} files), pmkb check vs bare libyaml parse, median of {runs} alternated rounds "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    goals = {"cold": 4.0, "warm": 1.5}
    for label, pairs in rows.items():
        what = "in-process" if label.endswith("in") else "command   "
        goal = goals[label.split()[0]]
        ours, bare, ratio, ratios = _medians(pairs)
        print(f"  {label.split()[0]} {what}: pmkb {ours:.2f}s vs bare {bare:.2f}s = {ratio:.2f}x "
              f"(goal <= {goal}x; rounds {', '.join(f'{r:.2f}' for r in ratios)})")
        if label in cpu:
            ours, bare, ratio, ratios = _medians(cpu[label])
            # CPU time hardly moves with a neighbour's load; the cold run spreads it over the cores.
            spread = f"; spread over {os.cpu_count()} idle cores about {ratio / (os.cpu_count() or 1):.2f}x" if label == "cold cmd" else ""
            print(f"    CPU time (user+sys, workers included): {ours:.2f}s vs {bare:.2f}s = {ratio:.2f}x{spread}")


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float, float, list[float]]:
    ratios = sorted(ours / bare for ours, bare in pairs)
    middle = len(pairs) // 2
    return sorted(p[0] for p in pairs)[middle], sorted(p[1] for p in pairs)[middle], ratios[middle], ratios


def best_of(runs: int, func, *args) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def command_times(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system, the command and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def site_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def baseline_project(corpus: Path, target: Path) -> None:
    """The same Markdown as plain MkDocs pages: no pmkb, pages out of the nav."""
    if target.exists():
        shutil.rmtree(target)
    (target / "docs").mkdir(parents=True)
    shutil.copy(corpus / "docs" / "index.md", target / "docs" / "index.md")
    shutil.copytree(corpus / "postmortems", target / "docs" / "postmortems")
    shutil.copytree(corpus / "runbooks", target / "docs" / "runbooks")
    (target / "mkdocs.yml").write_text(
        "site_name: Baseline\ndocs_dir: docs\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n"
        "plugins:\n  - search\n  - tags\n"
        "not_in_nav: |\n  /postmortems/\n  /runbooks/\n"
        "nav:\n  - Home: index.md\n"
    )


class BuildRun(NamedTuple):
    """One `mkdocs build` in a fresh process."""

    seconds: float  # wall clock
    cpu_seconds: float  # user + system, its workers included: a second view, less moved by waiting
    site_bytes: int
    peak_mb: float  # the build process's own peak (ru_maxrss)
    with_workers_mb: float  # it and the workers it forks (`TreeMemory`), at least `peak_mb`


def build(project: Path, core_only: bool = False, clean_site: bool = True) -> BuildRun:
    """`mkdocs build` of the project in a fresh process, timed and measured."""
    site = project / "site"
    if clean_site and site.exists():
        shutil.rmtree(site)
    # The disk first finishes writing what earlier builds wrote (tens of MB each): else this build's
    # own file writes wait behind that writeback (seen here: 0.1 -> 0.5 ms to create a page's file),
    # and each build pays for the one before it, a pmkb build's larger site slowing the next plain one.
    os.sync()
    args = [sys.executable, __file__, "--build", str(project)] + (["--core-only"] if core_only else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = TreeMemory(child.pid)
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree_mb = tree.stop()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args, stdout, stderr)
    peak_mb = int(stdout.split("PEAK_RSS_KB=")[1].split()[0]) / 1024
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # Sampling can miss a short peak of the build process itself (plain Material's, writing its
    # search index): its ru_maxrss is a floor for the whole.
    return BuildRun(seconds, cpu, site_bytes(site), peak_mb, max(tree_mb, peak_mb))


class TreeMemory:
    """The peak memory of a process and the workers it forks, sampled while it runs.

    ru_maxrss counts the build process alone; a cold pmkb build also forks workers (lint,
    charts, a page converter). A forked worker shares the build's pages until either writes
    to them, so what the machine holds is the build's RSS plus each worker's private pages
    (summing every process's RSS would count the shared pages again; PSS would leave out
    what they share with this script). Sampled every `interval` seconds, so a shorter peak
    can be missed: `build` reports at least the process's own ru_maxrss.
    """

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            root, *workers = _process_tree(self.pid)
            held = _memory_kb(root)["Rss"] + sum(_memory_kb(pid)["Private"] for pid in workers)
            self.peak_kb = max(self.peak_kb, held)


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The fields after the command name, which may itself hold spaces and parentheses.
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_kb(pid: int) -> dict[str, int]:
    """The process's resident and private kB (smaps_rollup); zeros once it has ended."""
    held = {"Rss": 0, "Private": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if name == "Rss":
                held["Rss"] = int(value.split()[0])
            elif name in ("Private_Clean", "Private_Dirty"):
                held["Private"] += int(value.split()[0])
    except OSError:
        pass  # the process ended meanwhile
    return held


def _build_here(project: Path, core_only: bool) -> None:
    """Run one build in this process (the child of `build`), then print its peak memory."""
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    if core_only:
        # The foundation alone: header, action-item table, index pages and checks of
        # issue 2, without the later features (types, Jira, search, reviews, linter: BlamelessNote).
        import pmkb.site.features as features
        from pmkb.site.index_pages import IndexPages

        features.FEATURES = (IndexPages,)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mkdocs_build(load_config(str(project / "mkdocs.yml")))
    print(f"PEAK_RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


def _edit_one(corpus: Path, round_number: int) -> None:
    """What an author does between two `mkdocs serve` rebuilds: one sentence added to one postmortem."""
    path = sorted((corpus / "postmortems").rglob("*.md"))[len(list((corpus / "postmortems").rglob("*.md"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nA sentence added in round {round_number} of the benchmark.\n", encoding="utf-8")


def build_figures(n: int, runs: int) -> float:
    """`mkdocs build` of the N-postmortem KB against plain Material on the same Markdown; returns bytes per postmortem.

    Each round builds pmkb cold (no `.pmkb/`), kept (`.pmkb/` from the cold build, nothing
    changed) and one edit (`.pmkb/` kept, one postmortem changed), each in a fresh process and
    each just after a build of the baseline; every ratio is the median of the rounds' ratios
    to the baseline built just before.
    """
    corpus = OUT / f"corpus-{n}"
    if not (corpus / "mkdocs.yml").exists():
        generate(n, corpus)
    base_dir = OUT / f"baseline-{n}"
    baseline_project(corpus, base_dir)
    pristine = {p: p.read_bytes() for p in (corpus / "postmortems").rglob("*.md")}
    seconds: dict[str, list[tuple[float, float]]] = {"cold": [], "kept": [], "one edit": []}
    cpu: dict[str, list[tuple[float, float]]] = {"cold": [], "kept": [], "one edit": []}
    memory: dict[str, list[tuple[float, float]]] = {"cold": [], "one edit": []}
    tree_memory: dict[str, list[tuple[float, float]]] = {"cold": [], "one edit": []}
    sizes: tuple[int, int] = (0, 0)
    try:
        for round_number in range(runs):
            # Plain Material is built again just before each pmkb build, and each ratio is taken
            # against that neighbour: on a machine whose speed drifts within a round (seen here:
            # the same build 15% slower a minute later) a ratio then compares like with like.
            runs_of: dict[str, tuple[BuildRun, BuildRun]] = {}  # label -> (pmkb, plain just before)
            base = build(base_dir)
            _drop_cache(corpus)
            runs_of["cold"] = (build(corpus), base)
            plain = build(base_dir)
            runs_of["kept"] = (build(corpus), plain)
            _edit_one(corpus, round_number)
            plain = build(base_dir)
            runs_of["one edit"] = (build(corpus), plain)
            for label, (ours, neighbour) in runs_of.items():
                seconds[label].append((ours.seconds, neighbour.seconds))
                cpu[label].append((ours.cpu_seconds, neighbour.cpu_seconds))
                if label in memory:  # against the first baseline: memory does not drift
                    memory[label].append((ours.peak_mb, base.peak_mb))
                    tree_memory[label].append((ours.with_workers_mb, base.with_workers_mb))
            sizes = (runs_of["cold"][0].site_bytes, base.site_bytes)
    finally:
        for path, data in pristine.items():
            path.write_bytes(data)
    print(f"\nN={n}, mkdocs build, every feature, vs plain Material on the same Markdown out of the nav, "
          f"median of {runs} round(s) (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    goals = {"cold": 2.0, "kept": 1.3, "one edit": 1.3}
    for label, pairs in seconds.items():
        ours, bare, ratio, ratios = _medians(pairs)
        print(f"  {label:8}: pmkb {ours:.1f}s vs plain {bare:.1f}s = {ratio:.2f}x (goal <= {goals[label]}x; "
              f"rounds {', '.join(f'{r:.2f}' for r in ratios)})")
    for label, pairs in cpu.items():
        ours, bare, ratio, ratios = _medians(pairs)
        print(f"  {label:8} CPU time (workers included): pmkb {ours:.1f}s vs plain {bare:.1f}s = {ratio:.2f}x "
              f"(rounds {', '.join(f'{r:.2f}' for r in ratios)})")
    for label, pairs in memory.items():
        ours, bare, ratio, _ = _medians(pairs)
        print(f"  peak memory, {label}: pmkb {ours:.0f} MB vs plain {bare:.0f} MB = {ratio:.2f}x (goal <= 1.5x at 3,000)")
    for label, pairs in tree_memory.items():
        ours, bare, ratio, _ = _medians(pairs)
        print(f"  peak memory with forked workers, {label}: pmkb {ours:.0f} MB vs plain {bare:.0f} MB = {ratio:.2f}x "
              "(RSS + workers' private pages, sampled every 0.2 s, at least ru_maxrss)")
    print(f"  site: pmkb {sizes[0] / 1e6:.1f} MB = {sizes[0] / n / 1e3:.1f} kB per postmortem; plain {sizes[1] / 1e6:.1f} MB")
    return sizes[0] / n


def main() -> None:
    if sys.argv[1:2] == ["--build"]:
        _build_here(Path(sys.argv[2]), "--core-only" in sys.argv)
        return
    if sys.argv[1:2] == ["--check"]:
        # scripts/bench core --check [N ...]: the check figures alone (cold and warm cache).
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
        args = sys.argv[2:]
        runs = int(args.pop(args.index("--runs") + 1)) if "--runs" in args else 3
        args = [a for a in args if a != "--runs"]
        for n in [int(a) for a in args] or [3000]:
            check_figures(n, runs=runs)
        return
    if sys.argv[1:2] == ["--build-only"]:
        # scripts/bench core --build-only [--runs R] [N ...]: the build figures alone.
        args = sys.argv[2:]
        runs = int(args.pop(args.index("--runs") + 1)) if "--runs" in args else 1
        sizes = [int(a) for a in args if a != "--runs"] or [1000, 3000]
        check_runs = 0
    else:
        sizes = [int(a) for a in sys.argv[1:]] or [1000, 3000]
        runs, check_runs = 1, 3
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    per_pm: dict[int, float] = {}
    for n in sizes:
        if check_runs:
            check_figures(n, runs=check_runs)
        per_pm[n] = build_figures(n, runs=runs)
    if len(per_pm) > 1:
        small, large = min(per_pm), max(per_pm)
        growth = per_pm[large] / per_pm[small] - 1
        print(f"\nsite bytes per postmortem, N={large} vs N={small}: {growth:+.1%} (goal: within 15%)")


if __name__ == "__main__":
    main()
