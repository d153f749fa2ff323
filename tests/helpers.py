"""Run the real loader or CLI on a test knowledge base."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result

from pmkb.cli import main
from pmkb.diagnostics import Diagnostic
from pmkb.knowledge.base import KnowledgeBase
from pmkb.lint.check import blameless_check
from pmkb.settings import load_settings

AS_OF = date(2026, 11, 28)


def load(root: Path) -> KnowledgeBase:
    return KnowledgeBase.load(root, load_settings(root / "mkdocs.yml"), as_of=AS_OF)


def diagnostics(root: Path) -> list[Diagnostic]:
    """What `pmkb check` reports: the knowledge base's own problems and the blameless linter's."""
    kb = load(root)
    return [*kb.diagnostics, *blameless_check(kb)]


def problems(root: Path) -> list[str]:
    """Every diagnostic as the CLI prints it, sorted."""
    return sorted(d.as_text() for d in diagnostics(root))


def only(root: Path) -> Diagnostic:
    found = diagnostics(root)
    assert len(found) == 1, [d.as_text() for d in found]
    return found[0]


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(root / "mkdocs.yml")], catch_exceptions=False)


def run_json(root: Path, *args: str) -> tuple[int, object]:
    result = run(root, *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def copy_demo(to: Path) -> Path:
    """The repository's demo KB (content, config, Jira cache snapshot) copied to `to`, to build or break there."""
    from .conftest import REPO

    for name in ("mkdocs.yml", "incident-types.yml"):
        shutil.copy2(REPO / name, to / name)
    for folder in ("docs", "postmortems", "runbooks", "oncall"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, to / folder)
    (to / ".pmkb").mkdir(exist_ok=True)
    shutil.copy2(REPO / ".pmkb/jira-cache.json", to / ".pmkb/jira-cache.json")
    return to
