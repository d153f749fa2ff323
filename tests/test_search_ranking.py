"""Free words are ranked by the numpy model (search/ranking.py) stored next to the whoosh index."""

from __future__ import annotations

import shutil

from .conftest import KB
from .search_support import add_disk_incidents, live_folder, open_index, postmortem


def ranked(kb: KB, text: str) -> list[tuple[str, float]]:
    with open_index(kb) as index:
        return [(h.id, h.score) for h in index.search(text, limit=10)]


def test_more_matching_words_rank_higher_and_title_words_weigh_most(kb: KB) -> None:
    add_disk_incidents(kb)
    # Only PM-2026-003 has "buffer" and "volume" and "log"; PM-2026-002 has "space left on device" too.
    hits = ranked(kb, "log buffer volume no space left")
    assert [hit_id for hit_id, _ in hits[:2]] == ["PM-2026-003", "PM-2026-002"]
    assert hits[0][1] > hits[1][1] > 0
    # "runners" is in PM-2026-002's title and only in the body of the other.
    kb.write(
        "postmortems/2026/pm-2026-004.md",
        postmortem("PM-2026-004", "Payments slow", services="payments", timeline="- 02:10 runners were slow"),
    )
    assert ranked(kb, "runners")[0][0] == "PM-2026-002"


def test_filters_restrict_free_words_and_do_not_score(kb: KB) -> None:
    add_disk_incidents(kb)
    free = dict(ranked(kb, "no space left on device"))
    filtered = ranked(kb, "no space left on device severity:SEV1")
    assert [hit_id for hit_id, _ in filtered] == ["PM-2026-003"]
    assert filtered[0][1] == free["PM-2026-003"]


def test_an_incremental_update_ranks_exactly_like_a_fresh_build(kb: KB) -> None:
    add_disk_incidents(kb)
    open_index(kb).close()
    path = kb.root / "postmortems/2026/pm-2026-002.md"
    path.write_text(path.read_text().replace("Docker image layers", "Connection pool image layers"))
    (kb.root / "postmortems/2026/pm-2026-003.md").unlink()
    queries = ["connection pool exhausted checkout", "image layers disk", "no space left on device"]
    incremental = [ranked(kb, q) for q in queries]
    shutil.rmtree(kb.root / ".pmkb" / "search")
    assert [ranked(kb, q) for q in queries] == incremental
    assert "PM-2026-002" in [hit_id for hit_id, _ in incremental[0]]


def test_a_missing_or_stale_ranking_model_rebuilds_the_index_with_a_notice(kb: KB) -> None:
    open_index(kb).close()
    saved = (live_folder(kb) / "ranking.npz").read_bytes()
    (live_folder(kb) / "ranking.npz").unlink()
    notices: list[str] = []
    with open_index(kb, notices) as index:
        assert "PM-2026-001" in [h.id for h in index.search("pool")]
    assert len(notices) == 1 and "damaged" in notices[0] and "rebuilt it in .pmkb/search" in notices[0]
    # A model from another state of the index (here: before a file was added) is not used.
    add_disk_incidents(kb)
    open_index(kb).close()
    (live_folder(kb) / "ranking.npz").write_bytes(saved)
    notices.clear()
    with open_index(kb, notices) as index:
        assert "PM-2026-003" in [h.id for h in index.search("buffer volume")]
    assert len(notices) == 1 and "rebuilt" in notices[0]


def test_phrases_and_not_still_work(kb: KB) -> None:
    add_disk_incidents(kb)
    assert [hit_id for hit_id, _ in ranked(kb, '"buffer volume"')] == ["PM-2026-003"]
    assert "PM-2026-003" not in [hit_id for hit_id, _ in ranked(kb, "space NOT buffer")]
