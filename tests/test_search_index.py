"""The whoosh index under .pmkb/search: incremental by content hash, and self-healing."""

from __future__ import annotations

import os

from whoosh import index as whoosh_index

from .conftest import KB
from .search_support import add_disk_incidents, open_index


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.id for h in hits]


def test_first_open_builds_the_index_with_a_notice(kb: KB) -> None:
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert set(ids(index.search("HikariPool connection"))) == {"db-pool", "PM-2026-001"}
    assert len(notices) == 1 and "rebuilt it in .pmkb/search (2 documents)" in notices[0]
    assert (kb.root / ".pmkb" / "search" / "manifest.json").is_file()


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
    folder = kb.root / ".pmkb" / "search"
    for path in folder.iterdir():
        if path.name != "manifest.json":
            path.write_bytes(b"\x00garbage" * 10)
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1 and notices[0].startswith("the search index was damaged")


def test_a_missing_segment_or_manifest_is_rebuilt(kb: KB) -> None:
    open_index(kb).close()
    folder = kb.root / ".pmkb" / "search"
    for path in folder.glob("*.seg"):
        path.unlink()
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in ids(index.search("pool"))
    assert len(notices) == 1
    (folder / "manifest.json").write_text("{not json")
    notices.clear()
    with open_index(kb, notices) as index:
        assert index.count == 2
    assert len(notices) == 1 and "out of date" in notices[0]


def test_an_index_locked_by_another_writer_is_rebuilt_in_memory(kb: KB) -> None:
    open_index(kb).close()
    kb.write("runbooks/db-pool.md", (kb.root / "runbooks/db-pool.md").read_text().replace("Look at", "Look for wombats at"))
    holder = whoosh_index.open_dir(str(kb.root / ".pmkb" / "search")).writer()  # another process, in effect
    try:
        notices: list[str] = []
        with open_index(kb, notices) as index:
            assert ids(index.search("wombat")) == ["db-pool"]
        assert len(notices) == 1 and "locked by another process" in notices[0]
    finally:
        holder.cancel()


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
