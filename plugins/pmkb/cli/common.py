"""Shared pieces of the CLI: the root group, --config, and opening the knowledge base."""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import click

from ..asof import AsOfError, parse_day
from ..knowledge.base import KnowledgeBase
from ..settings import ConfigFileError, Settings, load_settings
from ..terminal import printable

__all__ = ["Project", "as_of_option", "config_option", "day_option_value", "echo", "emit_json", "main", "open_project", "usage_error"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


# Every command lives in `pmkb.cli.<name>` ('-' as '_') and registers itself with `register(group)`.
COMMANDS = (
    "check", "new", "schema", "lint-rules", "actions", "jira", "stats", "search", "similar", "review", "timeline", "oncall",
)


class CommandsOnDemand(click.Group):
    """The root group: a command's module is imported only when that command runs (or help lists it).

    `pmkb check` in a pre-commit hook should not pay for whoosh, numpy, requests and the
    Jira client, which other commands need.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        found = click.Group()
        importlib.import_module(f"{__package__}.{name.replace('-', '_')}").register(found)
        return found.commands.get(name)


@click.group(cls=CommandsOnDemand, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pmkb")
def main() -> None:
    """pmkb: postmortem and runbook knowledge base checks, reports and scaffolding."""


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("mkdocs.yml"),
        show_default=True,
        help="The knowledge base's mkdocs.yml (its folder is the repository root).",
    )(func)


def day_option_value(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback of a YYYY-MM-DD option (--as-of, --since, --until): the error names the option."""
    if value is None:
        return None
    try:
        return parse_day(value, param.opts[0])
    except AsOfError as exc:
        raise click.BadParameter(str(exc)) from None


def as_of_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of",
        "as_of",
        callback=day_option_value,
        metavar="YYYY-MM-DD",
        help="Evaluate dates (overdue, stale) as of this day instead of today (or PMKB_TODAY).",
    )(func)


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print text for a person: whatever it quotes (titles, pager alerts, Slack messages, file names)
    cannot move the cursor, recolour or retitle the terminal. JSON goes through `emit_json` instead."""
    click.echo(printable(text), err=err, nl=nl)


def usage_error(message: str) -> click.exceptions.Exit:
    echo(f"pmkb: {message}", err=True)
    return click.exceptions.Exit(EXIT_USAGE)


@dataclass(frozen=True)
class Project:
    root: Path
    settings: Settings
    config_file: Path

    def load(self, as_of: date | None = None, extra_files: list[Path] | None = None, jobs: int = 1) -> KnowledgeBase:
        try:
            return KnowledgeBase.load(self.root, self.settings, as_of=as_of, extra_files=extra_files, jobs=jobs)
        except AsOfError as exc:
            raise usage_error(str(exc)) from None


def open_project(config_file: Path) -> Project:
    """Read the pmkb block of mkdocs.yml; a missing or invalid config is a usage error (exit 2)."""
    try:
        settings = load_settings(config_file)
    except ConfigFileError as exc:
        raise usage_error(str(exc)) from None
    return Project(root=config_file.resolve().parent, settings=settings, config_file=config_file)


def emit_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
