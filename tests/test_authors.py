"""Issue 15, for authors: one-pass check, template leftovers (TL), `pmkb new`'s skeleton and bot authors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmkb.knowledge.leftovers import is_placeholder

from .conftest import KB, VALID_PM
from .helpers import load, run

PM = "postmortems/2026/pm-2026-001.md"
# VALID_PM lines: 12 customer_impact, 14 started, 21-22 the action item, 27 "## Summary", 33 the timeline bullet,
# 37 the root cause, 41 what went well.


def _check(root: Path, *args: str) -> tuple[int, dict[str, list[dict]]]:
    result = run(root, "check", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def _codes(found: list[dict]) -> list[tuple[str, int]]:
    return [(d["code"], d["line"]) for d in found]


# -- one pass: schema errors and blameless warnings together ------------------------------------


def test_schema_error_and_blame_are_reported_in_one_run(kb: KB) -> None:
    text = VALID_PM.replace("started: 2026-03-14T02:10:00Z", "started: 2026-03-14T02:10:00")
    text = text.replace("A leak in the refund path.", "Dana should have known the pool was too small.")
    kb.write(PM, text)
    code, found = _check(kb.root)
    assert code == 1
    assert [(d["code"], d["line"]) for d in found["errors"]] == [("SC004", 14)]  # the missing offset
    assert _codes(found["warnings"]) == [("BL004", 37)]
    assert found["warnings"][0]["message"].startswith('"Dana should have": a counterfactual')


def test_names_come_from_the_raw_front_matter_when_validation_fails(kb: KB) -> None:
    # "Priya forgot" is blame only because Priya is a person of this postmortem (an action-item owner).
    text = VALID_PM.replace("customer_impact: true", 'customer_impact: "maybe"')
    text = text.replace("owner: Dana Ortiz", "owner: Priya Raman")
    text = text.replace("A leak in the refund path.", "Priya forgot to raise the limit.")
    kb.write(PM, text)
    _, found = _check(kb.root, str(kb.root / PM))
    assert _codes(found["errors"]) == [("SC003", 12)]
    assert [(d["code"], d["line"], d["column"]) for d in found["warnings"]] == [("BL003", 37, 1)]


def test_a_yaml_syntax_error_still_lints_the_body_once(kb: KB) -> None:
    text = VALID_PM.replace("title: Checkout errors from pool exhaustion", "title: Checkout: errors")
    text = text.replace("The alert fired.", "Human error, again.")
    kb.write(PM, text)
    _, found = _check(kb.root)
    assert [d["code"] for d in found["errors"]] == ["FM005"]
    assert _codes(found["warnings"]) == [("BL001", 41)]  # once, not once per list it is in


def test_the_build_shows_blame_in_a_postmortem_with_a_schema_error(kb: KB) -> None:
    text = VALID_PM.replace("customer_impact: true", 'customer_impact: "maybe"')
    kb.write(PM, text.replace("The alert fired.", "Human error, again."))
    build = kb.mkdocs("build")
    assert f"{PM}:12: error SC003" in build.stderr
    assert f'{PM}:41: warning BL001: "Human error"' in build.stderr
    assert build.stderr.count("BL001") == 1


# -- template leftovers --------------------------------------------------------------------------

LEFTOVERS = (
    VALID_PM.replace("services: [checkout]", "services: [your-service]")
    .replace("teams: [payments]", "teams: [your-team]")
    .replace("The checkout pool ran out of connections.", "<!-- Two or three sentences: what happened. -->")
    .replace("- 02:10 the pool saturates", "- 2026-03-14T02:10:00Z — ")
    .replace("summary: Add leak detection", "summary: x")
    .replace("owner: Dana Ortiz", "owner: y")
)
EXPECTED = [("TL001", 7), ("TL001", 8), ("TL004", 21), ("TL004", 22), ("TL002", 27), ("TL003", 33)]


def test_a_published_postmortem_with_template_leftovers_fails(kb: KB) -> None:
    kb.write(PM, LEFTOVERS)
    code, found = _check(kb.root)
    assert code == 1
    assert sorted(_codes(found["errors"]), key=lambda c: c[1]) == EXPECTED
    messages = {d["line"]: d["message"] for d in found["errors"]}
    assert messages[7] == "services[0] is 'your-service', a placeholder: write the affected service's name"
    assert messages[21].startswith("action_items[0].summary is 'x', a placeholder: say what will change")
    assert messages[27] == "the section '## Summary' is empty (only comments or blank lines): write it"
    assert messages[33] == "an empty list item: write the entry, or delete the line"
    text = run(kb.root, "check").stdout
    assert f"{PM}:22: error TL004: action_items[0].owner is 'y', a placeholder: name the person or team" in text


def test_the_same_leftovers_in_a_draft_are_warnings(kb: KB) -> None:
    kb.write(PM, LEFTOVERS.replace("status: published", "status: draft"))
    code, found = _check(kb.root)
    assert code == 0 and found["errors"] == []
    assert sorted(_codes(found["warnings"]), key=lambda c: c[1]) == EXPECTED
    assert all(d["message"].endswith("(an error once published)") for d in found["warnings"])
    assert run(kb.root, "check", "--strict").exit_code == 1


def test_written_sections_and_real_values_are_not_leftovers(kb: KB) -> None:
    text = VALID_PM.replace("The checkout pool ran out of connections.", "<!-- note -->\n```\npool: 0/20\n```")
    text = text.replace("Leak detection.", "### Later\n\n- [x] add a canary\n- 1. item\n\nDone")
    text = text.replace("services: [checkout]", "services: [tbd-service, x-ray]")
    kb.write(PM, text)
    assert [d for d in load(kb.root).diagnostics if d.code.startswith("TL")] == []


@pytest.mark.parametrize(
    "value", ["your-service", "Your Name", "TBD", "todo", "XXX", "x", "?", "-", "N/A", "<owner>", "[team]", "What will stop this from happening again"]
)
def test_placeholder_values(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["checkout", "Dana Ortiz", "tbd-service", "x-ray", "SRE", "Add a canary stage", "Al"])
def test_real_values(value: str) -> None:
    assert not is_placeholder(value)


# -- pmkb new: a skeleton action item, and no bot as the author ---------------------------------


@pytest.fixture
def git_user(kb: KB, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set `git config user.name` as pmkb new reads it: a global config of our own, no repository around."""

    def set_name(name: str | None) -> None:
        config = kb.root / "gitconfig"
        config.write_text(f"[user]\n\tname = {name}\n" if name is not None else "")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
        monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(kb.root.parent))
        monkeypatch.chdir(kb.root)

    return set_name


