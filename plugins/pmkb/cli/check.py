"""`pmkb check`: validate front matter, references, sections and language."""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import Diagnostic, split_levels
from ..knowledge.files import relative_name
from ..knowledge.parallel import available_cores
from ..lint.check import blameless_check
from .common import EXIT_OK, EXIT_PROBLEMS, config_option, echo, emit_json, open_project, usage_error

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(check)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@config_option
def check(paths: tuple[Path, ...], fmt: str, strict: bool, config_file: Path) -> None:
    """Validate the whole knowledge base, or only PATHS (references still resolve against the whole KB)."""
    project = open_project(config_file)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise usage_error(f"no such file: {', '.join(missing)}")
    files = [f for p in paths for f in (sorted(p.rglob("*.md")) if p.is_dir() else [p])]
    # Work per file (loading, linting) that the cache does not hold spreads over the cores.
    jobs = available_cores()
    kb = project.load(extra_files=files, jobs=jobs)
    diagnostics = [*kb.diagnostics, *blameless_check(kb, jobs=jobs)]
    if paths:
        wanted = {relative_name(f, project.root) for f in files}
        diagnostics = [d for d in diagnostics if d.file in wanted]
    errors, warnings = split_levels(diagnostics)

    if fmt == "json":
        emit_json({"errors": [d.as_json() for d in errors], "warnings": [d.as_json() for d in warnings]})
    elif fmt == "github":
        for diagnostic in errors + warnings:
            echo(_github_annotation(diagnostic))
    else:
        for diagnostic in errors + warnings:
            echo(diagnostic.as_text())
        checked = len(files) if paths else len(kb.postmortems) + len(kb.runbooks) + len(kb.broken_files)
        echo(
            f"{len(errors)} error(s), {len(warnings)} warning(s) in {checked} file(s)"
            + (" (--strict: warnings fail)" if strict and warnings and not errors else ""),
            err=bool(errors or warnings),
        )
    failed = bool(errors) or (strict and bool(warnings))
    raise click.exceptions.Exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown inline on the pull request's diff."""
    command = "error" if d.level.value == "error" else "warning"
    props = f"file={_escape_property(d.file)},line={d.line}"
    if d.column:
        props += f",col={d.column}"
    props += f",title={_escape_property(d.code)}"
    return f"::{command} {props}::{_escape_data(d.message)}"
