"""Summary statistics of durations: mean, median and p90 (SPEC "Derived facts").

Incident durations are skewed, so the mean is never shown alone. Percentiles
interpolate linearly between closest ranks, as Python's
`statistics.quantiles(data, n=100, method="inclusive")` and numpy's default do.
With one value every statistic is that value; with none, all are None.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Distribution", "distribution", "percentile", "rounded"]


@dataclass(frozen=True, slots=True)
class Distribution:
    count: int
    mean: float | None
    median: float | None
    p90: float | None
    minimum: float | None = None
    maximum: float | None = None

    def as_json(self) -> dict[str, float | None]:
        """The SPEC shape {mean, median, p90}, in minutes, rounded to 0.1."""
        return {"mean": rounded(self.mean), "median": rounded(self.median), "p90": rounded(self.p90)}


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Minutes (and per-month averages) are shown to 0.1 everywhere; shares to 0.001 (`digits=3`)."""
    return None if value is None else round(value, digits)


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99) of sorted-or-not values, inclusive method."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def distribution(values: Iterable[float | None]) -> Distribution:
    data = [v for v in values if v is not None]
    if not data:
        return Distribution(0, None, None, None)
    return Distribution(
        count=len(data),
        mean=statistics.fmean(data),
        median=statistics.median(data),
        p90=percentile(data, 90),
        minimum=min(data),
        maximum=max(data),
    )
