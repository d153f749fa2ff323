"""Front-matter models: what a postmortem, a runbook and an incident type may say.

The models check types, enums and patterns (`extra="forbid"` catches a misspelt
key). Rules that need more than one field or the configuration (time order,
severity table, published-only requirements, follow-up SLA) live in
`rules.py`, so each can report its own code and point at the right line.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StringConstraints

__all__ = [
    "ActionItem",
    "IncidentTypeDef",
    "Postmortem",
    "Runbook",
    "Timestamps",
    "POSTMORTEM_ID_PATTERN",
    "SLUG_PATTERN",
    "TICKET_PATTERN",
]

POSTMORTEM_ID_PATTERN = r"^[A-Z][A-Z0-9]+-\d{4}-\d{3,}$"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TICKET_PATTERN = r"^[A-Z][A-Z0-9]+-\d+$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
PostmortemId = Annotated[str, StringConstraints(pattern=POSTMORTEM_ID_PATTERN)]
Ticket = Annotated[str, StringConstraints(pattern=TICKET_PATTERN)]


class _FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timestamps(_FrontMatter):
    """Incident times; each must carry an offset or Z (we never guess a zone)."""

    started: AwareDatetime
    detected: AwareDatetime
    mitigated: AwareDatetime | None = None
    resolved: AwareDatetime | None = None


class ActionItem(_FrontMatter):
    summary: Text
    owner: Text
    due: date
    ticket: Ticket | None = None
    kind: Literal["prevent", "mitigate", "detect", "process"] = "prevent"
    # Used only when Jira has no data for the item.
    status: Literal["open", "done", "not-doing"] = "open"


class Postmortem(_FrontMatter):
    id: PostmortemId
    title: Text
    status: Literal["draft", "review", "published"]
    severity: Text  # checked against the configured levels in rules.py
    incident_type: Slug
    services: Annotated[list[Text], Field(min_length=1)]
    teams: Annotated[list[Text], Field(min_length=1)]
    authors: Annotated[list[Text], Field(min_length=1)]
    incident_commander: Text | None = None
    detection: Literal["monitoring", "customer-report", "internal-report", "other"] | None = None
    customer_impact: StrictBool
    impact_summary: Text | None = None
    timestamps: Timestamps
    runbooks: list[Slug] = []
    related: list[PostmortemId] = []
    tags: list[Text] = []
    visibility: Literal["internal", "public"] = "internal"
    reviewed_on: date | None = None
    action_items: list[ActionItem] = []
    exclude_from_metrics: StrictBool = False

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def counts_in_metrics(self) -> bool:
        """Published and not a drill: counted in metrics, reviews and recurrence."""
        return self.is_published and not self.exclude_from_metrics


class Runbook(_FrontMatter):
    id: Slug
    title: Text
    incident_types: Annotated[list[Slug], Field(min_length=1)]
    services: list[Text] = []
    owner_team: Text
    last_reviewed: date


class IncidentTypeDef(_FrontMatter):
    """One entry of incident-types.yml (slug -> {title, description})."""

    title: Text
    description: str = ""
