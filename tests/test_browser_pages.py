"""Every page type of the demo KB in chromium: on a laptop and a phone, light and dark.

The demo is built once for the module and one browser serves every test. Each page is checked
for what a reader would notice: the page scrolling sideways, raw Markdown or template text,
console errors, requests leaving the site, an id, date or ticket broken over two lines, and
accessibility problems (axe-core) beyond those Material's own pages have. The deck is walked
slide by slide: its buttons and counter must stay visible and apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from .a11y import violations
from .browser import serve
from .conftest import DemoBuild
from .site_tour import HEIGHTS, SCHEMES, WIDTHS, PageType, demo_tour, set_scheme

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE_TYPES = [
    "home", "postmortem", "postmortem-draft", "postmortem-drill", "runbook", "postmortems-index",
    "runbooks-index", "incident-types-index", "incident-type", "explorer", "explorer-filtered-sorted",
    "gaps", "action-items", "metrics", "oncall", "reviews-index", "review",
]  # fmt: skip
VIEWS = [(width, scheme) for width in WIDTHS for scheme in SCHEMES]
VIEW_IDS = [f"{w}-{'dark' if s == 'slate' else 'light'}" for w, s in VIEWS]

# Where Material's own components sit: an axe finding inside one of them is Material's, not pmkb's
# (the plain Material page of the same site has the same ones; see test_plain_material_baseline).
MATERIAL_PARTS = ".md-header, .md-search, .md-footer, .md-copyright, .md-tags, .md-code__nav, .highlight, .md-sidebar"

# Text that must never reach a reader: template syntax, our own placeholders, Markdown that was not
# rendered, and HTML escaped twice.
RAW = re.compile(r"\{\{|\}\}|\{%|%\}|PMKBFRAGMENT|PMKBLATE|\|\s*---|---\s*\||\]\(|\*\*\w|&amp;|&lt;|&gt;|&#\d+;|\bUndefined\b")
# Tokens that must stay on one line: postmortem ids, dates, tickets (KEY-123), months.
TOKENS = r"PM-\d{4}-\d{3}|\d{4}-\d{2}-\d{2}|\b[A-Z][A-Z0-9]+-\d+\b"

_READABLE_TEXT = """() => {
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const copy = root.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, noscript, textarea').forEach(n => n.remove());
  return copy.textContent;
}"""

_BROKEN_TOKENS = """(pattern) => {
  const re = new RegExp(pattern, 'g');
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('pre, code, script, style, textarea') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT
  });
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(re)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0] + ' in "' + node.data.trim().slice(0, 80) + '"');
    }
  }
  return broken;
}"""

_NOT_MATERIALS = """([selector, parts]) => {
  const el = document.querySelector(selector);
  return !(el && el.closest(parts));
}"""


@dataclass
class Tab:
    """One browser tab per view (width and scheme), with what it saw since the last visit."""

    page: object
    base: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def visit(self, path: str) -> object:
        self.errors.clear()
        self.outside.clear()
        self.page.goto(self.base + path)  # type: ignore[attr-defined]
        self.page.wait_for_load_state("load")  # type: ignore[attr-defined]
        return self.page


@pytest.fixture(scope="module")
def demo(demo_build: DemoBuild) -> Path:
    return demo_build.site


@pytest.fixture(scope="module")
def tour(demo: Path) -> dict[str, PageType]:
    return {p.name: p for p in demo_tour(demo)}


@pytest.fixture(scope="module")
def base_url(demo: Path) -> Iterator[str]:
    with serve(demo) as url:
        yield url


@pytest.fixture(scope="module")
def tabs(browser, base_url: str) -> Iterator[dict[tuple[str, str], Tab]]:  # noqa: F811 - the fixture
    made: dict[tuple[str, str], Tab] = {}
    contexts = []
    for width, scheme in VIEWS:
        context = browser.new_context(
            viewport={"width": WIDTHS[width], "height": HEIGHTS[width]}, color_scheme="dark" if scheme == "slate" else "light"
        )
        contexts.append(context)
        set_scheme(context, scheme)
        page = context.new_page()
        tab = Tab(page, base_url)

        def route(request_route, tab: Tab = tab) -> None:  # type: ignore[no-untyped-def]
            url = request_route.request.url
            if url.startswith((base_url, "data:", "blob:")):
                request_route.continue_()
            else:
                tab.outside.append(url)
                request_route.abort()

        context.route("**/*", route)
        page.on("console", lambda message, tab=tab: tab.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error, tab=tab: tab.errors.append(str(error)))
        made[(width, scheme)] = tab
    yield made
    for context in contexts:
        context.close()


def _pmkb_violations(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """axe's findings on the page, less those inside Material's own components."""
    found = {}
    for rule, nodes in violations(page).items():
        ours = [n for n in nodes if page.evaluate(_NOT_MATERIALS, [n.split(": ", 1)[0], MATERIAL_PARTS])]
        if ours:
            found[rule] = ours
    return found


def _check_page(tab: Tab, path: str, scheme: str, width: str) -> None:
    page = tab.visit(path)
    if path.startswith("incidents/"):
        page.wait_for_selector("table.pmkb-explorer-table tbody tr")  # type: ignore[attr-defined]
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")  # type: ignore[attr-defined]
    assert sizes[0] <= sizes[1], f"{path} scrolls sideways at {WIDTHS[width]} px: {sizes[0]} px wide"
    text = page.evaluate(_READABLE_TEXT)  # type: ignore[attr-defined]
    raw = sorted({m.group(0) for m in RAW.finditer(text)})
    assert not raw, f"{path} shows raw text {raw}"
    broken = page.evaluate(_BROKEN_TOKENS, TOKENS)  # type: ignore[attr-defined]
    assert not broken, f"{path} breaks tokens over two lines: {broken[:5]}"
    if scheme == "slate" and not path.endswith("slides/"):  # the deck is its own page, one design for the projector
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"  # type: ignore[attr-defined]
    assert not tab.outside, f"{path} asked for {tab.outside}"
    assert not tab.errors, f"{path} logged {tab.errors}"


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_reads_well(name: str, view: tuple[str, str], tabs, tour) -> None:  # type: ignore[no-untyped-def]
    width, scheme = view
    tab = tabs[view]
    _check_page(tab, tour[name].path, scheme, width)
    if width == "laptop":  # contrast depends on the scheme, not the width: axe once per scheme
        found = _pmkb_violations(tab.page)
        assert not found, f"{tour[name].path}: axe-core finds {found}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_plain_material_baseline(scheme: str, tabs, tour) -> None:  # type: ignore[no-untyped-def]
    """The comparison is fair: a page pmkb does not touch has findings only inside Material's parts."""
    tab = tabs[("laptop", scheme)]
    tab.visit(tour["plain-material"].path)
    everything = violations(tab.page)
    assert everything, "axe found nothing on Material's page: is axe running?"
    assert _pmkb_violations(tab.page) == {}


