"""`pmkb timeline`: a Slack export's channel -> postmortem timeline (SPEC "Timelines from Slack").

The export is written by tests/timeline_support.py (joins, bots, threads,
markup, pins, two days); the CLI runs for real through click's CliRunner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmkb.cli import main

from .conftest import REPO
from .timeline_support import CHANNEL, EXPECTED, EXPECTED_MARKED, write_export, zip_folder


def timeline(*args: str | Path) -> Result:
    # --config points nowhere on purpose: the command works outside a KB checkout.
    return CliRunner().invoke(main, ["timeline", *map(str, args)], catch_exceptions=False)


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "slack-export")


def test_folder_export_gives_the_whole_channel_oldest_first_threads_after_their_message(export: Path) -> None:
    result = timeline(export, "--channel", CHANNEL)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED


def test_the_zip_reads_the_same_as_the_folder_also_when_wrapped_in_a_folder(export: Path, tmp_path: Path) -> None:
    flat = zip_folder(export, tmp_path / "flat.zip")
    wrapped = zip_folder(export, tmp_path / "wrapped.zip", prefix="Fernway Slack export Nov 17 2026 - Nov 18 2026/")
    for archive in (flat, wrapped):
        result = timeline(archive, "--channel", f"#{CHANNEL}")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == EXPECTED


def test_only_marked_keeps_pinned_and_timeline_prefixed_messages(export: Path) -> None:
    result = timeline(export, "--channel", CHANNEL, "--only-marked")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED_MARKED


def test_since_and_until_take_offsets_and_are_inclusive(export: Path) -> None:
    # 00:35+01:00 is 23:35Z; 10:30+01:00 is 09:30Z.
    result = timeline(export, "--channel", CHANNEL, "--since", "2026-11-18T00:35:00+01:00", "--until", "2026-11-18T10:30:00+01:00")
    assert result.exit_code == 0, result.stderr
    times = [line.split(" **")[0].strip() for line in result.stdout.splitlines() if line.lstrip().startswith("- ")]
    assert times == ["- 23:35", "- 23:38", "- 23:39", "- 23:40", "- 23:41", "- 23:45", "- 2026-11-18 00:05", "- 09:15", "- 09:30"]


def test_a_time_without_offset_is_a_usage_error(export: Path) -> None:
    result = timeline(export, "--channel", CHANNEL, "--since", "2026-11-17T23:00:00")
    assert result.exit_code == 2
    assert "no UTC offset" in result.stderr


def test_json_is_one_document_with_authors_times_threads_and_marks(export: Path) -> None:
    result = timeline(export, "--channel", CHANNEL, "--format", "json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert [i["author"] for i in items[:3]] == ["PagerDuty", "Ana Souza", "Ben Okoro"]
    assert items[0] == {
        "time": "23:30",
        "date": "2026-11-17",
        "timestamp": "2026-11-17T23:30:05Z",
        "author": "PagerDuty",
        "text": "🚨 Triggered **CheckoutErrorRate** (checkout)",
        "marked": True,
    }
    replies = [i for i in items if "thread_parent" in i]
    assert [(r["date"], r["time"], r["author"]) for r in replies] == [
        ("2026-11-17", "23:41", "Ana Souza"),
        ("2026-11-17", "23:45", "Chen Wei"),
        ("2026-11-18", "00:05", "Ana Souza"),
    ]
    assert {r["thread_parent"] for r in replies} == {"2026-11-17T23:40:00Z"}
    assert [i["marked"] for i in items].count(True) == 6


def test_unknown_channel_lists_the_known_ones(export: Path) -> None:
    result = timeline(export, "--channel", "inc-chekout")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no channel 'inc-chekout'" in result.stderr
    assert "inc-checkout, ops, status-updates" in result.stderr


def test_usage_errors_exit_2(export: Path) -> None:
    assert timeline(export).exit_code == 2  # --channel is required
    assert timeline(export, "--channel", CHANNEL, "--format", "yaml").exit_code == 2
    assert timeline(export / "nope", "--channel", CHANNEL).exit_code == 2
    late_first = timeline(export, "--channel", CHANNEL, "--since", "2026-11-18T00:00:00Z", "--until", "2026-11-17T00:00:00Z")
    assert late_first.exit_code == 2
    assert "--since is later than --until" in late_first.stderr


def test_no_matching_messages_prints_nothing_and_says_why(export: Path) -> None:
    result = timeline(export, "--channel", "status-updates")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no messages matched" in result.stderr


def test_the_demo_postmortem_timeline_is_what_the_demo_export_gives() -> None:
    """README promise: PM-2026-028's Timeline was made by `pmkb timeline ... --only-marked` from examples/slack-export."""
    result = timeline(REPO / "examples" / "slack-export", "--channel", "inc-2026-11-25-payments", "--only-marked")
    assert result.exit_code == 0, result.stderr
    page = (REPO / "postmortems" / "2026" / "pm-2026-028-black-friday-week-acquirer-pool-timeouts.md").read_text(encoding="utf-8")
    section = page.split("## Timeline\n", 1)[1].split("\n## ", 1)[0]
    assert result.stdout in section
    assert result.stdout.count("\n- ") >= 10
