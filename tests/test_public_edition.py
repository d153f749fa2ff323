"""Public builds fail closed (SPEC "Public builds fail closed"): any way of saying yes makes one, a typo stops
everything, and nothing a public site or its build log holds names an internal postmortem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pmkb.knowledge.base import KnowledgeBase
from pmkb.knowledge.public_edition import INTERNAL_MENTION
from pmkb.settings import load_settings

from . import mkdocs_run
from .conftest import KB, VALID_PM
from .helpers import copy_demo, run

PUBLIC_PM = VALID_PM.replace("PM-2026-001", "PM-2026-002").replace(
    "tags: [database]", "tags: [database]\nvisibility: public\nrelated: [PM-2026-001]"
) + "\nThe same pool ran dry in PM-2026-001, see [the first one](pm-2026-001.md).\n"


@pytest.mark.parametrize("value", ["1", "True", "on", "YES", " 1", "yes\n", "TRUE "])
def test_every_way_of_saying_yes_makes_a_public_build(kb: KB, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PMKB_PUBLIC_BUILD", value)
    result = run(kb.root, "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"postmortems": 0' in result.stdout  # the only postmortem is internal


@pytest.mark.parametrize("value", ["", "0", "off", "No", " false "])
def test_a_false_word_leaves_the_configured_edition(kb: KB, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PMKB_PUBLIC_BUILD", value)
    assert '"postmortems": 1' in run(kb.root, "stats", "--format", "json").stdout
    kb.settings("public_build: true")  # the variable can never turn a configured public build internal
    assert '"postmortems": 0' in run(kb.root, "stats", "--format", "json").stdout


@pytest.mark.parametrize("value", ["2", "tru", "public", "1 1", "\x1b[31m"])
def test_any_other_value_is_a_usage_error_never_an_internal_build(
    kb: KB, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PMKB_PUBLIC_BUILD", value)
    for command in (("stats",), ("check",), ("search", "pool")):
        result = run(kb.root, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "PMKB_PUBLIC_BUILD=" in result.stderr and "1, true, yes, on" in result.stderr
        assert "\x1b" not in result.stderr
    built = kb.mkdocs("build", env={"PMKB_PUBLIC_BUILD": value})
    assert built.returncode != 0
    assert "PMKB_PUBLIC_BUILD=" in built.stderr and "Traceback" not in built.stderr
    assert not (kb.root / "site/postmortems").exists()


def test_public_pages_and_exports_lose_their_references_to_internal_postmortems(kb: KB) -> None:
    kb.write("postmortems/2026/pm-2026-002.md", PUBLIC_PM)
    result = kb.mkdocs("build", "--strict", env={"PMKB_PUBLIC_BUILD": "1"})
    assert result.returncode == 0, result.stderr
    page = kb.site("postmortems/2026/pm-2026-002/index.html")
    assert f"The same pool ran dry in {INTERNAL_MENTION}, see {INTERNAL_MENTION}." in page
    exported = json.loads(kb.site("api/postmortems.json"))
    assert [(pm["id"], pm["related"]) for pm in exported] == [("PM-2026-002", [])]
    assert "1 internal postmortem(s) left out" in result.stderr
    for output in _site_texts(kb.root / "site") + [result.stderr]:
        assert "PM-2026-001" not in output and "pm-2026-001" not in output
    # The source is the author's: nothing was rewritten on disk.
    assert (kb.root / "postmortems/2026/pm-2026-002.md").read_text(encoding="utf-8") == PUBLIC_PM


@pytest.mark.slow
def test_the_public_demo_site_and_its_log_name_no_internal_postmortem(tmp_path: Path) -> None:
    """Every file of the demo's public edition, and its build log, against every id, title, file name and
    person that only internal postmortems have."""
    root = copy_demo(tmp_path)
    no_jira = {name: None for name in os.environ if name.startswith("JIRA_")}
    result = mkdocs_run.build(root, "build", "-d", "public", env={**no_jira, "PMKB_PUBLIC_BUILD": "1"})
    assert result.returncode == 0, result.stderr
    kb = KnowledgeBase.load(root, load_settings(root / "mkdocs.yml"))
    public = [d for d in kb.postmortems if d.meta.visibility == "public"]
    internal = [d for d in kb.postmortems if d.meta.visibility != "public"]
    assert len(public) >= 5 and len(internal) >= 5, "the demo has both editions to compare"
    public_people = {p for d in public for p in [*d.meta.authors, d.meta.incident_commander or ""]}
    public_people |= {item.owner for d in public for item in d.meta.action_items}
    secrets: set[str] = set()
    for doc in internal:
        secrets |= {doc.id, doc.meta.title, Path(doc.rel).stem}
        secrets |= {p for p in [*doc.meta.authors, doc.meta.incident_commander or ""] if p and p not in public_people}
    leaks = {
        name: sorted(s for s in secrets if s in text)
        for name, text in [("build log", result.stderr + result.stdout), *_named_site_texts(root / "public")]
    }
    assert {name: found for name, found in leaks.items() if found} == {}
    assert (root / "public/api/postmortems.json").is_file()


def _named_site_texts(site: Path) -> list[tuple[str, str]]:
    return [
        (str(p.relative_to(site)), p.read_text(encoding="utf-8", errors="replace"))
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix in {".html", ".json", ".xml", ".svg", ".js", ".txt"}
    ]


def _site_texts(site: Path) -> list[str]:
    return [text for _, text in _named_site_texts(site)]
