"""Material's search index and the incidents/ explorer page, from a real build."""

from __future__ import annotations

import json
import re

from .conftest import KB
from .search_support import add_disk_incidents


def _entries(kb: KB) -> list[dict]:
    return json.loads(kb.site("search/search_index.json"))["docs"]


def test_postmortems_are_indexed_by_symptoms_summary_root_cause_and_metadata(kb: KB) -> None:
    add_disk_incidents(kb)
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    entries = [e for e in _entries(kb) if e["location"].startswith("postmortems/2026/pm-2026-002/")]
    text = " ".join(e["text"] for e in entries)
    assert "No space left on device" in text  # Impact: what responders see
    assert "Docker image layers filled the runner disks" in text  # Summary
    assert "Image cache pruning was disabled" in text  # Root cause
    assert "Disk or volume full (disk-full)" in text and "build-runners" in text  # metadata
    # Left out to keep the index small: timeline, lessons, action items, similar list.
    assert "zebra-striped" not in text
    titles = {e["title"] for e in entries}
    assert {"Summary", "Impact", "Root cause and contributing factors"} <= titles
    assert not titles & {"Timeline", "What went well", "Action items", "Similar incidents"}
    # ...but they are still on the page.
    assert "zebra-striped" in kb.site("postmortems/2026/pm-2026-002/index.html")
    assert "data-search-exclude" not in kb.site("postmortems/2026/pm-2026-002/index.html")


def test_runbooks_are_indexed_by_symptoms_and_mitigation_with_metadata_and_a_boost(kb: KB) -> None:
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    entries = [e for e in _entries(kb) if e["location"].startswith("runbooks/db-pool/")]
    assert entries and all(e.get("boost") == 2.0 for e in entries)
    assert all(e.get("tags") == ["db-pool", "checkout"] for e in entries)
    assert "md-tag" not in kb.site("runbooks/db-pool/index.html")  # search-only tags, no chips
    text = " ".join(e["text"] for e in entries)
    assert "HikariPool-1 - Connection is not available." in text
    assert "Database connection pool exhaustion (db-pool)" in text and "services: checkout" in text
    assert "Restart the leaking pods." in text and "Look at pg_stat_activity." in text
    assert "Leak detection on." not in text  # the prevention checklist is on the page, not in the index
    assert "Leak detection on." in kb.site("runbooks/db-pool/index.html")


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
