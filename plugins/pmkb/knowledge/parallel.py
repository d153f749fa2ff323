"""Independent per-file work over several processes, in order, with the same results as one process.

`pmkb check` on a cold cache spends most of its time on work that is independent
per file (parsing and validating, linting). `map_ordered` spreads it over worker
processes when there is enough of it, and otherwise runs it here: the results
are the same list in the same order either way (the work is a pure function of
its item), so the output cannot depend on the number of cores.

Workers are forked where the platform can (they start with pmkb imported and the
rules compiled); elsewhere spawned. The CLI asks for parallel work. The MkDocs
build asks for it only while its process has a single thread (`build_jobs`):
`mkdocs build` and the first build of `mkdocs serve`; `serve`'s rebuilds run
beside its server threads, and forking a threaded process can deadlock, so
they stay in one process (they mostly read the caches anyway).
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

__all__ = ["JOBS_VARIABLE", "PARALLEL_FROM", "MeetingPositions", "available_cores", "build_jobs", "can_fork", "map_ordered", "may_fork_helper", "objects_frozen"]

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


JOBS_VARIABLE = "PMKB_JOBS"
_MAX_JOBS = 64


def available_cores() -> int:
    """The processes pmkb may use: PMKB_JOBS when set (1 keeps every run in one process), else the cores it may run on."""
    asked = os.environ.get(JOBS_VARIABLE, "").strip()
    if asked:
        if asked.isdigit() and 1 <= int(asked) <= _MAX_JOBS:
            return int(asked)
        # A tuning knob, not a safety switch: a typo costs speed, never the run.
        print(f"pmkb: {JOBS_VARIABLE}={asked!r} is not a whole number from 1 to {_MAX_JOBS}; using one process",
              file=sys.stderr)
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a worker may be forked from this process now: the platform forks, and no other thread runs."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def may_fork_helper() -> bool:
    """Whether a MkDocs build may fork a helper now (`can_fork`, and PMKB_JOBS allows a second process)."""
    return can_fork() and available_cores() > 1


def build_jobs() -> int:
    """The processes a MkDocs build may use now: every core while it runs alone, else one."""
    return available_cores() if can_fork() else 1


def map_ordered(
    func: Callable[[list[T]], list[R]], items: Sequence[T], jobs: int, parallel_from: int = PARALLEL_FROM
) -> list[R]:
    """`func` over `items` in batches: one result per item, in order; over `jobs` processes when it pays.

    `func` takes a batch and returns its results (one process call per batch, not per item,
    so passing the work to a worker costs little); it must be a module-level function.
    `parallel_from` is the number of items below which one process is faster (a few for
    items of tens of milliseconds, such as charts).
    """
    if jobs <= 1 or len(items) < max(2, parallel_from):
        return func(list(items))
    size = max(1, len(items) // (jobs * 4))  # a few batches per process evens out slow ones
    batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with objects_frozen():
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return [result for batch in pool.map(func, batches) for result in batch]


@contextmanager
def objects_frozen() -> Iterator[None]:
    """Fork workers inside this: they share this process's memory instead of copying it.

    A forked worker's garbage collections would write to every object this process holds,
    and so copy every page of its memory; frozen objects are never visited there. This
    process's own collections see them again on leaving (a forked child that never leaves,
    ending with `os._exit`, keeps them frozen).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _shared_number(offset: int) -> property:
    """A whole number at `offset` of the object's shared page, read and written in place."""

    def read(positions: MeetingPositions) -> int:
        return int.from_bytes(positions._shared[offset : offset + 8], "little", signed=True)

    def write(positions: MeetingPositions, value: int) -> None:
        positions._shared[offset : offset + 8] = value.to_bytes(8, "little", signed=True)

    return property(read, write)


class MeetingPositions:
    """Where the build and a forked helper are in one list they work through from opposite ends.

    Two numbers in memory shared across the fork. The build goes forward and the helper
    backward; each writes the item it claims before reading the other's, and stops where
    the other has been. An item both claim at the same moment may be done twice or, if
    each then sees the other's claim, by neither: the build does what it finds undone.
    """

    build = _shared_number(0)  # the item the build has claimed
    helper = _shared_number(8)  # the item the helper has claimed

    def __init__(self, build: int, helper: int) -> None:
        self._shared = mmap.mmap(-1, 16)
        self.build, self.helper = build, helper
