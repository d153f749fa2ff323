"""Drawn charts kept between builds: `mkdocs serve` and CI redraw only the charts whose data changed.

matplotlib is most of a chart page's cost, and a past month's charts never change.
A chart's SVG is stored in `.pmkb/check/charts.pack` (see `pmkb.knowledge.cache`:
checksummed, written atomically, a damaged pack reported in one line and rebuilt)
under a key that covers everything the drawing depends on: the chart's data (its
`repr`, every label and value), the size, matplotlib's version and the drawing
code's bytes. A warm build is therefore byte-identical to a cold one, and never
imports matplotlib. Charts not in the cache are drawn over every core the build
may use (`pmkb.knowledge.parallel`): each is a pure function of its data.
"""

from __future__ import annotations

from importlib import resources
from importlib.metadata import version
from pathlib import Path

from ..knowledge.cache import CachePack, digest
from ..knowledge.parallel import map_ordered
from .charts import Chart

__all__ = ["ChartCache", "ChartSize"]

ChartSize = tuple[float, float]  # inches: width, height
_DRAW_IN_PARALLEL_FROM = 4  # ~50 ms a chart: a worker pays for itself from a few charts on


class ChartCache:
    def __init__(self, root: Path):
        self._pack = CachePack(root, "charts", ())
        package = resources.files("pmkb")
        code = [package.joinpath(f"site/{name}").read_bytes() for name in ("charts.py", "chart_drawing.py")]
        self._salt = digest(version("matplotlib"), *code)

    def _key(self, chart: Chart, size: ChartSize) -> str:
        return digest(self._salt, repr(chart), repr(size[0]), repr(size[1]))

    def svg(self, chart: Chart, width: float = 7.5, height: float = 3.4) -> str:
        """`render_svg(chart, width, height)`, drawn only when no build drew this chart before."""
        return self.svgs([(chart, (width, height))])[0]

    def svgs(self, wanted: list[tuple[Chart, ChartSize]], jobs: int = 1) -> list[str]:
        """The SVG of each (chart, size), in order; those not drawn before are drawn over `jobs` processes."""
        keys = [self._key(chart, size) for chart, size in wanted]
        found = [self._pack.get(key) for key in keys]
        missing = [i for i, svg in enumerate(found) if not isinstance(svg, str)]
        drawn = map_ordered(_draw, [wanted[i] for i in missing], jobs, parallel_from=_DRAW_IN_PARALLEL_FROM)
        for i, svg in zip(missing, drawn):
            found[i] = svg
            self._pack.put(keys[i], svg)
        return [str(svg) for svg in found]

    def save(self) -> None:
        self._pack.save()


def _draw(batch: list[tuple[Chart, ChartSize]]) -> list[str]:
    if not batch:
        return []  # everything was in the cache: matplotlib stays unloaded
    from .chart_drawing import render_svg  # matplotlib: only where something must be drawn

    return [render_svg(chart, *size) for chart, size in batch]
