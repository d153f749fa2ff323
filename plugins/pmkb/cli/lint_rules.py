"""`pmkb lint-rules`: the blameless rules in force, listed or exported for other tools (Vale)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..lint.rules import effective_rules
from ..lint.vale import export_vale, write_vale_style
from .common import EXIT_OK, config_option, echo, open_project, usage_error

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(lint_rules)


@click.command("lint-rules")
@click.option("--format", "fmt", type=click.Choice(["text", "vale"]), default="text", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Vale's StylesPath (with --format vale).")
@click.option("--style", default="Blameless", show_default=True, help="Name of the Vale style (a folder).")
@config_option
def lint_rules(fmt: str, output: Path | None, style: str, config_file: Path) -> None:
    """List the blameless rules in force (shipped + mkdocs.yml), or write them as a Vale style.

    `--format vale --output .vale/styles` writes .vale/styles/Blameless/BL001.yml ...;
    rules Vale's regular expressions cannot express are listed, with the reason.
    """
    project = open_project(config_file)
    settings = project.settings.blameless
    if fmt == "text":
        for rule in effective_rules(settings):
            echo(f"{rule.code}  {' '.join(rule.message.split())}")
        raise click.exceptions.Exit(EXIT_OK)
    if output is None:
        raise usage_error("--format vale needs --output DIR (Vale's StylesPath, e.g. .vale/styles)")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", style):
        raise usage_error(f"--style {style!r} must be a plain folder name, e.g. Blameless")
    export = export_vale(settings)
    folder = write_vale_style(export, output, style)
    echo(f"wrote {len(export.rules)} rule(s) to {folder.as_posix()}; in .vale.ini: BasedOnStyles = {style}")
    for rule in export.rules:
        for note in rule.approximate:
            echo(f"approximate: {rule.code}: {note}")
    for what, why in export.left_out:
        echo(f"not exported: {what}: {why}")
    raise click.exceptions.Exit(EXIT_OK)
