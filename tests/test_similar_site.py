"""The "Similar incidents" section of postmortem pages, computed once per build."""

from __future__ import annotations

import re
import shutil

from .conftest import KB
from .search_support import add_disk_incidents, postmortem


def _section(page: str) -> str:
    start = page.index('id="similar-incidents"')
    return page[start:page.index("</ul>", start)]


def test_each_postmortem_page_lists_similar_incidents_with_why(kb: KB) -> None:
    add_disk_incidents(kb)
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    section = _section(kb.site("postmortems/2026/pm-2026-002/index.html"))
    assert re.search(r'<a href="\.\./pm-2026-003/">PM-2026-003: Log shipping delayed</a>', section)
    assert "Why: same incident type (Disk or volume full)" in section
    assert "shared terms:" in section
    # At most three, and never the page itself.
    page = kb.site("postmortems/2026/pm-2026-003/index.html")
    assert "PM-2026-003: Log shipping delayed" not in _section(page)
    assert _section(page).count("<li>") <= 3


def test_titles_are_escaped_and_drafts_are_not_listed(kb: KB) -> None:
    add_disk_incidents(kb)
    kb.write(
        "postmortems/2026/pm-2026-004.md",
        postmortem("PM-2026-004", "Disk <script>alert(1)</script> full", incident_type="disk-full",
                   services="build-runners", impact="No space left on device."),
    )
    kb.write(
        "postmortems/2026/pm-2026-005.md",
        postmortem("PM-2026-005", "Draft about disks", incident_type="disk-full", status="draft",
                   services="build-runners", impact="No space left on device."),
    )
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    section = _section(kb.site("postmortems/2026/pm-2026-002/index.html"))
    assert "Disk &lt;script&gt;alert(1)&lt;/script&gt; full" in section
    assert "PM-2026-005" not in section
    # The draft's own page still gets its neighbours.
    assert "PM-2026-002: CI runners stopped building" in _section(kb.site("postmortems/2026/pm-2026-005/index.html"))


def test_public_build_keeps_internal_postmortems_out_of_similar_lists(kb: KB) -> None:
    add_disk_incidents(kb)  # PM-2026-002 is public, PM-2026-003 internal
    result = kb.mkdocs("build", "--strict", env={"PMKB_PUBLIC_BUILD": "1"})
    assert result.returncode == 0, result.stderr
    page = kb.site("postmortems/2026/pm-2026-002/index.html")
    assert "PM-2026-003" not in page
    assert "No similar published postmortems yet." in page


def test_a_large_kb_sums_scores_by_pair_and_lists_the_same_incidents(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Past a few thousand postmortems the scores are summed by (query, document) pair instead of
    # into a dense row per query (which would grow with the square of the KB): same lists, same scores.
    from pmkb.search import similar
    from pmkb.search.text import search_text

    from .helpers import copy_demo, load

    kb = load(copy_demo(tmp_path))
    model = similar.SimilarityModel(search_text(d) for d in kb.published)
    dense = model.all_similar(limit=3)
    monkeypatch.setattr(similar, "_DENSE_CELLS", 1)
    by_pair = model.all_similar(limit=3)
    assert sum(len(matches) for matches in dense.values()) > 20
    assert by_pair == dense


SIMILAR_PACK = ".pmkb/check/similar.pack"


def _all_sections(site) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {str(p.relative_to(site)): _section(p.read_text(encoding="utf-8"))
            for p in sorted((site / "postmortems").rglob("index.html")) if 'id="similar-incidents"' in p.read_text(encoding="utf-8")}


def test_lists_kept_from_an_earlier_build_are_what_a_cold_build_lists(kb: KB, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_disk_incidents(kb)
    assert kb.mkdocs("build", "--strict").returncode == 0
    pack = kb.root / SIMILAR_PACK
    stored, before = pack.read_bytes(), _all_sections(kb.root / "site")
    # A sentence in a section the lists never read: the earlier build's lists are used as they were.
    path = kb.root / "postmortems/2026/pm-2026-003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Earlier detection.", "Earlier detection of full log volumes."),
                    encoding="utf-8")
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert pack.read_bytes() == stored
    # A summary is read: the lists are made again, and they are the lists of a build with no cache.
    path = kb.root / "postmortems/2026/pm-2026-002.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Docker image layers filled the runner disks.", "Log shipping filled the runner disks with delayed logs."),
        encoding="utf-8")
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert pack.read_bytes() != stored
    fresh = KB(tmp_path / "fresh")
    shutil.copytree(kb.root, fresh.root, ignore=shutil.ignore_patterns("check", "site"))
    assert fresh.mkdocs("build", "--strict").returncode == 0
    warm, cold = _all_sections(kb.root / "site"), _all_sections(fresh.root / "site")
    assert warm == cold and len(warm) >= 3
    assert warm != before, "the new summary shares words with another incident"


def test_a_damaged_similar_cache_is_reported_once_and_rebuilt(kb: KB, capfd) -> None:  # type: ignore[no-untyped-def]
    add_disk_incidents(kb)
    assert kb.mkdocs("build", "--strict").returncode == 0
    before = _all_sections(kb.root / "site")
    pack = kb.root / SIMILAR_PACK
    pack.write_bytes(pack.read_bytes()[:-30])  # truncated
    capfd.readouterr()
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert capfd.readouterr().err.count("the cache .pmkb/check/similar.pack is truncated or changed; rebuilding it") == 1
    assert _all_sections(kb.root / "site") == before
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert "similar.pack" not in capfd.readouterr().err  # rebuilt: quiet again
