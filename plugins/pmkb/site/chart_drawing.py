"""Drawing a `Chart` as SVG with matplotlib (imported only when a chart is not in the chart cache).

Deterministic, script-free output (DEPENDENCIES.md "Charts"): the SVG backend
with `svg.fonttype='none'` (text stays text, no embedded glyph paths), a fixed
`svg.hashsalt` (stable clip-path ids) and `metadata={'Date': None}` (no
timestamp). We draw on a bare `Figure`, never pyplot, so no global backend or
figure registry is touched and nothing leaks between `mkdocs serve` rebuilds.
Every series gets an SVG id (`series-<name>`, bars `series-<name>-<i>`) so
tests and stylesheets can find it.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .charts import Chart, short_label, tick_rotation

__all__ = ["render_svg"]

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pmkb-charts",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "figure.dpi": 72,
}


def render_svg(chart: Chart, width: float = 7.5, height: float = 3.4) -> str:
    """The chart as a standalone, script-free SVG document, byte-identical for the same data."""
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, height))
        axes = figure.add_subplot()
        right = axes.twinx() if any(s.axis == "right" for s in chart.series) else None
        _draw_bars(axes, chart)
        _draw_lines(axes, right, chart)
        if right is not None:
            _style_right_axis(right, chart)
        _style_axes(axes, chart)
        labels = _legend(axes, right)
        _fit(figure, chart, right is not None, labels)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _draw_bars(axes: Axes, chart: Chart) -> None:
    """Left-axis bar series: stacked, or side by side around each category."""
    positions = list(range(len(chart.categories)))
    bars = [s for s in chart.series if s.kind == "bar" and s.axis == "left"]
    width_each = 0.8 if chart.stacked or len(bars) <= 1 else 0.8 / len(bars)
    bottoms = [0.0] * len(positions)
    for number, series in enumerate(bars):
        values = [v or 0.0 for v in series.values]
        if chart.stacked:
            xs, base = positions, list(bottoms)
        else:
            offset = (number - (len(bars) - 1) / 2) * width_each
            xs, base = [p + offset for p in positions], [0.0] * len(positions)
        patches = axes.bar(xs, values, width_each, bottom=base, color=series.colour, label=series.name)
        for index, patch in enumerate(patches):
            patch.set_gid(f"{series.slug}-{index}")
        if chart.stacked:
            bottoms = [b + v for b, v in zip(bottoms, values)]


def _draw_lines(axes: Axes, right: Axes | None, chart: Chart) -> None:
    positions = list(range(len(chart.categories)))
    for series in chart.series:
        if series.kind != "line":
            continue
        target = right if series.axis == "right" and right is not None else axes
        ys = [float("nan") if v is None else v for v in series.values]
        (line,) = target.plot(positions, ys, marker="o", linewidth=2, color=series.colour, label=series.name)
        line.set_gid(series.slug)


def _style_right_axis(right: Axes, chart: Chart) -> None:
    """The right axis holds shares (0-100 %), with the optional reference line."""
    right.set_ylim(0, 1.05)
    right.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    right.set_ylabel(chart.right_label)
    right.spines["right"].set_visible(True)
    if chart.reference is not None:
        ref = right.axhline(chart.reference, color="#616161", linestyle="--", linewidth=1)
        ref.set_gid("reference-line")


def _style_axes(axes: Axes, chart: Chart) -> None:
    if any(s.unit == "ratio" and s.axis == "left" for s in chart.series):
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    elif all(s.unit == "count" for s in chart.series if s.axis == "left"):
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    # No title inside the image: the page's heading (or the deck's caption) names the chart.
    axes.set_ylabel(chart.y_label)
    positions = list(range(len(chart.categories)))
    axes.set_xticks(positions)
    step = max(1, len(positions) // 12)
    axes.set_xticklabels([short_label(c) if i % step == 0 else "" for i, c in enumerate(chart.categories)],
                         rotation=tick_rotation(chart.categories), ha="right" if tick_rotation(chart.categories) else "center")
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.8)
    axes.set_axisbelow(True)


def _legend(axes: Axes, right: Axes | None) -> list[str]:
    """A legend right of the plot when there is more than one series; returns the series labels."""
    handles, labels = axes.get_legend_handles_labels()
    if right is not None:
        more_handles, more_labels = right.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    if len(labels) > 1:
        axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.16 if right else 1.01, 1.0), fontsize=8)
    return labels


def _fit(figure: Figure, chart: Chart, has_right: bool, labels: list[str]) -> None:
    """Fixed margins instead of tight_layout().

    tight_layout() measures every text once more and was a quarter of the drawing
    time; label and legend sizes are known from the data.
    """
    rotation = tick_rotation(chart.categories)
    longest = max((len(short_label(c)) for c in chart.categories), default=0)
    slant = {40: 0.64, 60: 1.05}.get(rotation, 0.5)  # the share of a label's length that goes downwards
    bottom = 0.14 if not rotation else min(0.6, 0.1 + 0.016 * longest * slant)
    right_edge = 0.97
    if has_right:
        right_edge -= 0.12 if len(labels) > 1 else 0.08
    if len(labels) > 1:
        longest_label = max(len(label) for label in labels)
        right_edge -= 0.05 + 0.011 * longest_label
    # A long first label slants left of the axes: leave room for it.
    left = max(0.09, 0.0085 * longest) if rotation == 40 else max(0.09, 0.006 * longest) if rotation == 60 else 0.09
    figure.subplots_adjust(left=left, right=right_edge, top=0.95, bottom=bottom)


# -- the charts ---------------------------------------------------------------------------
