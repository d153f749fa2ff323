"""`metrics/`, `reviews/`, `reviews/YYYY-MM/` and `reviews/YYYY-MM/slides/`: trends and monthly reviews.

- `prepare`: group postmortems and action items by month once (`MonthIndex`,
  over the build context's action-item facts), and ask for every chart once
  (SVG, matplotlib): charts not drawn by an earlier build are drawn beside the
  build (`chart_helper`), since no page needs them, only their files and decks.
- `pages`: the Markdown pages, the chart files (`*.svg`, static files next
  to the page that shows them) and each month's deck (`slides/index.html`, a
  static HTML file, not a Material page).
- `finished_files`: the chart files and decks whose charts were still being
  drawn when the pages were made, once they are all drawn.
- `exports`: `api/reviews/YYYY-MM.json`, the same document as
  `pmkb review YYYY-MM --format json`.

Charts are `<img>` files (no script, nothing fetched from elsewhere), each
followed by its numbers in a table for screen readers and search.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Any, Callable

from markupsafe import Markup

from ..knowledge.parallel import build_jobs
from ..render.format import duration
from ..reviews.render import ChartImage, review_markdown, review_slides
from ..reviews.index import MonthIndex
from ..reviews.model import MonthlyReview, review_json
from ..reviews.months import month_label
from ..reviews.review import major_levels, monthly_review
from .chart_cache import ChartsDrawing
from .charts import Chart, metrics_charts, review_charts
from .feature import BuildContext, Feature, NavEntry, PageMaker
from .postmortem_page import Linker

__all__ = ["MetricsAndReviews", "review_page", "slides_file"]

METRICS = "metrics/index.md"
REVIEWS = "reviews/index.md"
_NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"  # Material's per-page search switch


def source_link(page: str) -> Callable[[str], str]:
    """Markdown links from `page` to other source files (MkDocs resolves and checks them, unlike built URLs)."""
    base = posixpath.dirname(page)
    return lambda target: posixpath.relpath(target, base)


def review_page(month: str) -> str:
    return f"reviews/{month}/index.md"


def slides_file(month: str) -> str:
    return f"reviews/{month}/slides/index.html"


@dataclass(frozen=True)
class _Drawn:
    chart: Chart
    svg: str | None  # None while the chart helper is drawing it
    src_uri: str  # where the SVG file goes in the site
    number: int  # its place in the build's charts


class MetricsAndReviews(Feature):
    nav = (NavEntry("Metrics", METRICS), NavEntry("Monthly reviews", REVIEWS))

    def __init__(self) -> None:
        self.index: MonthIndex | None = None
        self.reviews: dict[str, MonthlyReview] = {}
        self.metrics: list[_Drawn] = []
        self.review_charts: dict[str, list[_Drawn]] = {}
        self.drawing: ChartsDrawing | None = None

    def prepare(self, ctx: BuildContext) -> None:
        kb = ctx.kb
        self.index = index = MonthIndex.build(kb, ctx.action_items, ctx.jira.cache)
        self.reviews = {month: monthly_review(index, month, ctx.pager[0]) for month in index.months}
        # Every chart of the build asked for at once: those not drawn before are drawn beside the build by
        # one helper (or at once over every core where no helper can be forked).
        wanted = [(c, (7.5, 3.4), f"metrics/charts/{c.slug}.svg", None) for c in metrics_charts(index)]
        wanted += [(c, (7.0, 3.0), f"reviews/{m}/{c.slug}.svg", m) for m in index.months for c in review_charts(index, m)]
        self.drawing = drawing = ctx.charts.drawing([(chart, size) for chart, size, _, _ in wanted], jobs=build_jobs())
        self.metrics, self.review_charts = [], {month: [] for month in index.months}
        for number, (chart, _, src_uri, month) in enumerate(wanted):
            drawn = _Drawn(chart, drawing.svg(number), src_uri, number)
            (self.metrics if month is None else self.review_charts[month]).append(drawn)

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        pages: dict[str, PageMaker] = {
            METRICS: lambda link: self._metrics_page(ctx, link),
            REVIEWS: lambda link: self._reviews_index(ctx, link),
        }
        # A chart still being drawn, and the deck that shows it, are written when it is drawn (`finished_files`).
        for drawn in self._all_charts():
            pages[drawn.src_uri] = lambda link, svg=drawn.svg: svg or ""
        for month in self.reviews:
            pages[review_page(month)] = lambda link, m=month: self._review_page(ctx, m, link)
            pages[slides_file(month)] = lambda link, m=month: self._slides(ctx, m) if self._drawn(m) else ""
        return pages

    def finished_files(self, ctx: BuildContext) -> dict[str, str]:
        if self.drawing is None:
            return {}
        late = [d for d in self._all_charts() if d.svg is None]
        months = [m for m in self.reviews if not self._drawn(m)]
        svgs = self.drawing.finish()
        for charts in [self.metrics, *self.review_charts.values()]:
            charts[:] = [replace(d, svg=svgs[d.number]) for d in charts]
        return {d.src_uri: svgs[d.number] for d in late} | {slides_file(m): self._slides(ctx, m) for m in months}

    def close(self) -> None:
        if self.drawing is not None:
            self.drawing.cancel()

    def _all_charts(self) -> list[_Drawn]:
        return [*self.metrics, *(d for charts in self.review_charts.values() for d in charts)]

    def _drawn(self, month: str) -> bool:
        return all(d.svg is not None for d in self.review_charts.get(month, []))

    def exports(self, ctx: BuildContext) -> dict[str, Any]:
        return {f"api/reviews/{month}.json": review_json(review) for month, review in self.reviews.items()}

    # -- pages ---------------------------------------------------------------------------

    def _chart_html(self, ctx: BuildContext, drawn: _Drawn, link: Linker) -> Markup:
        columns, rows = drawn.chart.table()
        html = ctx.renderer.render("chart.html.j2", chart=drawn.chart, url=link(drawn.src_uri), columns=columns, rows=rows)
        return Markup(ctx.stash(html))

    def _metrics_page(self, ctx: BuildContext, link: Linker) -> str:
        charts = [{"title": d.chart.title, "html": self._chart_html(ctx, d, link)} for d in self.metrics]
        return ctx.renderer.render("metrics.md.j2", charts=charts, as_of=ctx.kb.as_of.isoformat(), story=self._story())

    def _story(self) -> str:
        """One sentence on the trend of the median time to resolve, first month to last."""
        index = self.index
        if index is None or len(index.months) < 2:
            return ""
        first, last = index.months[0], index.months[-1]
        a, b = index.stats(first).time_to_resolve_median, index.stats(last).time_to_resolve_median
        if a is None or b is None:
            return ""
        verb = "fell" if b < a else "rose" if b > a else "stayed"
        return (
            f"Median time to resolve {verb} from {duration(a)} in {month_label(first)} "
            f"to {duration(b)} in {month_label(last)}."
        )

    def _reviews_index(self, ctx: BuildContext, link: Linker) -> str:
        rows = []
        for month in sorted(self.reviews, reverse=True):
            review = self.reviews[month]
            by_key = {m.key: m for m in review.metrics}
            rate = by_key["repeat_rate"].value
            rows.append(
                {
                    "label": month_label(month),
                    "url": source_link(REVIEWS)(review_page(month)),
                    "slides": source_link(REVIEWS)(slides_file(month)),
                    "postmortems": len(review.postmortems),
                    "major": len(review.major),
                    "ttr_median": duration(by_key["time_to_resolve_median"].value),
                    "ttr_p90": duration(by_key["time_to_resolve_p90"].value),
                    "repeat_rate": "—" if rate is None else f"{rate:.0%}",
                    "overdue": len(review.action_items.overdue),
                }
            )
        return ctx.renderer.render("reviews_index.md.j2", rows=rows)

    def _review_page(self, ctx: BuildContext, month: str, link: Linker) -> str:
        months = sorted(self.reviews)
        position = months.index(month)
        to = source_link(review_page(month))
        neighbours = {
            "previous": (to(review_page(months[position - 1])), month_label(months[position - 1])) if position else None,
            "next": (to(review_page(months[position + 1])), month_label(months[position + 1]))
            if position + 1 < len(months) else None,
        }
        # Reviews repeat their postmortems' summaries, which the search index already
        # holds: kept out of it (half of search_index.json at 5,000 postmortems).
        return _NOT_SEARCHED + review_markdown(
            self.reviews[month],
            ctx.renderer,
            major_levels(ctx.kb),
            link=to,
            charts=[self._chart_html(ctx, d, link) for d in self.review_charts.get(month, [])],
            slides_url=to(slides_file(month)),
            neighbours=neighbours,
        )

    def _slides(self, ctx: BuildContext, month: str) -> str:
        images = [ChartImage(d.svg or "", f"{d.chart.title}: {d.chart.description}") for d in self.review_charts.get(month, [])]
        # Time to resolve first: the trend the meeting looks at.
        return review_slides(self.reviews[month], ctx.renderer, major_levels(ctx.kb), images[1:] + images[:1], "Monthly incident review")
