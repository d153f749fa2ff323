"""A bad Slack export is one clear line on stderr and exit 1, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pmkb.cli import main
from pmkb.timeline.source import MAX_FILE_BYTES

from .timeline_support import CHANNEL, write_export, zip_folder


def timeline(export: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["timeline", str(export), "--channel", CHANNEL, *args], catch_exceptions=False)


def assert_problem(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pmkb: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "slack-export")


def test_a_folder_without_channels_json_is_not_a_slack_export(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "holiday.json").write_text("[]", encoding="utf-8")
    assert_problem(timeline(tmp_path / "photos"), "not a Slack export (no channels.json)")


def test_a_file_that_is_not_a_zip_is_not_a_slack_export(tmp_path: Path) -> None:
    notes = tmp_path / "export.txt"
    notes.write_text("channel log\n", encoding="utf-8")
    assert_problem(timeline(notes), "export.txt: not a Slack export")


def test_a_truncated_zip_is_reported_not_raised(export: Path, tmp_path: Path) -> None:
    archive = zip_folder(export, tmp_path / "export.zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert_problem(timeline(cut), "cut.zip")


def test_broken_json_names_the_file_and_line(export: Path) -> None:
    day = export / CHANNEL / "2026-11-18.json"
    day.write_text('[\n  {"type": "message", "ts": "1795511700.000100", "text": "ok"},\n  {"type": "message" "ts": "1"}\n]\n', encoding="utf-8")
    assert_problem(timeline(export), f"{CHANNEL}/2026-11-18.json:3: broken JSON")


def test_broken_json_inside_a_zip_names_the_member_and_line(export: Path, tmp_path: Path) -> None:
    (export / "channels.json").write_text('[{"id": "C1", "name": "inc-checkout"},\n{"id": ]', encoding="utf-8")
    archive = zip_folder(export, tmp_path / "export.zip")
    assert_problem(timeline(archive), "export.zip:channels.json:2: broken JSON")


def test_a_day_file_that_is_not_an_array_of_messages(export: Path) -> None:
    (export / CHANNEL / "2026-11-18.json").write_text(json.dumps({"messages": []}), encoding="utf-8")
    assert_problem(timeline(export), "2026-11-18.json: expected a JSON array of messages, found dict")


def test_a_message_without_a_timestamp(export: Path) -> None:
    (export / CHANNEL / "2026-11-18.json").write_text(json.dumps([{"type": "message", "text": "hi"}]), encoding="utf-8")
    assert_problem(timeline(export), "2026-11-18.json: message 1 has no valid 'ts'")


def test_a_file_that_is_not_utf8(export: Path) -> None:
    (export / CHANNEL / "2026-11-18.json").write_bytes(b'[\n{"text": "caf\xe9"}]')
    assert_problem(timeline(export), "2026-11-18.json:2: not UTF-8")


def test_a_zip_bomb_member_is_refused_before_it_is_unpacked(export: Path, tmp_path: Path) -> None:
    archive = zip_folder(export, tmp_path / "bomb.zip")
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr(f"{CHANNEL}/2026-11-19.json", b" " * (MAX_FILE_BYTES + 1))  # deflates to a few KiB
    assert archive.stat().st_size < 1024 * 1024
    assert_problem(timeline(archive), "2026-11-19.json: unpacks to", "over the 64 MiB limit")


def test_a_huge_file_in_a_folder_export_is_refused(export: Path) -> None:
    huge = export / CHANNEL / "2026-11-19.json"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)  # sparse: no disk used
    assert_problem(timeline(export), "2026-11-19.json: larger than 64 MiB")


@pytest.mark.parametrize("member", ["../../home/user/.bashrc", "/etc/cron.d/x.json", f"{CHANNEL}/../../../escape.json"])
def test_path_traversal_in_zip_member_names_refuses_the_zip(export: Path, tmp_path: Path, member: str) -> None:
    archive = zip_folder(export, tmp_path / "evil.zip")
    with zipfile.ZipFile(archive, "a") as evil:
        evil.writestr(zipfile.ZipInfo(member), b"[]")
    assert_problem(timeline(archive), "unsafe file name in the zip", repr(member))


def test_a_channel_name_that_would_leave_the_export_folder(export: Path) -> None:
    (export / "channels.json").write_text(json.dumps([{"id": "C9", "name": "../secrets"}]), encoding="utf-8")
    assert_problem(timeline(export), "channel name '../secrets' is not a folder name")


def test_a_symlink_leading_out_of_the_export_is_not_followed(export: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("[]", encoding="utf-8")
    (export / CHANNEL / "2026-11-19.json").symlink_to(outside)
    assert_problem(timeline(export), "points outside the export folder")