def _new(kb: KB) -> Path:
    result = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV1", "--title", "Pool")
    assert result.exit_code == 0, result.output
    return kb.root / result.stdout.strip()


def test_new_postmortem_has_a_skeleton_action_item_valid_as_a_draft(kb: KB, git_user) -> None:  # type: ignore[no-untyped-def]
    git_user("Dana Ortiz")
    path = _new(kb)
    text = path.read_text()
    assert "action_items: []" not in text
    assert 'authors: ["Dana Ortiz"]\n' in text  # a person: no note
    doc = load(kb.root).postmortem("PM-2026-002")
    assert doc is not None and len(doc.meta.action_items) == 1
    item = doc.meta.action_items[0]
    assert item.owner == "Dana Ortiz" and item.kind == "prevent" and item.ticket is None
    code, found = _check(kb.root, str(path))
    assert code == 0 and found["errors"] == []
    assert ("TL004", doc.item_line("action_items", 0, "summary")) in _codes(found["warnings"])


def test_the_skeleton_left_as_is_fails_once_published(kb: KB, git_user) -> None:  # type: ignore[no-untyped-def]
    git_user("Dana Ortiz")
    path = _new(kb)
    body = (
        "## Summary\n\nThe pool ran dry.\n\n## Timeline\n\n- 02:10 saturation\n\n"
        "## Root cause and contributing factors\n\nA leak.\n\n## What went well\n\nPaging.\n\n"
        "## What could be improved\n\nLeak detection.\n"
    )
    front = path.read_text().split("\n---\n")[0]
    front = front.replace("status: draft", "status: published").replace('["your-service"]', "[checkout]")
    front = front.replace('["your-team"]', "[payments]").replace("  # mitigated:", "  mitigated:").replace("  # resolved:", "  resolved:")
    path.write_text(front + "\n---\n\n" + body)
    code, found = _check(kb.root, str(path))
    assert code == 1
    assert [d["code"] for d in found["errors"]] == ["TL004"]
    assert "What will stop this from happening again" in found["errors"][0]["message"]


@pytest.mark.parametrize("name", ["jenkins", "github-actions[bot]", "CI Runner", "root", "deploy-bot", "Automation"])
def test_a_bot_or_shared_git_user_is_not_written_as_the_author(kb: KB, git_user, name: str) -> None:  # type: ignore[no-untyped-def]
    git_user(name)
    path = _new(kb)
    text = path.read_text()
    author_line = next(line for line in text.splitlines() if line.startswith("authors:"))
    assert author_line.startswith('authors: ["Your Name"]  # git config user.name is ')
    assert "looks like a bot or shared account" in author_line
    assert f'"{name}"' in author_line and 'incident_commander: "Your Name"' in text
    _, found = _check(kb.root, str(path))
    assert ("TL001", 9) in _codes(found["warnings"])  # the author is flagged until someone writes it


def test_no_git_user_leaves_the_placeholder_with_a_note(kb: KB, git_user) -> None:  # type: ignore[no-untyped-def]
    git_user(None)
    text = _new(kb).read_text()
    assert 'authors: ["Your Name"]  # git config user.name is not set' in text
