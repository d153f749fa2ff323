"""Charts drawn by an earlier build are reused, never stale: a warm build writes the same bytes as a cold
one, a changed postmortem redraws what it changes, and a damaged cache is reported once and rebuilt."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import KB
from .reviews_support import write_review_kb

PACK = ".pmkb/check/charts.pack"


def _files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.startswith("sitemap.xml")  # MkDocs stamps the build date there
    }


def _charts(site: Path) -> dict[str, bytes]:
    return {name: data for name, data in _files(site).items() if name.endswith(".svg")}


def _build(kb: KB, target: str) -> str:
    result = kb.mkdocs("build", "--strict", "-d", target)
    assert result.returncode == 0, result.stderr
    return result.stderr + result.stdout


def test_a_warm_build_writes_the_same_site_as_a_cold_one(kb: KB) -> None:
    write_review_kb(kb)
    _build(kb, "cold")
    assert (kb.root / PACK).is_file()
    _build(kb, "warm")
    cold, warm = _files(kb.root / "cold"), _files(kb.root / "warm")
    assert len(_charts(kb.root / "cold")) >= 5
    assert [n for n in cold if cold[n] != warm.get(n)] == [] and cold.keys() == warm.keys()


def test_an_edited_postmortem_redraws_exactly_what_a_cold_build_draws(kb: KB, tmp_path: Path) -> None:
    write_review_kb(kb)
    _build(kb, "site")
    before = _charts(kb.root / "site")
    path = sorted((kb.root / "postmortems").rglob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"^severity: SEV\d", "severity: SEV4", text, count=1, flags=re.M)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    _build(kb, "site")  # warm, with the old charts in the cache
    fresh = KB(tmp_path / "fresh")
    shutil.copytree(kb.root, fresh.root, ignore=shutil.ignore_patterns("check", "site"))  # the Jira cache stays
    _build(fresh, "site")  # cold
    assert _charts(kb.root / "site") == _charts(fresh.root / "site")
    assert _charts(kb.root / "site") != before, "the severity change shows in some chart"


def test_a_damaged_chart_cache_is_reported_once_and_rebuilt(kb: KB, capfd) -> None:  # type: ignore[no-untyped-def]
    write_review_kb(kb)
    _build(kb, "cold")
    pack = kb.root / PACK
    pack.write_bytes(pack.read_bytes()[:-40])  # truncated
    capfd.readouterr()
    _build(kb, "again")
    # The notice goes to stderr (not MkDocs' log: a damaged cache must not fail a --strict build).
    assert capfd.readouterr().err.count("the cache .pmkb/check/charts.pack is truncated or changed; rebuilding it") == 1
    assert _files(kb.root / "again") == _files(kb.root / "cold")
    _build(kb, "third")
    assert "charts.pack" not in capfd.readouterr().err  # rebuilt: quiet again


def _helper_line(stderr: str) -> str:
    found = re.search(r"a second process drew \d+ of \d+ charts", stderr)
    return found.group(0) if found else ""


def test_charts_drawn_beside_the_build_are_the_charts_one_process_draws(kb: KB, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    write_review_kb(kb)
    one = KB(tmp_path_factory.mktemp("one") / "kb")
    shutil.copytree(kb.root, one.root)
    beside = kb.mkdocs_cli("build", "-v")
    alone = one.mkdocs_cli("build", "-v", env={"PMKB_JOBS": "1"})
    assert beside.returncode == 0 and alone.returncode == 0, beside.stderr[-2000:]
    assert _helper_line(beside.stderr) and not _helper_line(alone.stderr)
    assert _files(kb.root / "site") == _files(one.root / "site")
    # The files written after the pages hold the drawings, not the placeholders the pages phase left.
    charts = _charts(kb.root / "site")
    assert len(charts) >= 5 and all(data.lstrip().startswith(b"<?xml") for data in charts.values())
    decks = [p for p in (kb.root / "site" / "reviews").rglob("slides/index.html")]
    assert decks and all(b"data:image/svg+xml" in deck.read_bytes() for deck in decks)
    assert (kb.root / PACK).read_bytes() == (one.root / PACK).read_bytes()
