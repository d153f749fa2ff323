"""Typing into the site's header search box, as a user does, and reading what it lists.

Shared by the browser tests and `scripts/bench search-site` (which puts the
repository on sys.path). Needs a Playwright page (see tests/browser.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
QUERY_SETS = {"demo": DATA / "search_queries.yml", "held-out": DATA / "search_queries_heldout.yml"}
BOX = "[data-md-component=search-query]"
RESULT = "[data-md-component=search-result]"


@dataclass(frozen=True, slots=True)
class Listed:
    kind: str
    types: tuple[str, ...]
    title: str
    href: str


def query_set(name: str) -> list[dict]:
    return yaml.safe_load(QUERY_SETS[name].read_text(encoding="utf-8"))


def open_box(page, url: str, navigate: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Load `url` (unless already there) and open the search box with Material's keyboard shortcut."""
    if navigate:
        page.goto(url)
    page.wait_for_selector(BOX, state="attached")
    page.keyboard.press("/")
    page.wait_for_function(f"document.activeElement === document.querySelector('{BOX}')", timeout=10_000)


def type_query(page, text: str, timeout_ms: int = 20_000, delay_ms: float = 0) -> list[Listed]:  # type: ignore[no-untyped-def]
    """Clear the box, type `text` key by key (`delay_ms` apart), and return the hits once they are those of `text`."""
    page.focus(BOX)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text, delay=delay_ms)
    page.wait_for_function(
        "([result, text]) => document.querySelector(result).getAttribute('data-pmkb-query') === text",
        arg=[RESULT, text],
        timeout=timeout_ms,
    )
    return listed(page)


def listed(page) -> list[Listed]:  # type: ignore[no-untyped-def]
    rows = page.eval_on_selector_all(
        f"{RESULT} .md-search-result__item",
        """items => items.map(li => [li.dataset.kind || '', li.dataset.types || '',
             (li.querySelector('h1') || {}).textContent || '', (li.querySelector('a') || {}).href || ''])""",
    )
    return [Listed(kind, tuple(types.split()), title, href) for kind, types, title, href in rows]


def findability(page, cases: list[dict], top: int = 3) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """How many cases list their incident type in the first `top` hits; the misses, readable."""
    misses = []
    for case in cases:
        hits = type_query(page, case["query"])[:top]
        if not any(case["type"] in hit.types for hit in hits):
            misses.append(f"{case['query']!r} (want {case['type']}) -> {[(h.kind, h.types) for h in hits]}")
    return len(cases) - len(misses), misses
