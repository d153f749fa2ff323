"""A `MonthlyReview` as Markdown (the site page and `pmkb review --format markdown`) and as a slide deck.

The page and the CLI render the same template (`review.md.j2`): the page gets
links, charts and buttons; the CLI gets plain ids, so what a meeting doc
receives is what the site shows. The deck (`review_slides.html.j2`) is one
self-contained HTML file: inline CSS and script, charts as data: URIs.
Everything an author wrote is escaped by the templates (autoescape).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Callable

from markupsafe import Markup

from ..render.format import duration, format_value
from ..render.templates import Renderer
from .model import Comparison, MonthlyReview
from .months import month_label

__all__ = ["ChartImage", "metric_rows", "review_markdown", "review_slides"]

Link = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class ChartImage:
    """A chart as the deck embeds it."""

    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def format_change(change: Comparison, unit: str) -> str:
    """'▼ 10 min (better)', '▲ 1 (worse)', 'same', or '—' when there is nothing to compare."""
    delta, direction = change.delta, change.direction
    if delta is None or direction is None:
        return "—"
    if direction == "same":
        return "same"
    arrow = "▲" if direction == "up" else "▼"
    if unit == "ratio":
        amount = f"{abs(delta) * 100:.0f} pts"
    elif unit == "minutes":
        # Under a minute, whole minutes would read "▲ 0 min": keep the fraction.
        amount = duration(abs(delta)) if abs(delta) >= 1 else f"{abs(delta):g} min"
    else:
        amount = f"{abs(delta):g}"
    verdict = "better" if change.better else "worse"
    return f"{arrow} {amount} ({verdict})"


def metric_rows(review: MonthlyReview) -> list[dict[str, str]]:
    """The metrics table as displayed strings (one formatting for page, CLI and deck)."""
    rows = []
    for line in review.metrics:
        rows.append(
            {
                "key": line.key,
                "label": line.label,
                "value": format_value(line.value, line.unit),
                "previous": format_value(line.previous, line.unit),
                "trailing": format_value(line.trailing, line.unit),
                "change_previous": format_change(line.against_previous, line.unit),
                "change_trailing": format_change(line.against_trailing, line.unit),
                "class_previous": _class(line.better_previous),
                "class_trailing": _class(line.better_trailing),
            }
        )
    return rows


def _class(better: bool | None) -> str:
    return "" if better is None else "better" if better else "worse"


def _common(review: MonthlyReview, major_levels: list[str]) -> dict[str, Any]:
    return {
        "review": review,
        "label": month_label(review.month),
        "previous_label": month_label(review.previous_month) if review.previous_month else "",
        "metrics": metric_rows(review),
        "major_levels": ", ".join(major_levels) or "none configured",
    }


def review_markdown(
    review: MonthlyReview,
    renderer: Renderer,
    major_levels: list[str],
    *,
    link: Link | None = None,
    charts: list[str] | None = None,
    slides_url: str | None = None,
    neighbours: dict[str, tuple[str, str] | None] | None = None,
) -> str:
    """The review as Markdown; with `link` it is the site page (links, charts, slide and month buttons)."""
    site = link is not None
    around = neighbours or {}
    prev, nxt = around.get("previous"), around.get("next")
    return renderer.render(
        "review.md.j2",
        site=site,
        link=link or (lambda _file: None),
        type_page=lambda slug: f"incident-types/{slug}.md",
        charts=[{"html": Markup(html)} for html in (charts or [])],
        slides_url=slides_url,
        prev_url=prev[0] if prev else None,
        prev_label=prev[1] if prev else "",
        next_url=nxt[0] if nxt else None,
        next_label=nxt[1] if nxt else "",
        **_common(review, major_levels),
    )


def review_slides(
    review: MonthlyReview, renderer: Renderer, major_levels: list[str], charts: list[ChartImage], site_name: str
) -> str:
    """The self-contained deck: title, metrics, one slide per major postmortem, recurring, overdue, went well."""
    return renderer.render(
        "review_slides.html.j2",
        charts=[{"data_uri": c.data_uri, "alt": c.alt} for c in charts],
        site_name=site_name,
        slides_count=len(review.major) + 5 + (1 if review.oncall else 0),
        **_common(review, major_levels),
    )
