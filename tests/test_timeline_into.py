"""`pmkb timeline --into FILE`: fill an empty Timeline section, never overwrite what someone wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmkb.cli import main

from .timeline_support import CHANNEL, EXPECTED, EXPECTED_MARKED, write_export

SCAFFOLD = """\
---
id: PM-2026-031
title: "Checkout errors"
status: draft
timestamps:
  started: 2026-11-17T23:25:00Z   # ## Timeline in a YAML comment is not a heading
---

## Summary

Checkout errors for twenty minutes.

## Timeline

<!-- UTC times. Detection, escalation, each mitigation attempt, resolution. -->

- 2026-11-30T10:12Z — 

## Root cause and contributing factors

```text
## Timeline  (inside a code block: not a heading)
```

## What went well
"""


def timeline(*args: str | Path, cwd: Path) -> Result:
    return CliRunner().invoke(
        main, ["timeline", *map(str, args), "--config", str(cwd / "mkdocs.yml")], catch_exceptions=False
    )


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "slack-export")


def _parts(text: str) -> tuple[str, str]:
    head, rest = text.split("## Timeline\n", 1)
    return head, rest[rest.index("## Root cause") :]


def test_fills_the_template_section_and_keeps_everything_else_byte_for_byte(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    target.write_bytes(SCAFFOLD.encode())
    result = timeline(export, "--channel", CHANNEL, "--only-marked", "--into", target, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert _parts(written) == _parts(SCAFFOLD)
    section = written.split("## Timeline\n", 1)[1].split("## Root cause", 1)[0]
    # The template's guidance comment stays; its unfilled placeholder line goes.
    assert section == (
        "\n<!-- UTC times. Detection, escalation, each mitigation attempt, resolution. -->\n\n" + EXPECTED_MARKED + "\n"
    )
    assert list(tmp_path.glob(".pm.md.*")) == []  # no temporary file left behind


def test_refuses_a_section_with_text_and_leaves_the_file_untouched(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    original = SCAFFOLD.replace("- 2026-11-30T10:12Z — ", "- 23:30 PagerDuty pages Ana Souza").encode()
    target.write_bytes(original)
    result = timeline(export, "--channel", CHANNEL, "--into", target, cwd=tmp_path)
    assert result.exit_code == 1
    assert target.read_bytes() == original
    assert f"{target}:17: the '## Timeline' section already has text; nothing written" in result.stderr


def test_a_second_run_refuses_because_the_first_filled_the_section(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    target.write_bytes(SCAFFOLD.encode())
    assert timeline(export, "--channel", CHANNEL, "--into", target, cwd=tmp_path).exit_code == 0
    filled = target.read_bytes()
    again = timeline(export, "--channel", CHANNEL, "--into", target, cwd=tmp_path)
    assert again.exit_code == 1
    assert target.read_bytes() == filled


def test_section_at_end_of_file_with_windows_line_endings(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    original = b"---\r\nid: PM-2026-032\r\n---\r\n\r\n## Summary\r\n\r\nText.\r\n\r\n## Timeline\r\n"
    target.write_bytes(original)
    result = timeline(export, "--channel", CHANNEL, "--into", target, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    written = target.read_bytes()
    assert written.startswith(original)
    assert written[len(original) :] == ("\r\n" + EXPECTED.replace("\n", "\r\n")).encode()


def test_no_timeline_section_is_an_error_naming_the_file(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    original = SCAFFOLD.replace("## Timeline\n", "## Chronology\n").encode()
    target.write_bytes(original)
    result = timeline(export, "--channel", CHANNEL, "--into", target, cwd=tmp_path)
    assert result.exit_code == 1
    assert f"{target}: no '## Timeline' section" in result.stderr
    assert target.read_bytes() == original


def test_a_renamed_timeline_section_in_mkdocs_yml_is_used(export: Path, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: KB\nplugins:\n  - pmkb:\n      required_sections:\n        postmortem: [Summary, Chronology, Went well, Improve, Causes]\n",
        encoding="utf-8",
    )
    target = tmp_path / "pm.md"
    target.write_bytes(SCAFFOLD.replace("## Timeline\n", "## Chronology\n").encode())
    result = timeline(export, "--channel", CHANNEL, "--only-marked", "--into", target, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert EXPECTED_MARKED in target.read_text(encoding="utf-8")


def test_nothing_matched_writes_nothing(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    target.write_bytes(SCAFFOLD.encode())
    result = timeline(export, "--channel", CHANNEL, "--until", "2026-11-01T00:00:00Z", "--into", target, cwd=tmp_path)
    assert result.exit_code == 1
    assert "no messages matched, nothing written" in result.stderr
    assert target.read_bytes() == SCAFFOLD.encode()
