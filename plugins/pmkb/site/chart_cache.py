"""Drawn charts kept between builds: `mkdocs serve` and CI redraw only the charts whose data changed.

matplotlib is most of a chart page's cost, and a past month's charts never change.
A chart's SVG is stored in `.pmkb/check/charts.pack` (see `pmkb.knowledge.cache`:
checksummed, written atomically, a damaged pack reported in one line and rebuilt)
under a key that covers everything the drawing depends on: the chart's data (its
`repr`, every label and value), the size, matplotlib's version and the drawing
code's bytes. A warm build is therefore byte-identical to a cold one, and never
imports matplotlib. Charts not in the cache are drawn over every core the build
may use (`pmkb.knowledge.parallel`), or, for the build's many review charts,
beside the build by a forked helper (`chart_helper`, `ChartCache.drawing`):
each is a pure function of its data.
"""

from __future__ import annotations

from importlib import resources
from importlib.metadata import version
from pathlib import Path

from ..knowledge.cache import CachePack, digest
from ..knowledge.parallel import map_ordered
from .chart_helper import BackgroundDrawing
from .charts import Chart

__all__ = ["ChartCache", "ChartSize", "ChartsDrawing"]

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
        return self.drawing(wanted, jobs, beside=False).finish()

    def drawing(self, wanted: list[tuple[Chart, ChartSize]], jobs: int = 1, beside: bool = True) -> ChartsDrawing:
        """`svgs(wanted, jobs)`, except that with `beside` those not drawn before are drawn by a helper beside the build."""
        keys = [self._key(chart, size) for chart, size in wanted]
        found: list[str | None] = [svg if isinstance(svg := self._pack.get(key), str) else None for key in keys]
        missing = [i for i, svg in enumerate(found) if svg is None]
        helper = None
        if beside:
            helper = BackgroundDrawing.start([wanted[i] for i in missing], _draw_one, at_least=_DRAW_IN_PARALLEL_FROM)
        if helper is None:
            for i, svg in zip(missing, map_ordered(_draw, [wanted[i] for i in missing], jobs, _DRAW_IN_PARALLEL_FROM)):
                found[i] = svg
                self._pack.put(keys[i], svg)
            missing = []
        return ChartsDrawing(self._pack, keys, found, missing, helper)

    def save(self) -> None:
        self._pack.save()


class ChartsDrawing:
    """A build's charts: those known now (`svg`), and all of them once the helper's are in (`finish`)."""

    def __init__(self, pack: CachePack, keys: list[str], found: list[str | None], missing: list[int],
                 helper: BackgroundDrawing | None):  # fmt: skip
        self._pack, self._keys, self._found, self._missing, self._helper = pack, keys, found, missing, helper

    def svg(self, index: int) -> str | None:
        """The chart's SVG, or None while the helper may still be drawing it."""
        return self._found[index]

    def finish(self) -> list[str]:
        """Every SVG, in order; waits for the helper (and draws what it did not), and keeps the new ones in the cache."""
        if self._helper is not None:
            for i, svg in zip(self._missing, self._helper.finish()):
                self._found[i] = svg
                self._pack.put(self._keys[i], svg)
            self._helper = None
        return [str(svg) for svg in self._found]

    def cancel(self) -> None:
        if self._helper is not None:
            self._helper.cancel()
            self._helper = None


def _draw(batch: list[tuple[Chart, ChartSize]]) -> list[str]:
    return [_draw_one(item) for item in batch]  # everything in the cache: an empty batch, matplotlib stays unloaded


def _draw_one(item: tuple[Chart, ChartSize]) -> str:
    from .chart_drawing import render_svg  # matplotlib: only where something must be drawn

    chart, size = item
    return render_svg(chart, *size)
