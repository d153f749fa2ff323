"""`pmkb schema postmortem|runbook`: JSON Schema of the front matter, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..knowledge.models import Postmortem, Runbook
from .common import config_option, emit_json, open_project

__all__ = ["register", "front_matter_schema"]


def register(group: click.Group) -> None:
    group.add_command(schema)


def front_matter_schema(kind: str, severities: list[str]) -> dict[str, Any]:
    model = Postmortem if kind == "postmortem" else Runbook
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"pmkb {kind} front matter"
    if kind == "postmortem":
        # Severity levels are configurable, so the model keeps a string; the schema lists them.
        document["properties"]["severity"]["enum"] = severities
    return document


@click.command()
@click.argument("kind", type=click.Choice(["postmortem", "runbook"]))
@config_option
def schema(kind: str, config_file: Path) -> None:
    """Print the JSON Schema of a postmortem's or a runbook's front matter."""
    project = open_project(config_file)
    emit_json(front_matter_schema(kind, list(project.settings.severities)))
