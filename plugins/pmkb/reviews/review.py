"""The monthly incident review of one month, assembled from a `MonthIndex`.

SPEC "Derived facts": a postmortem belongs to the month of its `started`
time in UTC, and only counted postmortems (published, not drills) are
reviewed. Everything here is computed from the knowledge model
(`kb.facts`), the action-item facts (`pmkb.actions.facts`) and the Jira
cache (for when a due date slipped); nothing is computed twice.

The package: `months` (month arithmetic), `model` (the typed review and its
JSON), `index` (`MonthIndex`: grouping by month and statistics), this module
(one review, section by section), `text` (what is quoted from postmortems),
`render` (Markdown and the slide deck).

Decisions where the SPEC is silent (also in the README):

- *major* postmortems (listed first, one slide each) are those whose level
  needs an incident commander (SEV1 and SEV2 by default);
- the *trailing 3 months* are the three months before the reviewed one,
  leaving out months before the first counted postmortem; counts are averaged
  per month, durations and the repeat rate pooled over their postmortems;
- action items *of the month*: due in the month; completed in the month (Jira's
  resolution date); overdue = due in the month and still open past its due
  date today (each overdue item is in exactly one review, so the pages stay
  linear in size; older overdue items are counted, and all are listed on
  `action-items/`); slipped = a sync saw their Jira due date move later
  during the month;
- a *runbook gap that appeared* is a type without runbook whose first counted
  postmortem started in the month;
- *not published*: drafts and postmortems in review that started in the month.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from ..actions.facts import SlippedItem
from ..oncall.facts import OncallFacts, month_figures
from ..knowledge.base import KnowledgeBase
from ..knowledge.distribution import rounded
from ..knowledge.documents import PostmortemDoc
from ..knowledge.durations import started_utc
from ..knowledge.sections import normalise_heading
from .index import MonthIndex
from .model import (
    METRICS,
    ActionItemsOfMonth,
    GapLine,
    MonthlyReview,
    PendingPostmortem,
    RecurringType,
    RepeatLine,
    ReviewPostmortem,
    WentWell,
    metric_line,
)
from .months import month_label, month_of
from .text import first_paragraph, level2_sections, list_items

__all__ = ["major_levels", "monthly_review"]

# Section names as the SPEC's defaults; a KB that renamed them is matched by position.
_DEFAULT_SECTIONS = ("Summary", "Timeline", "What went well", "What could be improved", "Root cause and contributing factors")
_TIMELINE_KEYWORDS = ("detect", "alert", "page", "declare", "mitigat", "resolv", "rollback", "roll back", "restor", "fix")
TIMELINE_HIGHLIGHTS = 5


def monthly_review(index: MonthIndex, month: str, pager: OncallFacts | None = None) -> MonthlyReview:
    """The review of `month` (YYYY-MM): each section below is one step; `pager` adds the on-call section."""
    kb = index.kb
    docs = index.counted.get(month, [])
    ordered = _major_first(index, docs)
    previous = index.previous(month)
    trailing = index.trailing(month)
    current = index.stats(month)
    before = index.stats(previous) if previous else None
    pooled = index.stats(*trailing) if trailing else None
    bodies = _bodies(kb, ordered)
    return MonthlyReview(
        month=month,
        title=f"Incident review: {month_label(month)}",
        as_of=kb.as_of.isoformat(),
        previous_month=previous,
        trailing_months=trailing,
        by_severity=current.by_severity,
        postmortems=[_postmortem(index, doc, bodies[doc.id]) for doc in ordered],
        metrics=[metric_line(m, current, before, pooled) for m in METRICS],
        recurring_types=_recurring_types(kb, docs),
        repeats=_repeats(kb, docs),
        runbook_gaps=_runbook_gaps(index, month, docs),
        action_items=_action_items(index, month),
        went_well=[
            WentWell(postmortem=doc.id, file=doc.rel, text=text)
            for doc in ordered
            for text in list_items(bodies[doc.id].get("What went well"))
        ],
        not_published=[
            PendingPostmortem(id=d.id, title=d.meta.title, file=d.rel, status=d.meta.status, severity=d.meta.severity)
            for d in index.pending.get(month, [])
        ],
        oncall=month_figures(pager, month) if pager is not None and pager.has_data else None,
    )


def major_levels(kb: KnowledgeBase) -> list[str]:
    """The severity levels whose postmortems are major (listed first, one slide each)."""
    return [name for name, level in kb.settings.severities.items() if level.needs_incident_commander]


# -- the steps -----------------------------------------------------------------------


def _major_first(index: MonthIndex, docs: list[PostmortemDoc]) -> list[PostmortemDoc]:
    """Major postmortems first, then by severity level, start and id."""
    levels = list(index.kb.settings.severities)
    rank = {level: i for i, level in enumerate(levels)}
    return sorted(
        docs, key=lambda d: (not index.is_major(d), rank.get(d.meta.severity, len(levels)), d.meta.timestamps.started, d.id)
    )


def _by_type(docs: list[PostmortemDoc]) -> dict[str, list[PostmortemDoc]]:
    grouped: dict[str, list[PostmortemDoc]] = defaultdict(list)
    for doc in docs:
        grouped[doc.meta.incident_type].append(doc)
    return grouped


def _recurring_types(kb: KnowledgeBase, docs: list[PostmortemDoc]) -> list[RecurringType]:
    """Types with at least one repeat in the month, most repeats first."""
    model = kb.facts
    recurring = [
        RecurringType(
            slug=slug,
            title=model.types[slug].title if slug in model.types else slug,
            postmortems_in_month=len(group),
            repeats_in_month=[d.id for d in group if d.id in model.repeat_of],
            postmortems_all_time=model.types[slug].count if slug in model.types else len(group),
            has_runbook=bool(model.types.get(slug) and model.types[slug].runbook_ids),
        )
        for slug, group in _by_type(docs).items()
        if any(d.id in model.repeat_of for d in group)
    ]
    recurring.sort(key=lambda r: (-len(r.repeats_in_month), -r.postmortems_in_month, r.slug))
    return recurring


def _repeats(kb: KnowledgeBase, docs: list[PostmortemDoc]) -> list[RepeatLine]:
    lines = []
    for doc in docs:
        earlier_id = kb.facts.repeat_of.get(doc.id)
        earlier = kb.postmortem(earlier_id) if earlier_id else None
        if earlier is not None:
            lines.append(
                RepeatLine(
                    id=doc.id,
                    title=doc.meta.title,
                    file=doc.rel,
                    incident_type=doc.meta.incident_type,
                    repeat_of=earlier.id,
                    repeat_of_title=earlier.meta.title,
                    repeat_of_file=earlier.rel,
                    days_after=(doc.meta.timestamps.started - earlier.meta.timestamps.started).days,
                )
            )
    return lines


def _runbook_gaps(index: MonthIndex, month: str, docs: list[PostmortemDoc]) -> list[GapLine]:
    """Types without a runbook whose first counted postmortem started in the month."""
    in_month = _by_type(docs)
    first = index.first_of_type
    return [
        GapLine(
            slug=facts.slug,
            title=facts.title,
            first_postmortem=first[facts.slug].id,
            first_postmortem_file=first[facts.slug].rel,
            postmortems_in_month=len(in_month.get(facts.slug, [])),
        )
        for facts in index.kb.facts.gaps
        if facts.slug in first and month_of(first[facts.slug].meta) == month
    ]


def _action_items(index: MonthIndex, month: str) -> ActionItemsOfMonth:
    due = index.due.get(month, [])
    overdue = sorted((f for f in due if f.overdue), key=lambda f: (-f.days_overdue, f.postmortem, f.index))
    completed = sorted(index.completed.get(month, []), key=lambda f: (f.completed, f.postmortem, f.index))
    slipped = sorted(index.slipped.get(month, []), key=lambda fd: (-fd[1], fd[0].postmortem, fd[0].index))
    return ActionItemsOfMonth(
        due=sorted(due, key=lambda f: (f.due, f.postmortem, f.index)),
        completed=completed,
        overdue=overdue,
        overdue_before=bisect_left(index.overdue_months, month),
        slipped=[SlippedItem.of(f, days) for f, days in slipped],
    )


def _postmortem(index: MonthIndex, doc: PostmortemDoc, body: _Sections) -> ReviewPostmortem:
    model = index.kb.facts
    pm = doc.meta
    spans = model.durations[doc.id]
    facts = model.types.get(pm.incident_type)
    impact = pm.impact_summary or ("Customer-facing impact" if pm.customer_impact else "No customer impact")
    return ReviewPostmortem(
        id=pm.id,
        title=pm.title,
        file=doc.rel,
        severity=pm.severity,
        major=index.is_major(doc),
        incident_type=pm.incident_type,
        incident_type_title=facts.title if facts else pm.incident_type,
        started=started_utc(pm).strftime("%Y-%m-%dT%H:%MZ"),
        customer_impact=pm.customer_impact,
        impact=impact,
        summary=first_paragraph(body.get("Summary")),
        time_to_detect=rounded(spans.time_to_detect),
        time_to_resolve=rounded(spans.time_to_resolve),
        repeat_of=model.repeat_of.get(doc.id),
        timeline_highlights=_highlights(list_items(body.get("Timeline"))),
        root_cause=first_paragraph(body.get("Root cause and contributing factors")),
        action_items=list(index.facts_by_pm.get(doc.id, [])),
    )


# -- what is quoted from the postmortems ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sections:
    """A postmortem body's level-2 sections, looked up by the SPEC's default name or its configured alias."""

    found: dict[str, str]
    names: dict[str, tuple[str, ...]]

    def get(self, default_name: str) -> str | None:
        return next((self.found[n] for n in self.names[default_name] if n in self.found), None)


def _bodies(kb: KnowledgeBase, docs: list[PostmortemDoc]) -> dict[str, _Sections]:
    names = _section_names(kb)
    return {doc.id: _Sections(level2_sections(doc.body), names) for doc in docs}


def _section_names(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each default section name, plus the configured name at the same position (renamed sections)."""
    configured = list(kb.settings.required_sections.postmortem)
    names: dict[str, tuple[str, ...]] = {}
    for position, default in enumerate(_DEFAULT_SECTIONS):
        alias = configured[position] if len(configured) == len(_DEFAULT_SECTIONS) else default
        names[default] = (normalise_heading(default), normalise_heading(alias))
    return names


def _highlights(items: list[str]) -> list[str]:
    """Up to five timeline entries: the first, then those about detection, mitigation, resolution."""
    if len(items) <= TIMELINE_HIGHLIGHTS:
        return [_clip(i) for i in items]
    keyed = [i for i, text in enumerate(items) if i > 0 and any(k in text.casefold() for k in _TIMELINE_KEYWORDS)]
    chosen = [0, *keyed[-(TIMELINE_HIGHLIGHTS - 1) :]]
    for i in range(1, len(items)):  # too few keyword entries: fill from the start
        if len(chosen) >= TIMELINE_HIGHLIGHTS:
            break
        if i not in chosen:
            chosen.append(i)
    return [_clip(items[i]) for i in sorted(chosen)]


def _clip(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
