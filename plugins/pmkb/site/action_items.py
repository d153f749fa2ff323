"""Action items backed by Jira: the `action-items/` page, live status on postmortem pages, the JSON export.

The Jira data and the items' facts are the build context's (`ctx.jira`,
`ctx.action_items`: synced first in mode auto with JIRA_URL set; on any
failure the previous cache, with a warning naming the cause and the cache's age).

- `problems`: unknown Jira keys per item (file:line), the failed sync, a cache set aside.
- `pages`: `action-items/index.md`; `exports`: `api/action-items.json`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..actions.cache import JiraCache
from ..actions.facts import ActionItemFact
from ..actions.view import unknown_key_diagnostics
from ..diagnostics import Diagnostic, Level
from .feature import BuildContext, Feature, NavEntry, PageMaker
from .postmortem_page import Linker

__all__ = ["ActionItems", "DUE_SOON_DAYS", "DONE_RECENTLY_DAYS"]

PAGE = "action-items/index.md"
EXPORT = "api/action-items.json"
DUE_SOON_DAYS = 14
DONE_RECENTLY_DAYS = 30


class ActionItems(Feature):
    nav = (NavEntry("Action items", PAGE),)

    def problems(self, ctx: BuildContext) -> list[Diagnostic]:
        view = ctx.jira
        where = _rel(view.path, ctx.kb.root) if view.path else "mkdocs.yml"
        notes = [Diagnostic(where, 1, Level.WARNING, "JR002", note) for note in view.notes]
        return notes + unknown_key_diagnostics(ctx.kb, view.cache.unknown)

    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        return {PAGE: lambda link: self._page(ctx, link)}

    def exports(self, ctx: BuildContext) -> dict[str, Any]:
        return {EXPORT: [fact.export_json() for fact in ctx.action_items]}

    # -- the page ------------------------------------------------------------------

    def _page(self, ctx: BuildContext, link: Linker) -> str:
        as_of = ctx.kb.as_of
        cache = ctx.jira.cache
        facts = ctx.action_items
        overdue, soon, later, done, not_doing = [], [], [], [], []
        done_earlier = 0
        for fact in facts:
            if fact.status == "not-doing":
                not_doing.append(fact)
            elif fact.status == "done":
                if fact.completed and (as_of - fact.completed).days <= DONE_RECENTLY_DAYS:
                    done.append(fact)
                else:
                    done_earlier += 1
            elif fact.overdue:
                overdue.append(fact)
            elif fact.due_within(as_of, DUE_SOON_DAYS):
                soon.append(fact)
            else:
                later.append(fact)
        sections = [
            ("Overdue", "overdue", overdue, lambda f: (-f.days_overdue, f.owner)),
            (f"Due in the next {DUE_SOON_DAYS} days", "due-soon", soon, lambda f: (f.due, f.owner)),
            ("Open", "open", later, lambda f: (f.due, f.owner)),
            (f"Done in the last {DONE_RECENTLY_DAYS} days", "done", done, lambda f: (-(f.completed or as_of).toordinal(), f.owner)),
            ("Not doing", "not-doing", not_doing, lambda f: (f.owner, f.due)),
        ]
        return ctx.renderer.render(
            "action_items_page.md.j2",
            as_of=as_of,
            jira=_jira_info(cache, as_of, ctx.kb.settings.jira.mode),
            counts={
                "total": len(facts),
                "open": len(overdue) + len(soon) + len(later),
                "overdue": len(overdue),
                "soon": len(soon),
                "done": len(done) + done_earlier,
                "done_earlier": done_earlier,
                "not_doing": len(not_doing),
                "drift": sum(f.drift for f in facts),
                "slipped": sum(f.slipped for f in facts),
            },
            sections=[
                {"title": title, "anchor": anchor, "count": len(items), "table": _groups(ctx, items, key, link, anchor)}
                for title, anchor, items, key in sections
            ],
            owners_table=Markup(
                ctx.stash(
                    ctx.renderer.render("action_items_owners.html.j2", owners=_owner_summary(facts, as_of)),
                    searchable=False,
                )
            ),
            soon_days=DUE_SOON_DAYS,
        )


def _groups(ctx: BuildContext, facts: list[ActionItemFact], order: Any, link: Linker, kind: str) -> Markup:
    """The section's one table, sorted by `order` (the owner's team in the owner's cell).

    The table bypasses the Markdown parser (`ctx.stash`): at thousands of rows
    Python-Markdown's raw-HTML handling would dominate the page's cost. It stays
    out of the search index too: each item is already indexed on its postmortem's
    page, and at 5,000 postmortems these tables are megabytes of text.
    """
    if not facts:
        return Markup("")
    rows = [_row(f, link) for f in sorted(facts, key=order)]
    return Markup(ctx.stash(ctx.renderer.render("action_items_table.html.j2", rows=rows, kind=kind), searchable=False))


def _row(fact: ActionItemFact, link: Linker) -> dict[str, Any]:
    return {
        "fact": fact,
        "postmortem_url": link(fact.file),
        "slip_text": f"slipped {len(fact.slips)}× (+{fact.slip_days} d)" if fact.slipped else "",
        "drift_text": "; ".join(fact.drift_reasons),
    }


def _owner_summary(facts: list[ActionItemFact], as_of: date) -> list[dict[str, Any]]:
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for fact in facts:
        row = table.setdefault(
            (fact.team, fact.owner),
            {"team": fact.team, "owner": fact.owner, "open": 0, "overdue": 0, "soon": 0, "drift": 0, "slipped": 0, "done": 0},
        )
        row["open"] += fact.status == "open"
        row["overdue"] += fact.overdue
        row["soon"] += fact.due_within(as_of, DUE_SOON_DAYS)
        row["drift"] += fact.drift
        row["slipped"] += fact.slipped
        row["done"] += fact.status == "done"
    return sorted(table.values(), key=lambda r: (-r["overdue"], r["team"].casefold(), r["owner"].casefold()))


def _jira_info(cache: JiraCache, as_of: date, mode: str) -> dict[str, Any]:
    if mode == "off" or cache.fetched_at is None:
        return {"fetched": None, "mode": mode}
    fetched_day = cache.fetched_at.date()
    return {
        "mode": mode,
        "fetched": cache.fetched_at.strftime("%Y-%m-%d %H:%M UTC"),
        "age_days": (as_of - fetched_day).days,
        "server": cache.link_url,
        "deployment": "Jira Cloud" if cache.deployment == "Cloud" else "Jira Data Center",
        "issues": len(cache.issues),
    }


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