def test_the_explorer_filters_and_sorts_without_breaking_the_layout(tabs, tour) -> None:  # type: ignore[no-untyped-def]
    tab = tabs[("phone", "default")]
    page = tab.visit(tour["explorer-filtered-sorted"].path)
    page.wait_for_selector("table.pmkb-explorer-table tbody tr")
    assert page.locator("#pmkb-filter-severity").input_value() == "SEV2"
    assert page.locator("th[data-sort=ttr]").get_attribute("aria-sort") == "descending"
    severities = page.locator("table.pmkb-explorer-table tbody tr .pmkb-sev").all_inner_texts()
    assert severities and set(severities) == {"SEV2"}


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_every_slide_of_the_deck(view: tuple[str, str], tabs, tour) -> None:  # type: ignore[no-untyped-def]
    width, scheme = view
    tab = tabs[view]
    path = tour["deck"].path
    _check_page(tab, path, scheme, width)
    page = tab.page
    count = page.locator(".slide").count()
    assert count >= 5
    for number in range(1, count + 1):
        assert page.evaluate("location.hash") == f"#{number}"
        slide = page.locator(".slide:visible")
        assert slide.count() == 1
        counter = slide.locator(".footer span").last
        assert counter.inner_text() == f"{number} / {count}"
        counter.scroll_into_view_if_needed()  # on a phone held upright a slide may be taller than the screen
        box = counter.bounding_box()
        viewport = page.viewport_size
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] and box["y"] + box["height"] <= viewport["height"] + 1
        for button in ("#prev", "#next"):
            assert page.locator(button).is_visible()
            other = page.locator(button).bounding_box()
            apart = box["x"] + box["width"] <= other["x"] or other["x"] + other["width"] <= box["x"] or \
                box["y"] + box["height"] <= other["y"] or other["y"] + other["height"] <= box["y"]
            assert apart, f"slide {number}: the counter is under the {button} button"
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], f"slide {number} scrolls sideways"
        if width == "laptop" and scheme == "default":
            assert _pmkb_violations(page) == {}, f"slide {number}"
        page.locator("#next").click()
    assert not tab.errors and not tab.outside


