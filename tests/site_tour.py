"""Every page type of the built demo KB, and how to look at one in chromium (width, colour scheme).

Shared by the browser suite (tests/test_browser_pages.py) and `scripts/screenshots`, so the pages
a person looks at are the pages the suite checks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .helpers import copy_demo
AS_OF = "2026-11-28"

WIDTHS = {"laptop": 1280, "phone": 390}
HEIGHTS = {"laptop": 800, "phone": 844}
SCHEMES = ("default", "slate")  # Material's light and dark palettes (mkdocs.yml `palette`)


@dataclass(frozen=True)
class PageType:
    name: str
    path: str  # relative to the site root, may carry a query string


def build_demo_site(target: Path) -> Path:
    """Copy the whole demo KB (content, on-call export, Jira cache) to `target`, build it, return the site."""
    copy_demo(target)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": AS_OF}
    for name in ("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT", "PAGERDUTY_TOKEN", "PMKB_PUBLIC_BUILD"):
        env.pop(name, None)
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build"], cwd=target, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build of the demo failed:\n{result.stderr}")
    return target / "site"


def demo_tour(site: Path) -> list[PageType]:
    """The demo's page types; postmortem/runbook paths are found in the built site, not hard-coded."""
    posts = sorted(p.parent.name for p in (site / "postmortems" / "2026").glob("*/index.html"))

    def post(prefix: str) -> str:
        return "postmortems/2026/" + next(p for p in posts if p.startswith(prefix)) + "/"

    last_review = sorted(p.parent.name for p in (site / "reviews").glob("2026-*/index.html"))[-1]
    return [
        PageType("plain-material", "severity-levels/"),  # the baseline: a Markdown page pmkb does not touch
        PageType("home", ""),
        PageType("postmortem", post("pm-2026-017")),
        PageType("postmortem-draft", post("pm-2026-028")),
        PageType("postmortem-drill", post("pm-2026-027")),
        PageType("runbook", "runbooks/db-connection-pool-exhaustion/"),
        PageType("postmortems-index", "postmortems/"),
        PageType("runbooks-index", "runbooks/"),
        PageType("incident-types-index", "incident-types/"),
        PageType("incident-type", "incident-types/db-connection-pool-exhaustion/"),
        PageType("explorer", "incidents/"),
        PageType("explorer-filtered-sorted", "incidents/?severity=SEV2&sort=-ttr"),
        PageType("gaps", "gaps/"),
        PageType("action-items", "action-items/"),
        PageType("metrics", "metrics/"),
        PageType("oncall", "oncall/"),
        PageType("reviews-index", "reviews/"),
        PageType("review", f"reviews/{last_review}/"),
        PageType("deck", f"reviews/{last_review}/slides/"),
    ]


def set_scheme(context, scheme: str) -> None:  # type: ignore[no-untyped-def]
    """Pick Material's palette before any page runs: Material keeps it in localStorage under
    `<site path>.__palette` (the demo is served at the root, so `/.__palette`)."""
    palette = '{"index": %d, "color": {"scheme": "%s", "primary": "indigo", "accent": "indigo"}}' % (SCHEMES.index(scheme), scheme)
    context.add_init_script(f"try {{ localStorage.setItem('/.__palette', {palette!r}); }} catch (e) {{}}")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
