"""Material's search index and the incidents/ explorer page, from a real build."""

from __future__ import annotations

import json
import re

from .conftest import KB
from .search_support import add_disk_incidents


def _entries(kb: KB) -> list[dict]:
    return json.loads(kb.site("search/search_index.json"))["docs"]


def _index(kb: KB) -> tuple[dict, dict[str, list], list[list]]:
    """The static search index of a built site: manifest, every term entry, every stored document."""
    folder = kb.root / "site/search/pmkb"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    terms: dict[str, list] = {}
    for shard in range(manifest["shards"]):
        terms |= json.loads((folder / f"t/{shard}.json").read_text(encoding="utf-8"))
    docs: list[list] = []
    for chunk in range((manifest["docs"] + manifest["chunk"] - 1) // manifest["chunk"]):
        docs += json.loads((folder / f"d/{chunk}.json").read_text(encoding="utf-8"))
    return manifest, terms, docs


def _numbers(entry: list) -> list[int]:
    out, at = [], 0
    for delta in entry[2]:
        at += delta
        out.append(at)
    return out


def test_postmortems_and_runbooks_are_searched_from_static_shards_not_materials_index(kb: KB) -> None:
    add_disk_incidents(kb)
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    manifest, terms, docs = _index(kb)
    assert manifest["docs"] == 5 and manifest["runbooks"] == 1
    titles = [d[0] for d in docs]
    # Runbooks first, then postmortems newest first, then the hand-written pages.
    assert titles == ["Database Connection Pool Exhaustion", "Log shipping delayed", "CI runners stopped building",
                      "Checkout errors from pool exhaustion", "Test KB"]
    runbook = docs[0]
    assert runbook[1:3] == ["runbooks/db-pool/", "runbook"] and runbook[3] == ["db-pool"]
    assert "Connection is not available" in runbook[7]  # the excerpt shown under the hit: its symptoms
    disk = docs[titles.index("CI runners stopped building")]
    assert disk[3:6] == [["disk-full"], "SEV3", "2026-06-02"] and disk[6] == ["build-runners"]
    # Symptom words are stemmed terms; the timeline is indexed too (as pmkb search does), with less weight.
    assert titles.index("CI runners stopped building") in _numbers(terms["space"])
    assert "zebra" in terms and "hikaripool" in terms
    # Fielded filters are terms with every matching document.
    assert _numbers(terms["severity:sev1"]) == [titles.index("Log shipping delayed")]
    assert sorted(_numbers(terms["type:disk-full"])) == sorted([titles.index("Log shipping delayed"), titles.index("CI runners stopped building")])
    assert _numbers(terms["service:checkout"]) == sorted(
        titles.index(t) for t in ("Database Connection Pool Exhaustion", "Log shipping delayed", "Checkout errors from pool exhaustion"))
    assert "kind:runbook" in terms and "date:2026-06" in terms
    # Material's own index keeps no postmortem or runbook: the browser never downloads it whole.
    assert _entries(kb) == []
    page = kb.site("postmortems/2026/pm-2026-002/index.html")
    assert '<script src="../../../assets/pmkb/search-client.js"></script>' in page
    assert (kb.root / "site/assets/pmkb/search-client.js").read_text().startswith("/* pmkb site search")


def test_a_public_build_indexes_no_internal_postmortem(kb: KB) -> None:
    add_disk_incidents(kb)  # PM-2026-002 is public; PM-2026-001 and PM-2026-003 are internal
    result = kb.mkdocs("build", "--strict", env={"PMKB_PUBLIC_BUILD": "1"})
    assert result.returncode == 0, result.stderr
    manifest, terms, docs = _index(kb)
    assert [d[0] for d in docs if d[2] == "postmortem"] == ["CI runners stopped building"]
    assert "severity:sev1" not in terms and "service:log-pipeline" not in terms  # PM-2026-003's only values
    assert "buffer" not in terms and "refund" not in terms  # words only the internal ones have
    everything = "".join(p.read_text(encoding="utf-8") for p in (kb.root / "site/search").rglob("*.json"))
    for secret in ("PM-2026-001", "PM-2026-003", "Log shipping delayed", "Checkout errors from pool exhaustion", "pm-2026-003"):
        assert secret not in everything


def test_explorer_page_carries_every_postmortem_and_is_in_the_nav(kb: KB) -> None:
    add_disk_incidents(kb)
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    page = kb.site("incidents/index.html")
    data = json.loads(re.search(r'<script type="application/json" id="pmkb-explorer-data">(.*?)</script>', page).group(1))
    ids = [row[data["columns"].index("id")] for row in data["rows"]]
    assert ids == ["PM-2026-003", "PM-2026-002", "PM-2026-001"]
    row = dict(zip(data["columns"], data["rows"][0]))
    assert row["url"] == "../postmortems/2026/pm-2026-003/"
    assert row["services"] == ["log-pipeline", "checkout"] and row["month"] == "2026-09"
    assert '<script src="../assets/pmkb/explorer.js">' in page
    assert '<link rel="stylesheet" href="../assets/pmkb/explorer.css">' in page
    assert (kb.root / "site/assets/pmkb/explorer.js").read_text().startswith("/* pmkb incident explorer")
    assert re.search(r'<a href="incidents/" class="md-nav__link">\s*(<[^>]*>\s*)*Incident explorer', kb.site("index.html"))
    # The page itself stays out of the search index (its table would only repeat titles).
    assert not [e for e in _entries(kb) if e["location"].startswith("incidents/")]


def test_explorer_data_cannot_break_out_of_its_script_block(kb: KB) -> None:
    kb.write("postmortems/2026/pm-2026-001.md", (kb.root / "postmortems/2026/pm-2026-001.md").read_text().replace(
        "title: Checkout errors from pool exhaustion", 'title: "Pool </script><script>alert(1)</script>"'))
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    page = kb.site("incidents/index.html")
    block = re.search(r'id="pmkb-explorer-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert "alert(1)" in block and "<" not in block


def test_the_index_is_the_same_whether_its_postings_are_summed_at_once_or_in_ranges(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A large KB's postings are summed a range of terms at a time (to bound the build's memory);
    # a search there must rank exactly as if they had been summed at once, as on a small KB.
    from pmkb.site import search_static
    from pmkb.urls import SiteOptions

    from .helpers import copy_demo, load

    kb = load(copy_demo(tmp_path))
    urls = SiteOptions(use_directory_urls=True)
    monkeypatch.setattr(search_static, "_ROWS_AT_ONCE", 10**9)
    at_once = search_static.build_assets(kb, urls)
    monkeypatch.setattr(search_static, "_ROWS_AT_ONCE", 50)
    in_ranges = search_static.build_assets(kb, urls)
    assert at_once.terms > 500
    assert in_ranges.files == at_once.files
