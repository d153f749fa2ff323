"""File-level problems: each gets its own message at the right line, never a traceback."""

from __future__ import annotations

from .conftest import KB, VALID_PM
from .helpers import only

PM = "postmortems/2026/pm-2026-001.md"


def test_valid_knowledge_base_has_no_problems(kb: KB) -> None:
    from .helpers import problems

    assert problems(kb.root) == []


def test_empty_file(kb: KB) -> None:
    kb.write(PM, "  \n\n")
    assert only(kb.root).as_text() == (
        f"{PM}:1: error FM001: the file is empty; start it with a front-matter block ('---', the fields, '---')"
    )


def test_missing_front_matter(kb: KB) -> None:
    kb.write(PM, "# Just a title\n\nText.\n")
    assert only(kb.root).as_text() == (
        f"{PM}:1: error FM002: no front-matter block: the file must start with a line '---', "
        "then the YAML fields, then a line '---'"
    )


def test_unterminated_front_matter(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("\n---\n\n## Summary", "\n\n## Summary"))
    assert only(kb.root).as_text() == (
        f"{PM}:1: error FM003: the front-matter block opened here is never closed: add a line '---' after the last field"
    )


def test_non_utf8_bytes_point_at_line_and_column(kb: KB) -> None:
    data = VALID_PM.replace("title: Checkout errors", "title: Caf\x00 errors").encode().replace(b"\x00", b"\xe9")
    kb.write_bytes(PM, data)
    assert only(kb.root).as_text() == (
        f"{PM}:3: error FM004: the file is not valid UTF-8 (byte 0xe9 at column 11); re-save it as UTF-8 in your editor"
        " (column 11)"
    )


def test_tab_indentation(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("  detected: 2026", "\tdetected: 2026"))
    assert only(kb.root).as_text() == (
        f"{PM}:15: error FM006: indented with a tab: YAML allows only spaces for indentation; replace the tab with spaces"
        " (column 1)"
    )


def test_yaml_syntax_error_with_hint(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("title: Checkout errors from pool exhaustion", "title: Checkout: errors: pool"))
    diagnostic = only(kb.root)
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == (PM, 3, "FM005")
    assert diagnostic.message == (
        "YAML syntax error: mapping values are not allowed in this context; "
        "a value that contains ': ' must be quoted, e.g. title: \"Checkout: errors\""
    )


def test_unclosed_list_is_a_syntax_error_at_its_line(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("services: [checkout]", "services: [checkout"))
    diagnostic = only(kb.root)
    assert (diagnostic.code, diagnostic.line) == ("FM005", 8)
    assert "YAML syntax error" in diagnostic.message


def test_duplicate_key(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("tags: [database]", "tags: [database]\nseverity: SEV1"))
    assert only(kb.root).as_text() == (
        f"{PM}:20: error FM007: duplicate key 'severity' (first at line 5): "
        "YAML would silently keep only the last one; remove or merge one of them"
    )


def test_front_matter_that_is_a_list(kb: KB) -> None:
    kb.write(PM, "---\n- one\n- two\n---\n\nBody\n")
    assert only(kb.root).as_text() == (
        f"{PM}:2: error FM008: the front matter must be a set of 'key: value' lines, not a list or a single value"
    )


def test_empty_front_matter(kb: KB) -> None:
    kb.write(PM, "---\n---\n\nBody\n")
    assert only(kb.root).as_text() == f"{PM}:1: error FM008: the front matter is empty; add the required fields"


def test_broken_taxonomy_is_reported_in_its_own_file(kb: KB) -> None:
    kb.write("incident-types.yml", "db-pool:\n  title: Pool\n  descripton: typo\n")
    assert only(kb.root).as_text() == (
        "incident-types.yml:3: error SC002: unknown field 'db-pool.descripton'; did you mean 'description'?"
    )


def test_taxonomy_slug_must_be_kebab_case(kb: KB) -> None:
    kb.write("incident-types.yml", "db-pool:\n  title: Pool\nCache_Stale:\n  title: Cache\n")
    found = only(kb.root)
    assert (found.file, found.line, found.code) == ("incident-types.yml", 3, "SC003")
    assert "'Cache_Stale' is not valid; use lowercase words joined by hyphens" in found.message


def test_windows_line_endings_are_fine(kb: KB) -> None:
    kb.write_bytes(PM, VALID_PM.replace("\n", "\r\n").encode())
    from .helpers import problems

    assert problems(kb.root) == []


def test_line_separator_in_the_body_does_not_shift_lines(kb: KB) -> None:
    # Editors count only '\n'; a U+2028 in the text before a bad heading must not move its line.
    kb.write(PM, VALID_PM.replace("The checkout pool ran out", "The\u2028checkout pool ran out").replace("## Timeline", "# Timeline"))
    found = only(kb.root)
    assert (found.line, found.code) == (31, "BD002"), found.as_text()