# -- what the issue found, pinned on the built HTML (no browser needed) ------------------------


def _html(demo: Path, path: str) -> str:
    return (demo / path / "index.html").read_text(encoding="utf-8")


def test_no_page_asks_google_for_fonts(demo: Path) -> None:
    pages = list(demo.rglob("*.html"))
    assert len(pages) > 50
    assert not [p for p in pages if "fonts.googleapis.com" in p.read_text(encoding="utf-8")]


def test_review_lists_an_item_once_and_the_deck_counts_the_same_overdue(demo: Path, tour) -> None:  # type: ignore[no-untyped-def]
    review = _html(demo, tour["review"].path)
    overdue = int(re.search(r'<h3 id="overdue[^"]*">Overdue \((\d+)\)', review).group(1))
    section = lambda start, end: review[review.index(start) : review.index(end)]  # noqa: E731
    cells = lambda html: set(re.findall(r"<tr><td>(.*?)</td>", html))  # noqa: E731
    assert not cells(section('id="overdue', 'id="slipped')) & cells(section('id="due', 'id="completed'))
    deck = _html(demo, tour["deck"].path)
    title_slide = deck[deck.index('aria-label="Slide 1"') : deck.index('aria-label="Slide 2"')]
    assert f"{overdue} overdue follow-up" in title_slide
    assert "T18:05Z" not in review and "2026-11-17 18:05 UTC" in review


def test_deck_highlights_read_as_sentences(demo: Path) -> None:
    for deck in sorted(demo.glob("reviews/*/slides/index.html")):
        items = re.findall(r"<li>(.*?)</li>", deck.read_text(encoding="utf-8"), flags=re.S)
        assert items, deck
        assert not [i for i in items if i.lstrip().startswith("|") or i.rstrip().endswith(":")], deck
        assert '<link rel="icon" href="data:' in deck.read_text(encoding="utf-8")


def test_postmortems_index_is_one_table_with_the_drill_marked(demo: Path) -> None:
    index = _html(demo, "postmortems")
    assert index.count("<table") == 1
    drill_row = next(row for row in index.split("<tr>") if "PM-2026-027" in row)
    assert 'class="pmkb-drill"' in drill_row and 'href="../incident-types/' in drill_row


def test_incident_type_trend_shows_quiet_months(demo: Path, tour) -> None:  # type: ignore[no-untyped-def]
    page = _html(demo, tour["incident-type"].path)
    trend = page[page.index("pmkb-trend") :]
    months = re.findall(r'<td class="pmkb-nowrap">(\d{4}-\d{2})</td><td class="num">(\d+)</td>', trend)
    assert ("0" in {count for _, count in months}), "no month without incidents is shown"
    numbers = [int(m[:4]) * 12 + int(m[5:]) for m, _ in months]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # consecutive, up to the as-of month
    assert months[-1][0] == "2026-11"


def test_runbook_page_names_its_owner_and_last_review(demo: Path, tour) -> None:  # type: ignore[no-untyped-def]
    page = _html(demo, tour["runbook"].path)
    assert re.search(r"<strong>Owner team:</strong> \w+ · <strong>Last reviewed:</strong> <time", page)


def test_the_repeat_sentence_starts_after_a_space(demo: Path) -> None:
    pages = [p.read_text(encoding="utf-8") for p in demo.glob("postmortems/2026/*/index.html")]
    repeats = [p for p in pages if "This incident is a repeat" in p]
    assert repeats
    assert not [p for p in repeats if re.search(r"\S<strong>This incident is a repeat", p)]
