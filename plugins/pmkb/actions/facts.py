"""Derived facts about action items: one definition for the site, the CLI and JSON.

SPEC "Derived facts", exactly:

- **done**: the Jira issue's status category is `done`; without Jira data,
  the front-matter status is `done`.
- **due**: Jira's `duedate` when set, else the front-matter `due`.
- **overdue**: open (so not done, not not-doing) and due < as-of date; due
  today is not overdue.
- **drift**: front-matter due and Jira duedate both set and different, or the
  front matter says `done` while Jira's status category is not `done`.
- **slip**: the Jira due date moved later between syncs (from the cache's history).
- **not-doing**: front matter says so, or Jira's resolution is "Won't Do".
- each item is exactly one of not-doing, done, open, checked in that order.
- an item whose ticket Jira does not know has no Jira data (source front-matter).

Other features use `action_item_facts` (e.g. `pmkb stats` counts, monthly
reviews); the site's action-items feature also puts the list into
`BuildContext.action_items` so it is computed once per build.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Iterable, Literal

from ..knowledge.base import KnowledgeBase
from ..knowledge.documents import PostmortemDoc
from .cache import CachedIssue, JiraCache

__all__ = [
    "Completion",
    "SlippedItem",
    "SPEC_FIELDS",
    "ActionItemFact",
    "Status",
    "action_item_facts",
    "facts_for_postmortem",
    "summary_counts",
]

Status = Literal["open", "done", "not-doing"]
Completion = Literal["on time", "late", "done, date unknown", "open", "overdue", "not doing"]

# Jira resolutions that mean "decided not to do it" (compared case-insensitively,
# with typographic apostrophes folded). The SPEC names Won't Do; Won't Fix is
# the same decision in older Jira workflows.
NOT_DOING_RESOLUTIONS = frozenset({"won't do", "won't fix"})

# The fields of `pmkb actions --format json` (SPEC "Command line"), in order.
SPEC_FIELDS = (
    "postmortem", "file", "line", "ticket", "summary", "owner", "team", "due", "status",
    "done", "overdue", "days_overdue", "drift", "slipped", "source",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ActionItemFact:
    """One action item of one postmortem, with everything derived from it."""

    postmortem: str  # postmortem id
    postmortem_title: str
    file: str  # repository-relative path of the postmortem
    line: int  # line of the item in the file (its `- summary:` line)
    ticket_line: int  # line of its `ticket:` (where an unknown key is reported)
    index: int  # position in action_items
    summary: str
    owner: str
    kind: str
    team: str  # the postmortem's first (owning) team
    teams: tuple[str, ...]
    started: datetime  # the incident's start (for monthly reviews)
    ticket: str | None
    ticket_url: str | None
    front_due: date
    jira_due: date | None
    due: date  # Jira over front matter
    status: Status
    done: bool
    overdue: bool
    days_overdue: int  # 0 unless overdue
    drift: bool
    drift_reasons: tuple[str, ...]
    slipped: bool
    slips: tuple[int, ...]  # days each later move added
    source: Literal["jira", "front-matter"]
    jira_status: str | None  # Jira's status name ("In Review") when source is jira
    completed: date | None  # Jira's resolution date when done
    unknown_ticket: bool  # the last sync found Jira does not know the key

    @property
    def slip_days(self) -> int:
        return sum(self.slips)

    @property
    def completion(self) -> Completion:
        """How the follow-up went: on time / late (by completion date), open, overdue, not doing."""
        if self.status == "not-doing":
            return "not doing"
        if self.status == "done":
            if self.completed is None:
                return "done, date unknown"
            return "on time" if self.completed <= self.due else "late"
        return "overdue" if self.overdue else "open"

    @property
    def slipped_days(self) -> int:
        """Days the due date moved later in the month a review is about (see `SlippedItem`)."""
        return 0

    def review_json(self) -> dict[str, Any]:
        """The item as a monthly review's JSON lists it (`pmkb review --format json`)."""
        return {
            "postmortem": self.postmortem,
            "file": self.file,
            "line": self.line,
            "summary": self.summary,
            "owner": self.owner,
            "team": self.team,
            "ticket": self.ticket,
            "ticket_url": self.ticket_url,
            "due": self.due.isoformat(),
            "status": self.status,
            "completion": self.completion,
            "completed": self.completed.isoformat() if self.completed else None,
            "days_overdue": self.days_overdue,
            "slipped_days": self.slipped_days,
        }

    def due_within(self, as_of: date, days: int) -> bool:
        """Open and due in [as_of, as_of + days]."""
        return self.status == "open" and 0 <= (self.due - as_of).days <= days

    def spec_json(self) -> dict[str, Any]:
        """Exactly the fields SPEC names for `pmkb actions --format json`."""
        return {
            "postmortem": self.postmortem,
            "file": self.file,
            "line": self.line,
            "ticket": self.ticket,
            "summary": self.summary,
            "owner": self.owner,
            "team": self.team,
            "due": self.due.isoformat(),
            "status": self.status,
            "done": self.done,
            "overdue": self.overdue,
            "days_overdue": self.days_overdue,
            "drift": self.drift,
            "slipped": self.slipped,
            "source": self.source,
        }

    def export_json(self) -> dict[str, Any]:
        """The SPEC fields plus what a dashboard needs (api/action-items.json)."""
        return {
            **self.spec_json(),
            "kind": self.kind,
            "teams": list(self.teams),
            "ticket_url": self.ticket_url,
            "front_matter_due": self.front_due.isoformat(),
            "jira_due": self.jira_due.isoformat() if self.jira_due else None,
            "jira_status": self.jira_status,
            "completed": self.completed.isoformat() if self.completed else None,
            "drift_reasons": list(self.drift_reasons),
            "slips": len(self.slips),
            "slip_days": self.slip_days,
        }


