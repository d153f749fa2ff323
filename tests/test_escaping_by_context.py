"""Everything an author or a server wrote is escaped for the context it lands in: page text, <title>,
Material's search index (its JavaScript inserts tags as HTML), and link targets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import KB, TAXONOMY, VALID_PM, VALID_RUNBOOK

PAYLOAD = "</title><img src=x onerror=alert(1)>"
SERVICE = "<img src=y onerror=alert(2)>"

CACHE = {
    "format": "pmkb-jira-cache",
    "version": 1,
    "fetched_at": "2026-11-27T06:00:00Z",
    "server": {"url": "javascript:alert(3)//", "deployment": "Cloud"},
    "unknown": [],
    "issues": {
        "PAY-1": {"status": "In Progress", "category": "indeterminate", "duedate": "2026-12-20",
                  "resolution": None, "resolved": None, "history": []}
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = KB(tmp_path_factory.mktemp("escaping"))
    kb.settings()
    kb.write("incident-types.yml", TAXONOMY.replace("title: Database connection pool exhaustion", f"title: 'DB pool{PAYLOAD}'"))
    kb.write("docs/index.md", "# Test KB\n")
    kb.write("postmortems/2026/pm-2026-001.md", VALID_PM.replace("title: Checkout errors from pool exhaustion", f"title: 'Checkout{PAYLOAD}'"))
    runbook = VALID_RUNBOOK.replace("services: [checkout]", f"services: [checkout, '{SERVICE}']")
    kb.write("runbooks/db-pool.md", re.sub(r"^title: .*$", f"title: 'Runbook{PAYLOAD}'", runbook, count=1, flags=re.M))
    kb.write(".pmkb/jira-cache.json", json.dumps(CACHE))
    result = kb.mkdocs("build")  # not --strict: the hostile Jira cache is set aside with a warning
    assert result.returncode == 0, result.stderr
    (kb.root / "site/build.log").write_text(result.stderr, encoding="utf-8")
    return kb.root / "site"


def _pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_no_page_carries_live_markup_from_a_title_or_a_service(site: Path) -> None:
    live = {name for name, text in _pages(site).items() if "<img src=x" in text or "<img src=y" in text}
    assert live == set()


@pytest.mark.parametrize("page", ["incident-types/db-pool/index.html", "postmortems/2026/pm-2026-001/index.html",
                                  "runbooks/db-pool/index.html", "gaps/index.html"])  # fmt: skip
def test_the_html_title_is_one_escaped_line(site: Path, page: str) -> None:
    text = (site / page).read_text(encoding="utf-8")
    titles = re.findall(r"<title>(.*?)</title>", text, flags=re.S)
    assert len(titles) == 1, titles
    assert "<" not in titles[0] and titles[0].endswith(" - Test KB")
    if page.startswith(("incident", "postmortems", "runbooks")):
        assert "&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;" in titles[0]


def test_search_tags_never_reach_materials_javascript(site: Path) -> None:
    # Material's search inserts tags as HTML; postmortems and runbooks are searched through
    # pmkb's own index (inserted as text, see test_browser_search.py), so Material's holds none.
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []
    manifest = json.loads((site / "search/pmkb/manifest.json").read_text(encoding="utf-8"))
    shards = "".join((site / f"search/pmkb/t/{n}.json").read_text(encoding="utf-8") for n in range(manifest["shards"]))
    assert '"service:<img src=y onerror=alert(2)>"' in shards  # a filter value, kept as written (shown as text)


def test_a_javascript_server_url_from_the_jira_cache_never_becomes_a_link(site: Path) -> None:
    for name, text in _pages(site).items():
        assert not re.search(r"""href=["']?\s*javascript:""", text, flags=re.I), name
    log = (site / "build.log").read_text(encoding="utf-8")
    assert "jira-cache.json is damaged (server.url is not an http(s) URL)" in log  # set aside, never trusted
    actions = (site / "action-items/index.html").read_text(encoding="utf-8")
    assert "PAY-1" in actions and "In Progress" not in actions  # the item shows from front matter only
