"""The repository's own demo knowledge base: valid, builds strictly, and tells its story."""

from __future__ import annotations

from statistics import median

import pytest

from pmkb.knowledge.durations import month_of

from .conftest import REPO, DemoBuild
from .helpers import load, run


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return load(REPO)


def test_pmkb_check_passes_the_demo_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMKB_TODAY", "2026-11-28")
    monkeypatch.delenv("JIRA_URL", raising=False)
    result = run(REPO, "check", "--strict")
    assert result.exit_code == 0, result.output


def test_demo_size_and_spread(demo) -> None:  # type: ignore[no-untyped-def]
    published = demo.published
    assert len(published) >= 24
    assert len({month_of(d.meta) for d in published}) >= 6
    assert len(demo.runbooks) >= 8
    assert any(not d.meta.is_published for d in demo.postmortems), "a draft shows the banner"
    assert any(d.meta.exclude_from_metrics for d in demo.postmortems), "a drill shows exclusion"


def test_demo_tells_the_improvement_story(demo) -> None:  # type: ignore[no-untyped-def]
    by_month: dict[str, list[float]] = {}
    for doc in demo.counted:
        by_month.setdefault(month_of(doc.meta), []).append(demo.facts.durations[doc.id].time_to_resolve)
    months = sorted(by_month)
    first, last = median(by_month[months[0]]), median(by_month[months[-1]])
    assert 75 <= first <= 110, first  # firefighting: around 90 minutes
    assert 15 <= last <= 35, last  # working process: around 25 minutes
    assert demo.facts.gaps, "the demo has a runbook gap to show"
    assert demo.facts.recurring, "the demo has recurring types"


def test_demo_builds_with_mkdocs_strict(demo_build: DemoBuild) -> None:
    """`mkdocs build --strict` of the demo: no warning at all (the session's shared build, see conftest)."""
    assert demo_build.result.returncode == 0, demo_build.result.stderr[-3000:]
    site = demo_build.site
    pages = list((site / "postmortems").rglob("index.html"))
    assert len(pages) >= 29  # 28 postmortems and the index
    assert (site / "runbooks" / "db-connection-pool-exhaustion" / "index.html").exists()
