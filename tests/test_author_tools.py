"""Issue 15, where authors already work: pre-commit, GitHub Actions, VS Code problems, Vale."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import re2
import yaml

from pmkb.lint.vale import re2_problem

from .conftest import BIN, KB, REPO, VALID_PM
from .helpers import run

PM = "postmortems/2026/pm-2026-001.md"


# -- pre-commit -----------------------------------------------------------------------------------


def _hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


def test_pre_commit_hook_checks_changed_files_against_the_whole_kb(kb: KB) -> None:
    hook = _hooks()["pmkb-check"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search(PM) and files.search("runbooks/db-pool.md") and not files.search("docs/index.md")
    # What pre-commit runs: the entry, then the changed files, from the repository root.
    command = [str(BIN / hook["entry"].split()[0]), *hook["entry"].split()[1:]]
    ok = subprocess.run([*command, PM], cwd=kb.root, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr  # its runbook (not passed) is found in the KB
    kb.write(PM, VALID_PM.replace("runbooks: [db-pool]", "runbooks: [db-pol]"))
    bad = subprocess.run([*command, PM], cwd=kb.root, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert f"{PM}:18: error XR" in bad.stdout


def test_pre_commit_whole_kb_hook_runs_on_the_taxonomy() -> None:
    hook = _hooks()["pmkb-check-all"]
    assert hook["pass_filenames"] is False and re.compile(hook["files"]).search("incident-types.yml")


# -- GitHub Actions example -----------------------------------------------------------------------


def test_github_actions_example_runs_check_with_annotations(kb: KB) -> None:
    workflow = yaml.safe_load((REPO / "examples/github-actions/pmkb.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "pmkb check --format github --strict" in steps
    assert not (REPO / ".github/workflows/pmkb.yml").exists()  # an example, not this repository's CI
    kb.write(PM, VALID_PM.replace("teams: [payments]", "teams: [your-team]"))
    out = run(kb.root, "check", "--format", "github").stdout
    assert f"::error file={PM},line=8,title=TL001::teams[0] is 'your-team', a placeholder" in out


# -- VS Code: the problem matcher reads pmkb's own output ----------------------------------------


def test_vscode_problem_matcher_parses_check_output(kb: KB) -> None:
    task = json.loads((REPO / "examples/vscode/tasks.json").read_text())["tasks"][0]
    pattern = task["problemMatcher"]["pattern"]
    matcher = re.compile(pattern["regexp"])
    kb.write(PM, VALID_PM.replace("teams: [payments]", "teams: [TBD]").replace("The alert fired.", "Human error."))
    lines = [line for line in run(kb.root, "check", str(kb.root / PM)).stdout.splitlines() if line]
    parsed = [matcher.match(line) for line in lines]
    assert all(parsed), lines
    found = {(m.group(pattern["file"]), m.group(pattern["line"]), m.group(pattern["severity"]), m.group(pattern["code"]), m.group(pattern["column"])) for m in parsed}  # type: ignore[union-attr]
    assert (PM, "8", "error", "TL001", None) in found
    assert (PM, "41", "warning", "BL001", "1") in found


# -- Vale -------------------------------------------------------------------------------------------

# A sentence pmkb flags with each exported rule: the Vale token must flag it too.
SAMPLES = {
    "BL001": "It was human error.",
    "BL002": "Operator error during the scale-down.",
    "BL003": "The on-call engineer forgot to silence the alerts.",
    "BL004": "The reviewer should have caught it.",
    "BL007": "It was the engineer's mistake.",
    "BL008": "A careless restart.",
    "BL009": "Who broke the build?",
    "BL010": "The page was ignored by the on-call engineer.",
    "BL011": "The operator wrongly restarted the primary.",
    "BL012": "The release manager caused the outage by skipping the canary.",
}
NEUTRAL = [
    "The deploy script failed to roll back the canary.",
    "The reviewer bot approved the change because the check was optional.",
    "The load balancer caused the incident by routing traffic to drained nodes.",
]


def _export(kb: KB, *extra: str) -> tuple[str, dict[str, dict]]:
    result = run(kb.root, "lint-rules", "--format", "vale", "--output", str(kb.root / ".vale/styles"), *extra)
    assert result.exit_code == 0, result.output
    folder = kb.root / ".vale/styles/Blameless"
    return result.stdout, {p.stem: yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*.yml"))}


def _compiled(tokens: list[str]) -> re2._Regexp:  # type: ignore[name-defined]
    options = re2.Options()
    options.max_mem = 256 << 20  # the joined style is large; the default budget only slows the search
    return re2.compile("(?i)(?:" + "|".join(tokens) + ")", options)


def test_vale_style_is_valid_existence_rules_that_compile_under_re2(kb: KB) -> None:
    out, rules = _export(kb)
    assert sorted(rules) == sorted(SAMPLES)
    for code, rule in rules.items():
        assert rule["extends"] == "existence" and rule["level"] == "warning"
        assert rule["ignorecase"] is True and rule["nonword"] is True
        assert rule["message"].startswith("'%s': ") and "%" not in rule["message"][4:].replace("%%", "")
        assert rule["tokens"], code
        for token in rule["tokens"]:
            assert re2_problem(token) is None, (code, token)  # no look-around, no back-reference
        regex = _compiled(rule["tokens"])
        assert regex.search(SAMPLES[code]), code
        for sentence in NEUTRAL:
            assert not regex.search(sentence), (code, sentence)
    # What cannot be expressed is said, with the reason.
    assert "not exported: BL005: its `unless` exceptions apply to the whole sentence" in out
    assert "not exported: BL006:" in out
    assert "approximate: BL004:" in out and "negative look-ahead" in out


def test_vale_style_follows_the_configuration(kb: KB) -> None:
    _, before = _export(kb)
    assert "BL008" in before
    kb.settings("blameless:\n  disable: [BL008]\n  names: [Alex Kim]")
    _, after = _export(kb)
    assert "BL008" not in after  # a disabled rule is removed from the style, not left stale
    assert not (kb.root / ".vale/styles/Blameless/BL008.yml").exists()
    assert _compiled(after["BL003"]["tokens"]).search("Alex Kim forgot to renew the certificate.")
    assert not _compiled(before["BL003"]["tokens"]).search("Alex Kim forgot to renew the certificate.")


def test_re2_problem_names_what_re2_cannot_run() -> None:
    assert re2_problem(r"\bfoo(?!bar)") == "a look-behind or look-ahead"
    assert re2_problem(r"(?<=x)y") == "a look-behind or look-ahead"
    assert re2_problem(r"(a)\1") == "a back-reference"
    assert re2_problem(r"\b(?:the|an?) engineers?\b") is None


@pytest.mark.parametrize("args", [["--format", "vale"], ["--format", "vale", "--output", "x", "--style", "../up"]])
def test_vale_export_usage_errors(kb: KB, args: list[str]) -> None:
    result = run(kb.root, "lint-rules", *args)
    assert result.exit_code == 2
    assert "pmkb: --" in result.stderr


def test_lint_rules_lists_the_rules_in_force(kb: KB) -> None:
    lines = run(kb.root, "lint-rules").stdout.splitlines()
    assert lines[0].startswith("BL001  names a person as the cause")
    assert any(line.startswith("BL012  ") for line in lines)
