"""Blameless-language rules through `pmkb check`: exact file:line:column, phrase and hint."""

from __future__ import annotations

import pytest

from .blameless_support import PM, PROSE_LINE, bl_lines, postmortem_with
from .conftest import KB
from .helpers import problems, run, run_json


def test_a_name_from_the_front_matter_as_subject_of_a_failure(kb: KB) -> None:
    kb.write(PM, postmortem_with("The pool ran dry at 02:10.\nAt 02:12 Dana forgot to raise the limit."))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE + 1}: warning BL003: \"Dana forgot\": a person is the subject of a failure.")
    assert line.endswith(" (column 10)")
    assert "Hint: Make the system the subject" in line


@pytest.mark.parametrize(
    ("sentence", "code", "phrase"),
    [
        ("The outage was human error.", "BL001", "human error"),
        ("It was operator error.", "BL002", "operator error"),
        ("The on-call engineer failed to check the pool.", "BL003", "The on-call engineer failed to"),
        ("Sam Lee should have known the pool was small.", "BL004", "Sam Lee should have"),
        ("If the engineer had read the runbook, it would have been short.", "BL004", "If the engineer had read"),
        ("The blame lies with the release.", "BL005", "blame"),
        ("It was the fault of the reviewer.", "BL006", "fault of"),
        ("It was Sam's mistake.", "BL007", "Sam's mistake"),
        ("The rollout was careless.", "BL008", "careless"),
        ("We asked who broke the build.", "BL009", "who broke"),
        ("The alert was ignored by the on-call engineer.", "BL010", "was ignored by the on-call engineer"),
    ],
)
def test_each_rule_reports_line_column_phrase_and_hint(kb: KB, sentence: str, code: str, phrase: str) -> None:
    prose = f"The pool ran dry.\n\nAt 02:12: {sentence}"
    kb.write(PM, postmortem_with(prose))
    [line] = bl_lines(problems(kb.root))
    column = prose.split("\n")[2].lower().index(phrase.lower()) + 1
    assert line.startswith(f'{PM}:{PROSE_LINE + 2}: warning {code}: "{phrase}": ')
    assert line.endswith(f" (column {column})")
    assert "Hint: " in line and len(line.split("Hint: ")[1]) > 20


def test_a_phrase_wrapped_over_two_lines_is_found_at_its_start(kb: KB) -> None:
    kb.write(PM, postmortem_with("The pool ran dry because the on-call\nengineer forgot to raise the limit."))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f'{PM}:{PROSE_LINE}: warning BL003: "the on-call engineer forgot"')
    assert line.endswith(" (column 26)")


def test_json_output_has_the_column(kb: KB) -> None:
    kb.write(PM, postmortem_with("Human error."))
    code, data = run_json(kb.root, "check")
    assert code == 0  # warnings only
    assert data["warnings"] == [
        {
            "file": PM,
            "line": PROSE_LINE,
            "column": 1,
            "code": "BL001",
            "message": data["warnings"][0]["message"],
        }
    ]
    assert data["warnings"][0]["message"].startswith('"Human error": names a person as the cause')


def test_strict_check_fails_on_blaming_language(kb: KB) -> None:
    kb.write(PM, postmortem_with("Human error."))
    assert run(kb.root, "check").exit_code == 0
    strict = run(kb.root, "check", "--strict")
    assert strict.exit_code == 1
    assert f"{PM}:{PROSE_LINE}: warning BL001" in strict.output


def test_system_focused_wording_is_quiet(kb: KB) -> None:
    kb.write(
        PM,
        postmortem_with(
            "The health check failed to detect the stuck worker.\n"
            "The deploy should have been blocked by the pipeline.\n"
            "Dana rolled back the release at 02:40 and Sam Lee declared the incident resolved.\n"
            "This postmortem follows our blameless format; nobody was at fault."
        ),
    )
    assert bl_lines(problems(kb.root)) == []


def test_inline_ignore_silences_its_line_only(kb: KB) -> None:
    kb.write(
        PM,
        postmortem_with(
            "A customer called it human error. <!-- blameless: ignore -->\n"
            "Support logged it as human error."
        ),
    )
    found = bl_lines(problems(kb.root))
    assert [p.split(": warning")[0] for p in found] == [f"{PM}:{PROSE_LINE + 1}"]
    assert found[0].endswith(" (column 22)")


