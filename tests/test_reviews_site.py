"""The built site: metrics charts (valid, deterministic SVG with the expected series), review pages that
show what `pmkb review --format json` says, and a deck that escapes what authors wrote."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from pmkb.reviews.render import format_value

from .conftest import KB, TAXONOMY, VALID_PM, VALID_RUNBOOK
from .helpers import run_json
from .reviews_support import parse_html as _parse
from .reviews_support import write_review_kb

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> KB:
    """The review KB built twice (site/ and site2/), --strict: no warnings from any of it."""
    root = tmp_path_factory.mktemp("reviews")
    # PMKB_TODAY and the JIRA_* variables are pinned for the whole session by conftest.
    kb = KB(root)
    kb.settings()
    kb.write("incident-types.yml", TAXONOMY)
    kb.write("docs/index.md", "# Test KB\n\nWelcome.\n")
    kb.write("postmortems/2026/pm-2026-001.md", VALID_PM)
    kb.write("runbooks/db-pool.md", VALID_RUNBOOK)
    write_review_kb(kb)
    for target in ("site", "site2"):
        result = kb.mkdocs("build", "--strict", "-d", target)
        assert result.returncode == 0, result.stderr
    return kb


def test_nav_has_metrics_and_reviews(built: KB) -> None:
    home = built.site("index.html")
    assert re.search(r'href="metrics/"[^>]*>\s*(<span[^>]*>)?\s*Metrics', home)
    assert re.search(r'href="reviews/"[^>]*>\s*(<span[^>]*>)?\s*Monthly reviews', home)


def test_a_review_per_month_with_published_postmortems(built: KB) -> None:
    reviews = sorted(p.parent.name for p in (built.root / "site/reviews").glob("*/index.html"))
    assert reviews == ["2026-03", "2026-04", "2026-05", "2026-06"]
    for month in reviews:
        assert (built.root / f"site/reviews/{month}/slides/index.html").is_file()
    index = _parse(built.site("reviews/index.html"))
    assert [row[0] for row in index.tables[0][1:]] == [f"{m} (slides)" for m in ("June 2026", "May 2026", "April 2026", "March 2026")]


def test_charts_are_valid_svg_with_the_expected_series(built: KB) -> None:
    folder = built.root / "site/metrics/charts"
    names = sorted(p.name for p in folder.glob("*.svg"))
    assert names == [
        "action-item-completion.svg", "incident-types-pareto.svg", "incidents-by-severity.svg",
        "repeat-rate.svg", "time-to-detect.svg", "time-to-resolve.svg",
    ]  # fmt: skip
    for path in folder.glob("*.svg"):
        root = ET.parse(path).getroot()  # well-formed XML or this raises
        assert root.tag == f"{SVG}svg"
        assert not list(root.iter(f"{SVG}script")) and "<script" not in path.read_text()
        # Nothing to fetch at view time: every href is a fragment within the SVG.
        hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href")]
        assert all(h.startswith("#") for h in hrefs), hrefs

    def ids(name: str) -> set[str]:
        return {el.get("id", "") for el in ET.parse(folder / name).getroot().iter()}

    severity = ids("incidents-by-severity.svg")
    # Four months (March..June) of stacked bars per severity level.
    for level in ("sev1", "sev2", "sev3", "sev4"):
        assert {f"series-{level}-{i}" for i in range(4)} <= severity
    assert {"series-median", "series-p90"} <= ids("time-to-resolve.svg")
    assert {"series-median", "series-p90"} <= ids("time-to-detect.svg")
    assert {f"series-repeat-rate-{i}" for i in range(4)} <= ids("repeat-rate.svg")
    pareto = ids("incident-types-pareto.svg")
    assert {"series-cumulative-share", "reference-line", "series-postmortems-0", "series-postmortems-2"} <= pareto
    completion = ids("action-item-completion.svg")
    assert any(i.startswith("series-on-time-") for i in completion) and any(i.startswith("series-overdue-") for i in completion)
    # Text stays text (svg.fonttype none): the legend names the series.
    texts = {"".join(el.itertext()) for el in ET.parse(folder / "incidents-by-severity.svg").getroot().iter(f"{SVG}text")}
    assert {"SEV1", "SEV2", "SEV3", "SEV4"} <= texts


def test_charts_are_byte_identical_across_builds(built: KB) -> None:
    first = sorted((built.root / "site").rglob("*.svg"))
    assert len(first) >= 6 + 2 * 4
    for path in first:
        twin = built.root / "site2" / path.relative_to(built.root / "site")
        assert path.read_bytes() == twin.read_bytes(), path.name
    for month in ("2026-03", "2026-06"):
        slides = f"reviews/{month}/slides/index.html"
        assert (built.root / "site" / slides).read_bytes() == (built.root / "site2" / slides).read_bytes()


def test_each_chart_has_its_numbers_as_a_table(built: KB) -> None:
    page = built.site("metrics/index.html")
    parsed = _parse(page)
    ttr = next(t for t in parsed.tables if t[0] == ["Month", "Median", "p90"] and t[1][0] == "2026-03" and "2 h" in t[1][1])
    # Hand-computed: March 120, April 60, May median(100, 40) = 70 and p90 94, June 30.
    assert ttr[1:] == [["2026-03", "2 h", "2 h"], ["2026-04", "1 h", "1 h"], ["2026-05", "1 h 10 min", "1 h 34 min"],
                       ["2026-06", "30 min", "30 min"]]  # fmt: skip
    severity = next(t for t in parsed.tables if t[0] == ["Month", "SEV1", "SEV2", "SEV3", "SEV4"])
    assert severity[1:] == [["2026-03", "0", "0", "1", "0"], ["2026-04", "0", "1", "0", "0"],
                            ["2026-05", "0", "1", "1", "0"], ["2026-06", "0", "1", "0", "0"]]  # fmt: skip
    pareto = next(t for t in parsed.tables if t[0] == ["Incident type", "Postmortems", "Cumulative share"])
    assert pareto[1:] == [["db-pool", "2", "40%"], ["dns", "2", "80%"], ["cache-stale", "1", "100%"]]
    assert "2 of 3 types cause 80% of incidents: db-pool, dns." in page


def test_review_page_shows_what_the_cli_json_says(built: KB) -> None:
    code, data = run_json(built.root, "review", "2026-05")
    assert code == 0
    assert json.loads((built.root / "site/api/reviews/2026-05.json").read_text()) == data
    page = built.site("reviews/2026-05/index.html")
    parsed = _parse(page)
    assert data["title"] in parsed.headings
    metrics = next(t for t in parsed.tables if t[0][0] == "Metric")
    by_label = {row[0]: row for row in metrics[1:]}
    assert list(by_label) == [m["label"] for m in data["metrics"]]
    for m in data["metrics"]:
        row = by_label[m["label"]]
        assert row[1:3] == [format_value(m["value"], m["unit"]), format_value(m["previous"], m["unit"])]
        assert row[4] == format_value(m["trailing"], m["unit"])
    postmortems = next(t for t in parsed.tables if t[0][0] == "Postmortem")
    assert [row[0] for row in postmortems[1:]] == [p["id"] for p in data["postmortems"]]
    for kind in ("overdue", "slipped", "due", "completed"):
        items = data["action_items"][kind]
        if kind == "due":  # the page does not repeat under Due what it lists under Overdue
            items = [i for i in items if i not in data["action_items"]["overdue"]]
        assert f"{kind.capitalize()} ({len(items)})" in parsed.headings
    for item in data["went_well"]:
        assert item["text"] in page
    assert "PM-2026-005" in page and "draft" in page  # still in draft
    assert data["runbook_gaps"][0]["title"] in page


def test_author_text_is_escaped_on_the_page_and_in_the_deck(built: KB) -> None:
    page = built.site("reviews/2026-05/index.html")
    assert "<script>alert(1)</script>" not in page  # from the summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for html in (page, built.site("reviews/2026-05/slides/index.html")):  # the title
        assert "<b>prices</b>" not in html and "&lt;b&gt;prices&lt;/b&gt; &amp; co" in html


def test_deck_is_self_contained(built: KB) -> None:
    deck = built.site("reviews/2026-05/slides/index.html")
    # No external stylesheet, script or image: everything inline (charts as data: URIs).
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', deck)
    assert not re.search(r"<link\b(?![^>]*href=\"data:)", deck)  # only the inline icon (no /favicon.ico request)
    assert re.findall(r'<img src="([^"]{0,26})', deck) == ["data:image/svg+xml;base64,"] * 2
    # Title, metrics, one slide per major postmortem (P2), recurring, overdue, went well.
    assert len(re.findall(r'<section class="slide', deck)) == 6
    assert "PM-2026-002" in deck and "Also overdue: 1 item due before May 2026" in deck and "The runbook worked." in deck
