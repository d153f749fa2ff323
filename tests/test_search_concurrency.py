"""Many `pmkb search` processes at once share .pmkb/search: all answer, none crashes, a damaged index is rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import KB
from .search_support import add_disk_incidents, live_folder, postmortem

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow  # many real `pmkb search` processes, each building the index


def searches_at_once(kb: KB, query: str, count: int = 3) -> list[list[str]]:
    """Start `count` real `pmkb search` processes together; each must exit 0. Returns each one's ids."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
    procs = [
        subprocess.Popen(
            [str(BIN / "pmkb"), "search", query, "--format", "json", "--limit", "50"],
            cwd=kb.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for _ in range(count)
    ]
    answers = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)  # a hang guard only
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        answers.append(sorted(hit["id"] for hit in json.loads(out)))
    return answers


def many_postmortems(kb: KB, count: int = 40) -> None:
    """Enough documents that a build takes a while, so the processes overlap."""
    add_disk_incidents(kb)
    for number in range(10, 10 + count):
        kb.write(
            f"postmortems/2026/pm-2026-{number:03d}.md",
            postmortem(f"PM-2026-{number:03d}", f"Queue backlog number {number}", impact="Orders queued for minutes."),
        )


def test_three_searches_at_once_on_a_fresh_index_and_after_edits_all_answer_alike(kb: KB) -> None:
    many_postmortems(kb)
    for _ in range(3):
        shutil.rmtree(kb.root / ".pmkb", ignore_errors=True)
        assert searches_at_once(kb, "no space left on device") == [["PM-2026-002", "PM-2026-003"]] * 3
    # An edit: every process sees the new words, whichever of them updates the index.
    path = kb.root / "postmortems/2026/pm-2026-002.md"
    original = path.read_text()
    for word in ("platypus", "echidna", "numbat"):
        path.write_text(original.replace("Docker image layers", f"Docker {word} image layers", 1))
        assert searches_at_once(kb, word) == [["PM-2026-002"]] * 3
    # A deleted file leaves every answer.
    (kb.root / "postmortems/2026/pm-2026-003.md").unlink()
    assert searches_at_once(kb, "no space left on device") == [["PM-2026-002"]] * 3
    search = kb.root / ".pmkb" / "search"
    assert live_folder(kb).is_dir()
    assert not list(search.glob("tmp-*")), "no half-built index is left behind"


def test_a_damaged_index_is_rebuilt_by_the_next_search(kb: KB) -> None:
    add_disk_incidents(kb)
    assert searches_at_once(kb, "no space left on device", count=1) == [["PM-2026-002", "PM-2026-003"]]
    for damage in ("truncate", "garbage"):
        folder = live_folder(kb)
        for path in folder.iterdir():
            if path.suffix in (".seg", ".toc", ".npz"):
                data = path.read_bytes()
                path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"\x00garbage" * (len(data) // 8 + 1))
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}
        result = subprocess.run(
            [str(BIN / "pmkb"), "search", "no space left on device", "--format", "json"],
            cwd=kb.root, capture_output=True, text=True, env=env, timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert sorted(hit["id"] for hit in json.loads(result.stdout)) == ["PM-2026-002", "PM-2026-003"]
        assert result.stderr.splitlines() == [
            "pmkb: the search index was damaged (its files changed on disk): rebuilt it in .pmkb/search (4 documents)"
        ]
        assert live_folder(kb) != folder
