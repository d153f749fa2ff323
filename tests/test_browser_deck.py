"""The monthly slide deck in a real browser (Debian chromium + Playwright), on the built demo KB.

Keyboard: ArrowRight / space forward, ArrowLeft back; the slide number is the
URL hash, so a reload stays on the slide; printing gives one page per slide.
Also: the demo's reviews and metrics tell its story (time to resolve falling).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from .browser import serve
from .conftest import DemoBuild
from .reviews_support import parse_html as _parse

DEMO_MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


@pytest.fixture(scope="module")
def demo_site(demo_build: DemoBuild) -> Path:
    return demo_build.site


@pytest.fixture(scope="module")
def base_url(demo_site: Path) -> Iterator[str]:
    with serve(demo_site) as url:
        yield url


def _current(tab) -> str:  # type: ignore[no-untyped-def]
    """The aria-label of the one slide on screen (and check that only one is)."""
    visible = tab.locator(".slide:visible")
    assert visible.count() == 1
    return visible.get_attribute("aria-label")


def _hash(tab) -> str:  # type: ignore[no-untyped-def]
    return tab.evaluate("location.hash")


def test_keys_move_between_slides_and_the_url_shows_the_number(page, base_url: str) -> None:
    page.goto(base_url + "reviews/2026-06/slides/")
    assert _hash(page) == "#1" and _current(page) == "Slide 1"
    assert "Incident review: June 2026" in page.locator(".slide:visible h2").inner_text()
    page.keyboard.press("ArrowRight")
    assert _hash(page) == "#2" and _current(page) == "Slide 2"
    assert "Metrics" in page.locator(".slide:visible h2").inner_text()
    page.keyboard.press(" ")
    assert _hash(page) == "#3" and _current(page) == "Slide 3"
    assert "PM-2026-005" in page.locator(".slide:visible h2").inner_text()  # the first SEV1 of June
    page.keyboard.press("ArrowLeft")
    assert _hash(page) == "#2" and _current(page) == "Slide 2"


def test_reload_keeps_the_slide_and_the_ends_hold(page, base_url: str) -> None:
    page.goto(base_url + "reviews/2026-06/slides/#4")
    assert _current(page) == "Slide 4"
    page.keyboard.press("ArrowRight")
    page.reload()
    assert _hash(page) == "#5" and _current(page) == "Slide 5"
    total = page.locator(".slide").count()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    assert _hash(page) == f"#{total}"
    assert "What went well" in page.locator(".slide:visible h2").inner_text()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")
    assert _hash(page) == "#1"


@pytest.mark.parametrize("month", ["2026-06", "2026-11"])
def test_printing_gives_one_page_per_slide(page, base_url: str, month: str) -> None:
    page.goto(base_url + f"reviews/{month}/slides/#3")
    slides = page.locator(".slide").count()
    # Title, metrics, recurring types, overdue follow-ups, what went well, plus one per SEV1/SEV2.
    assert slides >= 6
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages == slides


def test_every_demo_month_has_a_review_and_a_deck(demo_site: Path) -> None:
    assert sorted(p.parent.name for p in (demo_site / "reviews").glob("*/index.html")) == DEMO_MONTHS
    for month in DEMO_MONTHS:
        deck = (demo_site / f"reviews/{month}/slides/index.html").read_text(encoding="utf-8")
        assert deck.count('<section class="slide') >= 5


def test_demo_metrics_tell_the_improvement_story(demo_site: Path) -> None:
    html = (demo_site / "metrics/index.html").read_text(encoding="utf-8")
    assert "Median time to resolve fell from" in html
    tables = _parse(html).tables
    ttr = next(t for t in tables if t[0] == ["Month", "Median", "p90"])
    months = [row[0] for row in ttr[1:]]
    assert months == DEMO_MONTHS

    def minutes(text: str) -> int:
        hours = re.search(r"(\d+) h", text)
        mins = re.search(r"(\d+) min", text)
        return (int(hours.group(1)) * 60 if hours else 0) + (int(mins.group(1)) if mins else 0)

    medians = [minutes(row[1]) for row in ttr[1:]]
    assert medians == sorted(medians, reverse=True) and medians[0] > 2 * medians[-1]
