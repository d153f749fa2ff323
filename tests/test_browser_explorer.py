"""In a real browser: the incident explorer's filters and URL, and the site's search box."""

from __future__ import annotations

import json
import re
from typing import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from .browser import serve
from .conftest import DemoBuild

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def site(demo_build: DemoBuild) -> Iterator[str]:
    with serve(demo_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def rows(site: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    import urllib.request

    with urllib.request.urlopen(site + "incidents/") as response:  # noqa: S310 - our own 127.0.0.1 server
        text = response.read().decode("utf-8")
    data = json.loads(re.search(r'id="pmkb-explorer-data">(.*?)</script>', text).group(1))
    return [dict(zip(data["columns"], row)) for row in data["rows"]]


def _shown_ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.pmkb-explorer-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")


def test_filters_narrow_the_table_and_live_in_the_url(site: str, rows: list[dict], page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "incidents/")
    assert len(_shown_ids(page)) == len(rows)
    assert page.locator(".pmkb-explorer-count").inner_text() == f"{len(rows)} of {len(rows)} postmortems"

    page.select_option("#pmkb-filter-severity", "SEV1")
    sev1 = {r["id"] for r in rows if r["severity"] == "SEV1"}
    assert 0 < len(sev1) < len(rows)
    assert set(_shown_ids(page)) == sev1
    assert parse_qs(urlparse(page.url).query) == {"severity": ["SEV1"]}

    page.select_option("#pmkb-filter-severity", "")
    page.select_option("#pmkb-filter-type", "db-connection-pool-exhaustion")
    page.fill("#pmkb-filter-q", "retry")
    wanted = {r["id"] for r in rows if r["type"] == "db-connection-pool-exhaustion" and "retry" in r["title"].lower()}
    assert wanted and set(_shown_ids(page)) == wanted
    assert parse_qs(urlparse(page.url).query) == {"type": ["db-connection-pool-exhaustion"], "q": ["retry"]}


def test_a_shared_url_restores_the_filtered_view(site: str, rows: list[dict], page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "incidents/?service=checkout&month=2026-05")
    wanted = {r["id"] for r in rows if "checkout" in r["services"] and r["month"] == "2026-05"}
    assert wanted and set(_shown_ids(page)) == wanted
    assert page.locator("#pmkb-filter-service").input_value() == "checkout"
    assert page.locator("#pmkb-filter-month").input_value() == "2026-05"
    page.click("text=Clear filters")
    assert len(_shown_ids(page)) == len(rows)
    assert urlparse(page.url).query == ""


def test_columns_sort(site: str, rows: list[dict], page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "incidents/")
    page.click("th[data-sort=ttr] button")
    ttrs = [r["ttr"] for r in rows]
    shown = _shown_ids(page)
    by_id = {r["id"]: r for r in rows}
    assert [by_id[i]["ttr"] for i in shown if by_id[i]["ttr"] is not None] == sorted(t for t in ttrs if t is not None)[::-1]
    assert page.locator("th[data-sort=ttr]").get_attribute("aria-sort") == "descending"
    assert "sort=-ttr" in page.url
    page.click("th[data-sort=ttr] button")
    assert page.locator("th[data-sort=ttr]").get_attribute("aria-sort") == "ascending"


def _search(page, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type into Material's search box and return the result pages' links, best first.

    Material answers from a web worker that first loads search_index.json and shows
    "Initializing search" until then; the query is typed once the worker is ready, and
    a key press makes Material read it (it listens to keyboard events).
    """
    page.click("input.md-search__input")
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && m.textContent.trim() && !/initializ/i.test(m.textContent); }",
        timeout=60_000,
    )
    page.fill("input.md-search__input", text)
    page.press("input.md-search__input", "End")  # Material reads the query on key events, not on `input`
    results = page.locator(".md-search-result__list > li > a")
    try:
        results.first.wait_for(state="attached", timeout=15_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError; reported below with what Material showed
        pass
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    if not hrefs:  # say what the search box showed instead
        meta = page.locator(".md-search-result__meta")
        pytest.fail(f"no search results for {text!r}; Material says: {meta.inner_text() if meta.count() else '(nothing)'}")
    return hrefs


def test_site_search_finds_the_runbook_by_a_symptom_phrase(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site)
    hrefs = _search(page, "remaining connection slots are reserved")
    assert any("runbooks/db-connection-pool-exhaustion/" in href for href in hrefs[:3]), hrefs


def test_site_search_finds_postmortems_by_type_metadata(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site)
    hrefs = _search(page, "DNS resolution failure")
    assert any("pm-2026-014" in href for href in hrefs), hrefs
