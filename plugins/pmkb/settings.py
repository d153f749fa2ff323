"""The `pmkb` configuration block, shared by the MkDocs plugin and the CLI.

Both read the same `plugins: - pmkb: {...}` block of mkdocs.yml and validate it
with `Settings`, so the site and the command line can never disagree about
severities, folders or windows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .actions.settings import JiraSettings
from .lint.settings import BlamelessSettings
from .oncall.settings import OncallSettings

__all__ = [
    "BlamelessSettings",
    "ConfigFileError",
    "DEFAULT_MAX_FILE_BYTES",
    "JiraSettings",
    "OncallSettings",
    "RequiredSections",
    "SeverityLevel",
    "Settings",
    "default_severities",
    "load_settings",
    "read_pmkb_block",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeverityLevel(_Strict):
    """One row of the severity table (SPEC "Severity levels")."""

    definition: str = ""
    response_time: str = ""
    escalation: str = ""
    needs_incident_commander: bool = False
    # None means "no follow-up SLA" (SEV4 by default).
    action_items_due_days: int | None = Field(default=None, ge=1)


def default_severities() -> dict[str, SeverityLevel]:
    return {
        "SEV1": SeverityLevel(
            definition="customer-facing outage, revenue impact",
            response_time="immediate",
            escalation="all hands, exec notification",
            needs_incident_commander=True,
            action_items_due_days=15,
        ),
        "SEV2": SeverityLevel(
            definition="degraded service, partial impact",
            response_time="15 minutes",
            escalation="on-call + backup",
            needs_incident_commander=True,
            action_items_due_days=30,
        ),
        "SEV3": SeverityLevel(
            definition="internal tooling, no customer impact",
            response_time="1 hour",
            escalation="on-call only",
            needs_incident_commander=False,
            action_items_due_days=60,
        ),
        "SEV4": SeverityLevel(
            definition="non-urgent, can wait for business hours",
            response_time="next business day",
            escalation="ticket queue",
            needs_incident_commander=False,
            action_items_due_days=None,
        ),
    }


class RequiredSections(_Strict):
    postmortem: list[str] = [
        "Summary",
        "Timeline",
        "What went well",
        "What could be improved",
        "Root cause and contributing factors",
    ]
    runbook: list[str] = [
        "Symptoms",
        "Immediate Mitigation",
        "Root Cause Investigation",
        "Prevention Checklist",
    ]


# Real postmortems are tens of kilobytes; a 50 MB file took minutes and a gigabyte to build.
DEFAULT_MAX_FILE_BYTES = 2_000_000


class Settings(_Strict):
    enabled: bool = True
    postmortems_dir: str = "postmortems"
    runbooks_dir: str = "runbooks"
    incident_types_file: str = "incident-types.yml"
    severities: dict[str, SeverityLevel] = Field(default_factory=default_severities)
    recurrence_window_days: int = Field(default=90, ge=1)
    required_sections: RequiredSections = RequiredSections()
    runbooks_stale_after_days: int = Field(default=180, ge=1)
    blameless: BlamelessSettings = Field(default_factory=BlamelessSettings)
    jira: JiraSettings = JiraSettings()
    oncall_dir: str = "oncall"
    oncall: OncallSettings = OncallSettings()
    public_build: bool = False
    # Larger content files are refused (an error naming the file and this key), not read.
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, ge=1_000)

    @model_validator(mode="after")
    def _at_least_one_severity(self) -> Settings:
        if not self.severities:
            raise ValueError("severities must list at least one level")
        return self

    @property
    def is_public_build(self) -> bool:
        """`public_build: true` or PMKB_PUBLIC_BUILD (resolved by `from_mapping`) leaves internal postmortems out."""
        return self.public_build

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, source: str = "mkdocs.yml") -> Settings:
        """The pmkb block, validated, with PMKB_PUBLIC_BUILD applied (the one place it is read)."""
        try:
            settings = cls.model_validate(data or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"plugins.pmkb.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            )
            raise ConfigFileError(f"{source}: invalid pmkb settings: {problems}") from None
        if public_build_from_environment() and not settings.public_build:
            settings = settings.model_copy(update={"public_build": True})
        return settings


class ConfigFileError(Exception):
    """mkdocs.yml is missing, unreadable, or its pmkb block is invalid."""


PUBLIC_BUILD_VARIABLE = "PMKB_PUBLIC_BUILD"
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def public_build_from_environment() -> bool:
    """True when PMKB_PUBLIC_BUILD asks for a public build (SPEC "Public builds fail closed").

    Read like the ecosystem reads booleans: trimmed, any case. A false word leaves the
    configured value (the variable can make a build public, never internal again). Anything
    else is refused: a typo must not silently publish the internal edition.
    """
    raw = os.environ.get(PUBLIC_BUILD_VARIABLE)
    if raw is None:
        return False
    word = raw.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    shown = raw.encode("unicode_escape").decode("ascii")
    raise ConfigFileError(
        f"{PUBLIC_BUILD_VARIABLE}='{shown}' is not a yes/no value: set it to one of 1, true, yes, on "
        "(public build) or 0, false, no, off, or leave it empty (the edition mkdocs.yml configures)"
    )


class TaggedScalar(str):
    """A scalar under a tag pmkb does not resolve (`!ENV SITE_URL`, `!!python/name:x`): its text, marked.

    Readers that need a literal value (`urls.site_options`) can tell it is none.
    """

    __slots__ = ()


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it holds `!!python/name:` or `!ENV` tags.

    The CLI only needs a few plain keys; MkDocs itself resolves the tags at build time.
    The one loader of mkdocs.yml outside MkDocs (`read_mkdocs_yml`).
    """


def _construct_unknown(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return TaggedScalar(loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _construct_unknown)


def read_mkdocs_yml(config_file: Path) -> Any:
    """mkdocs.yml as plain data, unknown tags kept as their values; ConfigFileError when missing or unreadable."""
    try:
        return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506
    except FileNotFoundError:
        raise ConfigFileError(
            f"{config_file}: not found. Run pmkb in the knowledge base's root or pass --config PATH/mkdocs.yml"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigFileError(f"{config_file}: cannot be read: {exc}") from None


def read_pmkb_block(config_file: Path) -> dict[str, Any]:
    """The `pmkb` entry of mkdocs.yml's plugin list ({} when it has no options)."""
    raw = read_mkdocs_yml(config_file)
    plugins = (raw or {}).get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    for entry in plugins:
        if entry == "pmkb":
            return {}
        if isinstance(entry, dict) and "pmkb" in entry:
            return dict(entry["pmkb"] or {})
    return {}


def load_settings(config_file: Path) -> Settings:
    return Settings.from_mapping(read_pmkb_block(config_file), source=str(config_file))
