"""The `pmkb` configuration block, shared by the MkDocs plugin and the CLI.

Both read the same `plugins: - pmkb: {...}` block of mkdocs.yml and validate it
with `Settings`, so the site and the command line can never disagree about
severities, folders or windows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "BlamelessRule",
    "BlamelessSettings",
    "ConfigFileError",
    "DEFAULT_MAX_FILE_BYTES",
    "JiraSettings",
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


class JiraSettings(_Strict):
    mode: Literal["auto", "cache", "off"] = "auto"
    cache: str = ".pmkb/jira-cache.json"
    require_tickets: bool = False
    page_size: int = Field(default=100, ge=1, le=1000)

    @field_validator("mode", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        # YAML 1.1 reads a bare `mode: off` as the boolean false.
        return "off" if value is False else value


_BL_CODE = r"^BL\d{3,}$"


class BlamelessRule(_Strict):
    """One blameless-language rule; the shipped ones (pmkb/data/blameless.yml) have the same shape.

    ```yaml
    - code: BL101
      phrases: ["dropped the ball"]        # literal, case-insensitive, whole words
      patterns: ['{person} fumbled\\b']   # regular expressions with {slots}
      message: judges a person
      hint: Say which signal was missing.
    ```
    """

    code: str = Field(pattern=_BL_CODE)
    patterns: list[str] = []
    phrases: list[str] = []
    message: str = Field(min_length=1)
    hint: str = Field(min_length=1)
    # A match is dropped when one of these also matches in the same sentence.
    unless: list[str] = []

    @model_validator(mode="after")
    def _something_to_match(self) -> BlamelessRule:
        if not self.patterns and not any(p.strip() for p in self.phrases):
            raise ValueError(f"rule {self.code} needs at least one of `patterns` or `phrases`")
        return self


class BlamelessSettings(_Strict):
    """The blameless-language linter (pmkb.lint): add rules, silence codes, name people.

    ```yaml
    blameless:
      enabled: true
      rules: [...]              # extra rules; a shipped code here replaces that rule
      disable: [BL008]          # codes to silence everywhere
      names: [Alex Kim]         # people besides the postmortem's own authors/IC/owners
    ```
    """

    enabled: bool = True
    rules: list[BlamelessRule] = []
    disable: list[Annotated[str, Field(pattern=_BL_CODE)]] = []
    names: list[str] = []

    @model_validator(mode="after")
    def _rules_compile(self) -> BlamelessSettings:
        # Imported here: pmkb.lint reads these models. A bad regex is a config error
        # (file and key named by Settings.from_mapping), never a traceback mid-build.
        from .lint.rules import compile_rules

        compile_rules(self)
        return self


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
        """`public_build: true` or PMKB_PUBLIC_BUILD=1 leaves internal postmortems out."""
        return self.public_build or os.environ.get("PMKB_PUBLIC_BUILD", "") in {"1", "true", "yes"}

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, source: str = "mkdocs.yml") -> Settings:
        try:
            return cls.model_validate(data or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"plugins.pmkb.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            )
            raise ConfigFileError(f"{source}: invalid pmkb settings: {problems}") from None


class ConfigFileError(Exception):
    """mkdocs.yml is missing, unreadable, or its pmkb block is invalid."""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it holds `!!python/name:` or `!ENV` tags.

    The CLI only needs the pmkb block; MkDocs itself resolves the tags at build time.
    """


def _construct_unknown(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _construct_unknown)


def read_pmkb_block(config_file: Path) -> dict[str, Any]:
    """The `pmkb` entry of mkdocs.yml's plugin list ({} when it has no options)."""
    try:
        raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except FileNotFoundError:
        raise ConfigFileError(
            f"{config_file}: not found. Run pmkb in the knowledge base's root or pass --config PATH/mkdocs.yml"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigFileError(f"{config_file}: cannot be read: {exc}") from None
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
