"""`pmkb check`: formats, exit codes, --strict and PATH arguments."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pmkb.cli import main

from .conftest import KB, VALID_PM
from .helpers import run, run_json

PM = "postmortems/2026/pm-2026-001.md"


def test_clean_kb_exits_zero(kb: KB) -> None:
    result = run(kb.root, "check")
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s) in 2 file(s)" in result.output


def test_error_exits_one_with_file_line(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("severity: SEV2", "severity: SEV7"))
    result = run(kb.root, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{PM}:5: error SC005: severity 'SEV7'")


def test_warnings_pass_unless_strict(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("    due: 2026-04-01", "    due: 2026-05-30"))
    assert run(kb.root, "check").exit_code == 0
    strict = run(kb.root, "check", "--strict")
    assert strict.exit_code == 1
    assert f"{PM}:23: warning SLA001" in strict.stdout


def test_json_is_one_document_with_errors_and_warnings(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("    due: 2026-04-01", "    due: 2026-05-30").replace("incident_type: db-pool", "incident_type: db-pol"))
    code, document = run_json(kb.root, "check")
    assert code == 1
    assert document == {
        "errors": [
            {"file": PM, "line": 6, "code": "XR002", "message": "unknown incident_type 'db-pol'; did you mean 'db-pool'?"}
        ],
        "warnings": [
            {
                "file": PM,
                "line": 23,
                "code": "SLA001",
                "message": "action_items[0].due 2026-05-30 is 77 days after the incident started; "
                "SEV2 follow-ups are due within 30 days (2026-04-13 at the latest)",
            }
        ],
    }


def test_github_annotations(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("incident_type: db-pool", "incident_type: db-pol"))
    result = run(kb.root, "check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"::error file={PM},line=6,title=XR002::unknown incident_type 'db-pol'; did you mean 'db-pool'?"
    )


def test_paths_limit_the_report_but_references_resolve_against_the_kb(kb: KB) -> None:
    kb.write("postmortems/2026/other.md", "broken\n")
    second = VALID_PM.replace("id: PM-2026-001", "id: PM-2026-002").replace("tags: [database]", "tags: [x]\nrelated: [PM-2026-001]")
    draft = kb.write("postmortems/2026/pm-2026-002.md", second)
    result = run(kb.root, "check", str(draft))
    assert result.exit_code == 0, result.output
    assert run(kb.root, "check").exit_code == 1  # the broken file still fails a full check


def test_file_outside_the_content_folders_is_checked_as_a_postmortem(kb: KB) -> None:
    outside = kb.write("drafts/new.md", VALID_PM.replace("id: PM-2026-001", "id: PM-2026-009").replace("runbooks: [db-pool]", "runbooks: [nope]"))
    result = run(kb.root, "check", str(outside))
    assert result.exit_code == 1
    assert result.stdout.startswith("drafts/new.md:18: error XR003: runbooks[0]: no runbook has the id 'nope'")


def test_missing_path_is_a_usage_error(kb: KB) -> None:
    result = run(kb.root, "check", str(kb.root / "nope.md"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_missing_config_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 2
    assert "mkdocs.yml: not found" in result.stderr


def test_invalid_settings_are_a_usage_error(kb: KB) -> None:
    kb.settings("recurrence_window_days: soon")
    result = run(kb.root, "check")
    assert result.exit_code == 2
    assert "plugins.pmkb.recurrence_window_days" in result.stderr


def test_unknown_format_is_a_usage_error(kb: KB) -> None:
    assert run(kb.root, "check", "--format", "xml").exit_code == 2


def test_json_output_is_parseable_even_with_no_problems(kb: KB) -> None:
    result = run(kb.root, "check", "--format", "json")
    assert json.loads(result.stdout) == {"errors": [], "warnings": []}


def test_bare_yaml_off_turns_jira_off(kb: KB) -> None:
    from pmkb.settings import load_settings

    kb.settings("jira:\n  mode: off")
    assert load_settings(kb.root / "mkdocs.yml").jira.mode == "off"
    assert run(kb.root, "check").exit_code == 0
