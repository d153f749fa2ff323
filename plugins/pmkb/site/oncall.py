"""`oncall/`, `api/oncall.json` and the on-call line on each postmortem page.

- `prepare`: read the pager files once, compute the facts (`pmkb.oncall.facts`) and
  draw the chart; the facts are the build context's (`ctx.pager`), so the monthly
  reviews can ask `oncall_month(ctx, "2026-05")` for one month's figures.
- `problems`: unreadable pager files (OC001-OC004), as warnings with file:line.
- `pages`: the on-call page and its chart (an SVG file next to it).
- `postmortem_notes`: "On-call: N pages on <services> ..." under the header.
- `exports`: `api/oncall.json`, the same document as `pmkb oncall --format json`.

Pager titles, services and rotations are hostile input: they only reach HTML through
autoescaping templates (`oncall_tables.html.j2`), and SVG through matplotlib.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from ..knowledge.documents import PostmortemDoc
from ..oncall.facts import (
    MonthOncall,
    OncallFacts,
    WeekStats,
    month_figures,
    oncall_document,
)
from ..oncall.models import PagerLoad
from .charts import Chart, Series
from .feature import BuildContext, Feature, NavEntry, PageMaker
from .postmortem_page import Linker

__all__ = ["OncallLoad", "oncall_month"]

PAGE = "oncall/index.md"
CHART = "oncall/pages-per-oncall-week.svg"
NOISY_SHOWN = 15


def oncall_month(ctx: BuildContext, month: str) -> MonthOncall | None:
    """One month's on-call figures for a review ('YYYY-MM'); None without pager data."""
    facts, _ = ctx.pager
    if not facts.has_data:
        return None
    return month_figures(facts, month)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def _tenth(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _stat_cells(stats: WeekStats) -> dict[str, str]:
    return {"weeks": str(stats.weeks), "mean": _num(stats.mean), "median": _num(stats.median),
            "p90": _num(stats.p90), "max": "—" if stats.max is None else str(stats.max)}


def pages_per_week_chart(facts: OncallFacts) -> Chart:
    months = [facts.month(m) for m in facts.months]
    return Chart(
        slug="pages-per-oncall-week",
        title="Pages per on-call week, per month",
        description=(
            "Bars: mean pages per on-call week (one rotation, one week); lines: median and 90th percentile. "
            "A week counts in the month of its Thursday."
        ),
        x_label="Month",
        y_label="Pages per on-call week",
        categories=[m.month for m in months],
        series=[
            Series("Mean", [_tenth(m.stats.mean) for m in months], "bar", "#90a4ae"),
            Series("Median", [_tenth(m.stats.median) for m in months], "line", "#3f51b5"),
            Series("p90", [_tenth(m.stats.p90) for m in months], "line", "#e53935"),
        ],
    )


class OncallLoad(Feature):
    nav = (NavEntry("On-call", PAGE),)

    def __init__(self) -> None:
        self.facts: OncallFacts | None = None
        self.load = PagerLoad()
        self.chart: Chart | None = None
        self.svg = ""

    def prepare(self, ctx: BuildContext) -> None:
        self.facts, self.load = ctx.pager
        if self.facts.has_data:
            self.chart = pages_per_week_chart(self.facts)
            self.svg = ctx.charts.svg(self.chart)

    def problems(self, ctx: BuildContext) -> list[Diagnostic]:
        return list(self.load.diagnostics)

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        pages: dict[str, PageMaker] = {PAGE: lambda link: self._page(ctx, link)}
        if self.svg:
            pages[CHART] = lambda link: self.svg
        return pages

    def exports(self, ctx: BuildContext) -> dict[str, Any]:
        return {"api/oncall.json": oncall_document(self.facts) if self.facts is not None else None}

    def postmortem_notes(self, ctx: BuildContext, doc: PostmortemDoc, link: Linker) -> str:
        facts = self.facts
        if facts is None or not facts.has_data:
            return ""
        t = doc.meta.timestamps
        end = "resolved" if t.resolved else "mitigated" if t.mitigated else ""
        return ctx.renderer.render(
            "oncall_tables.html.j2", section="note", pages=facts.by_postmortem.get(doc.id, 0),
            services=list(doc.meta.services), window=end, url=link(PAGE) or "",
        )

    # -- the page -----------------------------------------------------------------------

    def _table(self, ctx: BuildContext, section: str, rows: list[dict[str, Any]]) -> str:
        return ctx.stash(ctx.renderer.render("oncall_tables.html.j2", section=section, rows=rows), searchable=False)

    def _page(self, ctx: BuildContext, link: Linker) -> str:
        facts = self.facts
        folder = ctx.kb.settings.oncall_dir
        head = "---\nsearch:\n  exclude: true\n---\n\n# On-call load\n\n"
        if facts is None or not facts.has_data:
            return head + (
                f"No pager data yet. Put PagerDuty `GET /incidents` answers (`pmkb oncall sync`) or a CSV export "
                f"(`created_at,rotation,service,urgency,assignee,title,id`) under `{folder}/`.\n"
            )
        s, settings = facts.stats, facts.settings
        parts = [head]
        parts.append(
            f"A **page** is a high-urgency alert (duplicates counted once); an **on-call week** is one rotation in one "
            f"week from Monday 00:00 ({settings.timezone}), every week from a rotation's first page to its last, "
            f"quiet weeks as 0. **Out of hours** means outside {settings.working_hours}, Monday to Friday "
            f"({settings.timezone}). A page belongs to a postmortem when its service is one of the postmortem's "
            "services and it came between 30 minutes before the start and the resolution.\n\n"
        )
        parts.append(
            f"**{len(facts.pages)} pages** over **{s.weeks} on-call weeks** in {len(facts.rotations)} rotations: "
            f"pages per on-call week mean {_num(s.mean)}, median {_num(s.median)}, p90 {_num(s.p90)}, max {s.max}; "
            f"**{_share(facts.out_of_hours_share)} out of hours**"
            + (f"; {facts.low_urgency} low-urgency alerts not counted" if facts.low_urgency else "")
            + ".\n\n"
        )
        assert self.chart is not None
        columns, rows = self.chart.table()
        chart_html = ctx.renderer.render("chart.html.j2", chart=self.chart, url=link(CHART), columns=columns, rows=rows)
        parts.append("## Pages per on-call week, per month\n\n" + ctx.stash(chart_html, searchable=False) + "\n")
        month_rows = []
        for month in facts.months:
            figures = facts.month(month)
            month_rows.append({"month": month, "pages": figures.pages, "out_of_hours": _share(figures.out_of_hours_share),
                               **_stat_cells(figures.stats)})
        parts.append(self._table(ctx, "months", month_rows) + "\n")
        rotation_rows = [
            {"rotation": r.rotation, "pages": r.pages, "out_of_hours": _share(r.out_of_hours_share),
             "first": r.first_week.isoformat(), "last": r.last_week.isoformat(), **_stat_cells(r.stats)}
            for r in facts.rotations
        ]
        parts.append("## Per rotation\n\n" + self._table(ctx, "rotations", rotation_rows) + "\n")
        orphans = sum(1 for p in facts.pages if not p.postmortems)
        parts.append(
            f"## Noisiest alerts\n\nPages grouped by service and title (numbers folded to #), most first. "
            f"{orphans} of {len(facts.pages)} pages belong to no postmortem: noise to fix or tune.\n\n"
            + self._table(ctx, "noisy", [
                {"service": a.service, "title": a.title, "example": a.example, "count": a.count,
                 "no_postmortem": a.no_postmortem, "rotations": list(a.rotations)}
                for a in facts.noisy[:NOISY_SHOWN]
            ]) + "\n"
        )
        pm_rows = []
        for doc in sorted(ctx.kb.postmortems, key=lambda d: (-facts.by_postmortem.get(d.id, 0), d.meta.timestamps.started, d.id)):
            pm_rows.append({"id": doc.id, "title": doc.meta.title, "url": link(doc.rel) or "",
                            "started": doc.meta.timestamps.started.strftime("%Y-%m-%d"),
                            "services": list(doc.meta.services), "pages": facts.by_postmortem.get(doc.id, 0)})
        parts.append("## Pages per postmortem\n\n" + self._table(ctx, "postmortems", pm_rows) + "\n")
        return "".join(parts)
