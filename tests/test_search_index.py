"""The whoosh index under .pmkb/search: incremental by content hash, and self-healing."""

from __future__ import annotations

import fcntl
import os

import pytest

from pmkb.knowledge.base import KnowledgeBase
from pmkb.settings import load_settings

from .conftest import KB
from .search_support import add_disk_incidents, live_folder, open_index


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.id for h in hits]


def test_first_open_builds_the_index_with_a_notice(kb: KB) -> None:
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert set(ids(index.search("HikariPool connection"))) == {"db-pool", "PM-2026-001"}
    assert len(notices) == 1 and "rebuilt it in .pmkb/search (2 documents)" in notices[0]
    assert (live_folder(kb) / "manifest.json").is_file()


def test_only_files_whose_content_changed_are_reindexed(kb: KB) -> None:
    add_disk_incidents(kb)
    open_index(kb).close()
    # Same bytes, new mtime (a checkout, `touch`): nothing to re-index.
    path = kb.root / "postmortems/2026/pm-2026-002.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert index.updated == []
    assert notices == []
    # One edited file: exactly that one, and the new words are found.
    path.write_text(path.read_text().replace("Docker image layers", "Quokka image layers"))
    with open_index(kb) as index:
        assert index.updated == ["postmortems/2026/pm-2026-002.md"]
        assert ids(index.search("quokka")) == ["PM-2026-002"]
        assert index.count == 4


def test_deleted_files_leave_the_index(kb: KB) -> None:
    add_disk_incidents(kb)
    open_index(kb).close()
    (kb.root / "postmortems/2026/pm-2026-003.md").unlink()
    with open_index(kb) as index:
        assert index.updated == ["postmortems/2026/pm-2026-003.md"]
        assert "PM-2026-003" not in ids(index.search("buffer volume"))


def test_a_corrupt_index_is_rebuilt_with_one_notice(kb: KB) -> None:
    open_index(kb).close()
    folder = live_folder(kb)
    for path in folder.iterdir():
        if path.name not in ("manifest.json", "readers.lock"):
            path.write_bytes(b"\x00garbage" * 10)
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1 and notices[0].startswith("the search index was damaged")


def test_a_missing_segment_or_manifest_is_rebuilt(kb: KB) -> None:
    open_index(kb).close()
    for path in live_folder(kb).glob("*.seg"):
        path.unlink()
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1 and "damaged" in notices[0]
    (live_folder(kb) / "manifest.json").write_text("{not json")
    notices.clear()
    with open_index(kb, notices) as index:
        assert index.count == 2
    assert len(notices) == 1 and "damaged" in notices[0]
    # A `current` file naming no index folder.
    (kb.root / ".pmkb" / "search" / "current").write_text("../../etc\n")
    notices.clear()
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1 and "damaged" in notices[0]


def test_an_index_locked_by_another_writer_is_rebuilt_in_memory(kb: KB) -> None:
    open_index(kb).close()
    kb.write("runbooks/db-pool.md", (kb.root / "runbooks/db-pool.md").read_text().replace("Look at", "Look for wombats at"))
    # Another process building the index, in effect (flock locks belong to the open file, not the process).
    with open(kb.root / ".pmkb" / "search" / "lock", "a+b") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        notices: list[str] = []
        with open_index(kb, notices, wait=0.2) as index:
            assert ids(index.search("wombat")) == ["db-pool"]
        assert len(notices) == 1 and "locked by another process" in notices[0]
    # Once it is free, the next run updates the index on disk.
    with open_index(kb) as index:
        assert index.updated == ["runbooks/db-pool.md"]
        assert ids(index.search("wombat")) == ["db-pool"]


def test_a_taxonomy_change_rebuilds(kb: KB) -> None:
    open_index(kb).close()
    kb.write("incident-types.yml", (kb.root / "incident-types.yml").read_text().replace("exhaustion", "starvation"))
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("starvation"))
    assert len(notices) == 1


def test_unreadable_files_are_skipped_not_fatal(kb: KB) -> None:
    kb.write("postmortems/2026/broken.md", "---\nid: [unclosed\n---\n")
    with open_index(kb) as index:
        assert index.count == 2
        assert "PM-2026-001" in ids(index.search("pool"))


def indexed_files(index) -> set[str]:  # type: ignore[no-untyped-def]
    with index.ix.reader() as reader:
        return {fields["path"] for fields in reader.all_stored_fields()}


def test_a_public_build_indexes_exactly_what_the_knowledge_base_keeps(kb: KB, monkeypatch: pytest.MonkeyPatch) -> None:
    add_disk_incidents(kb)  # PM-2026-002 is public, PM-2026-001 and PM-2026-003 internal
    kb.write("postmortems/2026/broken.md", "---\nid: [unclosed\n---\n")
    monkeypatch.setenv("PMKB_PUBLIC_BUILD", "1")
    settings = load_settings(kb.root / "mkdocs.yml")
    shown = KnowledgeBase.load(kb.root, settings)
    with open_index(kb) as index:
        assert indexed_files(index) == {d.rel for d in [*shown.postmortems, *shown.runbooks]}
        assert "PM-2026-003" not in ids(index.search("buffer volume"))
        assert ids(index.search("HikariPool connection")) == ["db-pool"]
    # An edit that makes a public postmortem internal takes it out on the next (incremental) update.
    path = kb.root / "postmortems/2026/pm-2026-002.md"
    path.write_text(path.read_text().replace("visibility: public", "visibility: internal"))
    with open_index(kb) as index:
        assert index.updated == ["postmortems/2026/pm-2026-002.md"]
        assert indexed_files(index) == {"runbooks/db-pool.md"}


def test_a_folder_that_cannot_be_written_is_searched_in_memory(kb: KB) -> None:
    (kb.root / ".pmkb").write_text("not a folder")  # .pmkb/search cannot be made
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1 and notices[0].startswith("cannot use the search index in .pmkb/search (")