def action_item_facts(
    kb: KnowledgeBase, cache: JiraCache | None, as_of: date | None = None
) -> list[ActionItemFact]:
    """Every action item of the KB's published postmortems, with its derived facts.

    `cache` is the Jira cache (None or empty: front matter only); `as_of`
    defaults to `kb.as_of`. Drills (`exclude_from_metrics`) are included: their
    action items still count (SPEC). Linear in the number of action items.
    Ordered by postmortem file, then position in the file.
    """
    day = as_of or kb.as_of
    jira = cache or JiraCache()
    return [fact for doc in sorted(kb.published, key=lambda d: d.rel) for fact in facts_for_postmortem(doc, jira, day)]


def facts_for_postmortem(doc: PostmortemDoc, cache: JiraCache | None, as_of: date) -> list[ActionItemFact]:
    """The facts of one postmortem's items (also used for draft pages)."""
    jira = cache or JiraCache()
    pm = doc.meta
    facts = []
    for index, item in enumerate(pm.action_items):
        issue = jira.issues.get(item.ticket) if item.ticket else None
        unknown = bool(item.ticket) and item.ticket in jira.unknown
        if unknown:
            issue = None  # Jira does not know the key: no Jira data (SPEC)
        jira_due = issue.duedate if issue else None
        resolution = (issue.resolution or "").replace("\u2019", "'").strip().lower() if issue else ""
        if item.status == "not-doing" or resolution in NOT_DOING_RESOLUTIONS:
            status: Status = "not-doing"
        elif (issue.category == "done") if issue else item.status == "done":
            status = "done"
        else:
            status = "open"
        due = jira_due or item.due
        overdue = status == "open" and due < as_of
        reasons: list[str] = []
        if issue is not None:
            if jira_due is not None and jira_due != item.due:
                reasons.append(f"due {item.due.isoformat()} in the front matter, {jira_due.isoformat()} in Jira")
            if item.status == "done" and issue.category != "done":
                reasons.append(f"done in the front matter, {issue.status} in Jira")
        slips = tuple(issue.slips()) if issue else ()
        facts.append(
            ActionItemFact(
                postmortem=pm.id,
                postmortem_title=pm.title,
                file=doc.rel,
                line=doc.item_line("action_items", index),
                ticket_line=doc.line_of("action_items", index, "ticket"),
                index=index,
                summary=item.summary,
                owner=item.owner,
                kind=item.kind,
                team=pm.teams[0],
                teams=tuple(pm.teams),
                started=pm.timestamps.started,
                ticket=item.ticket,
                ticket_url=jira.browse_url(item.ticket) if item.ticket else None,
                front_due=item.due,
                jira_due=jira_due,
                due=due,
                status=status,
                done=status == "done",
                overdue=overdue,
                days_overdue=(as_of - due).days if overdue else 0,
                drift=bool(reasons),
                drift_reasons=tuple(reasons),
                slipped=bool(slips),
                slips=slips,
                source="jira" if issue is not None else "front-matter",
                jira_status=issue.status if issue else None,
                completed=_completed(issue) if issue and status == "done" else None,
                unknown_ticket=unknown,
            )
        )
    return facts


def _completed(issue: CachedIssue) -> date | None:
    """Jira's resolution date; else the first sync that saw the issue done."""
    if issue.resolved:
        return issue.resolved
    return next((h.seen.date() for h in issue.history if h.category == "done"), None)


def summary_counts(facts: Iterable[ActionItemFact]) -> dict[str, int]:
    """{total, done, open, overdue, not_doing}: the `action_items` block of `pmkb stats`."""
    counts = {"total": 0, "done": 0, "open": 0, "overdue": 0, "not_doing": 0}
    for fact in facts:
        counts["total"] += 1
        counts["not_doing" if fact.status == "not-doing" else fact.status] += 1
        counts["overdue"] += fact.overdue
    return counts


@dataclass(frozen=True, slots=True)
class SlippedItem(ActionItemFact):
    """An action item whose due date moved later during a review's month, by how many days."""

    moved_days: int = 0

    @classmethod
    def of(cls, fact: ActionItemFact, days: int) -> SlippedItem:
        return cls(**{f.name: getattr(fact, f.name) for f in fields(ActionItemFact)}, moved_days=days)

    @property
    def slipped_days(self) -> int:
        return self.moved_days