def test_inline_ignore_can_name_codes(kb: KB) -> None:
    kb.write(PM, postmortem_with("Human error, and Dana forgot the limit. <!-- blameless: ignore BL001 -->"))
    assert [p.split(": ")[1].split()[1] for p in bl_lines(problems(kb.root))] == ["BL003"]


def test_configured_rule_is_added(kb: KB) -> None:
    kb.settings(
        """
blameless:
  rules:
    - code: BL101
      phrases: ["heroic effort"]
      message: praising heroics hides the missing automation
      hint: Say which step had to be done by hand and why.
    - code: BL102
      patterns: ['{person} dithered\\b']
      message: a person is the subject of a failure
      hint: Describe the handover the tooling did not support.
"""
    )
    kb.write(PM, postmortem_with("It took a heroic effort.\nThen Dana dithered over the handover."))
    assert [p.split(": warning ")[1] for p in bl_lines(problems(kb.root))] == [
        'BL101: "heroic effort": praising heroics hides the missing automation. '
        "Hint: Say which step had to be done by hand and why. (column 11)",
        'BL102: "Dana dithered": a person is the subject of a failure. '
        "Hint: Describe the handover the tooling did not support. (column 6)",
    ]


def test_configured_rule_with_a_shipped_code_replaces_it(kb: KB) -> None:
    kb.settings(
        """
blameless:
  rules:
    - code: BL001
      phrases: ["PEBKAC"]
      message: blames the user
      hint: Describe the interface.
"""
    )
    kb.write(PM, postmortem_with("Human error, or PEBKAC."))
    [line] = bl_lines(problems(kb.root))
    assert '"PEBKAC": blames the user' in line


def test_disabled_codes_are_silent(kb: KB) -> None:
    kb.settings("blameless:\n  disable: [BL001, BL008]")
    kb.write(PM, postmortem_with("Human error, a careless change.\nDana forgot the limit."))
    assert [p.split(": warning ")[1][:5] for p in bl_lines(problems(kb.root))] == ["BL003"]


def test_the_linter_can_be_switched_off(kb: KB) -> None:
    kb.settings("blameless:\n  enabled: false")
    kb.write(PM, postmortem_with("Human error."))
    assert bl_lines(problems(kb.root)) == []


def test_configured_names_are_people_too(kb: KB) -> None:
    kb.write(PM, postmortem_with("Alex Kim forgot the limit."))
    assert bl_lines(problems(kb.root)) == []  # not named anywhere: the linter cannot know Alex is a person
    kb.settings("blameless:\n  names: [Alex Kim]")
    [line] = bl_lines(problems(kb.root))
    assert '"Alex Kim forgot"' in line
    kb.write(PM, postmortem_with("Then Alex forgot the limit."))  # first names count
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE}: ") and line.endswith(" (column 6)")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("blameless:\n  disable: [BL099]", "blameless: Value error, disable: no rule BL099 (rules: BL001, BL002"),
        ("blameless:\n  disable: [careless]", "blameless.disable.0: String should match pattern"),
        (
            "blameless:\n  rules:\n    - {code: BL101, patterns: ['(oops'], message: m, hint: h}",
            "blameless.rules.0: Value error, BL101 patterns[0]: not a valid regular expression",
        ),
        (
            "blameless:\n  rules:\n    - {code: BL101, patterns: ['{culprit} did it'], message: m, hint: h}",
            "unknown slot {culprit} (known: {name}, ",
        ),
        ("blameless:\n  rules:\n    - {code: BL101, message: m, hint: h}", "needs at least one of `patterns` or `phrases`"),
        ("blameless:\n  rules:\n    - {code: BL101, phrases: [x], hint: h}", "blameless.rules.0.message: Field required"),
    ],
)
def test_bad_configuration_is_a_clear_usage_error(kb: KB, options: str, expected: str) -> None:
    kb.settings(options)
    result = run(kb.root, "check")
    assert result.exit_code == 2
    assert "mkdocs.yml: invalid pmkb settings: plugins.pmkb." in result.output
    assert expected in result.output
    assert "Traceback" not in result.output
