"""axe-core in a page, from the copy of axe.min.js that the `axe-playwright-python` wheel ships.

Injected from the local file (never fetched at test time). The rules run are axe's defaults
(WCAG 2 A/AA and best practices), the same on every page, so pmkb's pages can be compared with a
plain Material page of the same site.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def axe_script() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-core is missing: scripts/setup --test installs axe-playwright-python (it ships axe.min.js)")
    return (Path(next(iter(spec.submodule_search_locations))) / "axe.min.js").read_text(encoding="utf-8")


def violations(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """axe's violations on the page as {rule id: [a short description of each failing node]}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found: dict[str, list[str]] = {}
    for violation in result["violations"]:
        found[violation["id"]] = [_describe(node) for node in violation["nodes"]]
    return found


def _describe(node: dict) -> str:  # type: ignore[type-arg]
    target = node["target"][-1]
    selector = target if isinstance(target, str) else " >> ".join(target)
    summary = (node.get("failureSummary") or "").strip().splitlines()
    return f"{selector}: {summary[-1].strip() if summary else ''}"
