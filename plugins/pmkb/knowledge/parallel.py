"""Independent per-file work over several processes, in order, with the same results as one process.

`pmkb check` on a cold cache spends most of its time on work that is independent
per file (parsing and validating, linting). `map_ordered` spreads it over worker
processes when there is enough of it, and otherwise runs it here: the results
are the same list in the same order either way (the work is a pure function of
its item), so the output cannot depend on the number of cores.

Workers are forked where the platform can (they start with pmkb imported and the
rules compiled); elsewhere spawned. The CLI asks for parallel work; the MkDocs
build does not (`mkdocs serve` runs threads, and forking a threaded process can
deadlock), so a build stays in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

__all__ = ["PARALLEL_FROM", "available_cores", "map_ordered"]

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def map_ordered(func: Callable[[list[T]], list[R]], items: Sequence[T], jobs: int) -> list[R]:
    """`func` over `items` in batches: one result per item, in order; over `jobs` processes when it pays.

    `func` takes a batch and returns its results (one process call per batch, not per item,
    so passing the work to a worker costs little); it must be a module-level function.
    """
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        return func(list(items))
    size = max(1, len(items) // (jobs * 4))  # a few batches per process evens out slow ones
    batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return [result for batch in pool.map(func, batches) for result in batch]
