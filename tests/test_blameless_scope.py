"""Smart scope: only the author's own prose in a postmortem body is linted."""

from __future__ import annotations

import pytest

from .blameless_support import PM, PROSE_LINE, bl_lines, postmortem_with
from .conftest import KB, VALID_RUNBOOK
from .helpers import problems

BLAME = "Dana forgot to check the pool"


@pytest.mark.parametrize(
    "prose",
    [
        pytest.param(f"Before.\n\n```text\n{BLAME}\n```\n\nAfter.", id="fenced-code"),
        pytest.param(f"Before.\n\n~~~\n{BLAME}\n~~~", id="tilde-fence"),
        pytest.param(f"- 02:12 logs:\n\n  ```text\n  {BLAME}\n  ```", id="fence-inside-a-list-item"),
        pytest.param(f"Before.\n\n    {BLAME}\n    and more code\n\nAfter.", id="indented-code"),
        pytest.param(f"The log said `{BLAME}` twice.", id="inline-code"),
        pytest.param(f"The log said ``{BLAME} ` here`` twice.", id="inline-code-double-backticks"),
        pytest.param(f"> {BLAME}.\n> Human error, said the ticket.", id="block-quote"),
        pytest.param(f"> The ticket said\n{BLAME}, lazily continued.", id="block-quote-lazy-continuation"),
        pytest.param("See [the report](https://example.com/human-error-report) for details.", id="link-target"),
        pytest.param("See [the report][human error] for details.\n\n[human error]: https://x.test", id="reference-link"),
        pytest.param("See <https://example.com/who-broke-it>.", id="autolink"),
        pytest.param(f"The pool ran dry. <!-- {BLAME} -->", id="html-comment"),
        pytest.param(f"<!--\n{BLAME}\nhuman error\n-->", id="multi-line-html-comment"),
        pytest.param(f'A customer wrote: "{BLAME}, careless!"', id="double-quotes"),
        pytest.param(f"A customer wrote: “{BLAME}, careless!”", id="curly-quotes"),
        pytest.param('<span title="human error">the pool</span> ran dry.', id="html-attribute"),
        pytest.param("- **02:12** ERROR pool: human error in request 42", id="raw-log-line"),
        pytest.param(f"The pool ran dry. <!-- blameless: ignore --> {BLAME}.", id="inline-ignore"),
    ],
)
def test_text_that_is_not_the_authors_prose_is_not_linted(kb: KB, prose: str) -> None:
    kb.write(PM, postmortem_with(prose))
    assert bl_lines(problems(kb.root)) == []


def test_prose_next_to_an_excluded_part_is_still_linted(kb: KB) -> None:
    kb.write(PM, postmortem_with(f"The log said `{BLAME}` and then Dana forgot the limit."))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE}: warning BL003")
    assert line.endswith(f' (column {len("The log said `") + len(BLAME) + len("` and then ") + 1})')


def test_lines_after_a_fence_keep_their_numbers(kb: KB) -> None:
    kb.write(PM, postmortem_with(f"```\n{BLAME}\n```\n\n  {BLAME}."))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE + 4}: warning BL003")
    assert line.endswith(" (column 3)")


def test_admonition_content_is_prose_not_indented_code(kb: KB) -> None:
    kb.write(PM, postmortem_with(f'!!! note "Aside"\n\n    {BLAME}.'))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE + 2}: warning BL003")
    assert line.endswith(" (column 5)")


def test_nested_list_items_are_prose_not_indented_code(kb: KB) -> None:
    kb.write(PM, postmortem_with(f"- Contributing factors:\n\n    - {BLAME}."))
    [line] = bl_lines(problems(kb.root))
    assert line.startswith(f"{PM}:{PROSE_LINE + 2}: warning BL003")
    assert line.endswith(" (column 7)")


def test_front_matter_is_not_linted(kb: KB) -> None:
    text = postmortem_with("The pool ran dry.")
    text = text.replace("title: Checkout errors from pool exhaustion", "title: Human error made checkout fail")
    text = text.replace("summary: Add leak detection", "summary: Stop the careless operator error")
    kb.write(PM, text)
    assert bl_lines(problems(kb.root)) == []


@pytest.mark.parametrize(
    ("field_edit", "sentence"),
    [
        (("authors: [Dana Ortiz]", "authors: [Dana Ortiz]"), "Dana Ortiz forgot the limit."),
        (("authors: [Dana Ortiz]", "authors: [Dana Ortiz]"), "Dana forgot the limit."),  # first name
        (("incident_commander: Sam Lee", "incident_commander: Ngozi Adeyemi"), "Ngozi forgot the limit."),
        (("    owner: Dana Ortiz", "    owner: Luca Moretti"), "Luca forgot the limit."),
    ],
)
def test_names_come_from_the_postmortems_own_people(kb: KB, field_edit: tuple[str, str], sentence: str) -> None:
    kb.write(PM, postmortem_with(sentence).replace(*field_edit))
    [line] = bl_lines(problems(kb.root))
    assert " BL003: " in line


def test_unknown_names_and_systems_are_not_people(kb: KB) -> None:
    kb.write(PM, postmortem_with("Monitoring missed the outage. Kenji forgot the limit. The Postgres operator missed it."))
    assert bl_lines(problems(kb.root)) == []


def test_a_team_owner_gives_no_first_name(kb: KB) -> None:
    kb.write(PM, postmortem_with("Platform forgot nothing; Platform missed the window.").replace("    owner: Dana Ortiz", "    owner: Platform Team"))
    assert bl_lines(problems(kb.root)) == []


def test_runbooks_and_docs_pages_are_not_linted(kb: KB) -> None:
    kb.write("runbooks/db-pool.md", VALID_RUNBOOK.replace("Look at pg_stat_activity.", "Human error is the usual cause."))
    kb.write("docs/index.md", "# Test KB\n\nHuman error: the engineer forgot to check.\n")
    assert bl_lines(problems(kb.root)) == []
    result = kb.mkdocs("build")
    assert result.returncode == 0 and " BL0" not in result.stderr
