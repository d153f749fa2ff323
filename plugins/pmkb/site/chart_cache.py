"""Drawn charts kept between builds: `mkdocs serve` and CI redraw only the charts whose data changed.

matplotlib is most of a chart page's cost, and a past month's charts never change.
A chart's SVG is stored in `.pmkb/check/charts.pack` (see `pmkb.knowledge.cache`:
checksummed, written atomically, a damaged pack reported in one line and rebuilt)
under a key that covers everything the drawing depends on: the chart's data (its
`repr`, every label and value), the size, matplotlib's version and the drawing
code's bytes. A warm build is therefore byte-identical to a cold one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import matplotlib

from ..knowledge.cache import CachePack, digest
from .charts import Chart, render_svg

__all__ = ["ChartCache"]


class ChartCache:
    def __init__(self, root: Path):
        self._pack = CachePack(root, "charts", ())
        drawing_code = resources.files("pmkb").joinpath("site/charts.py").read_bytes()
        self._salt = digest(matplotlib.__version__, drawing_code)

    def svg(self, chart: Chart, width: float = 7.5, height: float = 3.4) -> str:
        """`render_svg(chart, width, height)`, drawn only when no build drew this chart before."""
        key = digest(self._salt, repr(chart), repr(width), repr(height))
        stored = self._pack.get(key)
        if isinstance(stored, str):
            return stored
        drawn = render_svg(chart, width, height)
        self._pack.put(key, drawn)
        return drawn

    def save(self) -> None:
        self._pack.save()
