"""Pages converted by an earlier build are reused, never stale (`.pmkb/check/pages.pack`), and a cold build's
second process converts pages the same way the first does.

What a user sees: a warm build (and `mkdocs serve`'s rebuilds) writes exactly the site a cold build writes,
warns about the same broken links (so `--strict` fails the same way), follows edits and new pages, survives
a damaged cache, and does not cache pages whose Markdown extensions read other files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import KB
from .factories import postmortem

PACK = ".pmkb/check/pages.pack"


def _site(root: Path, folder: str = "site") -> dict[str, bytes]:
    site = root / folder
    # MkDocs stamps the build date into the sitemap; every other byte must match.
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file() and "sitemap" not in p.name}


def _log(text: str) -> list[str]:
    """The build's warnings and errors (the other lines name the folder and the time taken)."""
    return [line for line in text.splitlines() if line.startswith(("WARNING", "ERROR"))]


def _build(kb: KB, *args: str) -> str:
    result = kb.mkdocs("build", *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stderr


def _with_broken_link(kb: KB) -> None:
    kb.write("postmortems/2026/pm-2026-002.md", postmortem(
        "PM-2026-002", "Queue backlog after a deploy",
        summary="Consumers stalled; see [the old runbook](../../runbooks/gone.md) and [the pool runbook](../../runbooks/db-pool.md).",
    ))  # fmt: skip


def test_a_warm_build_writes_the_same_site_and_keeps_the_pack_as_it_was(kb: KB) -> None:
    _with_broken_link(kb)
    cold_log = _build(kb)
    cold = _site(kb.root)
    pack = (kb.root / PACK).read_bytes()
    warm_log = _build(kb)
    assert _site(kb.root) == cold
    assert _log(warm_log) == _log(cold_log)
    assert (kb.root / PACK).read_bytes() == pack, "nothing was converted again, so nothing new was stored"


def test_a_warm_build_warns_about_the_same_broken_link_and_strict_fails_again(kb: KB) -> None:
    _with_broken_link(kb)
    for _ in ("cold", "warm"):
        result = kb.mkdocs("build", "--strict")
        assert result.returncode == 1
        assert "gone.md" in result.stderr, result.stderr
    assert (kb.root / PACK).is_file()


def test_edits_and_new_pages_give_what_a_cold_build_gives(kb: KB, tmp_path_factory: pytest.TempPathFactory) -> None:
    _with_broken_link(kb)
    _build(kb)
    kb.write("postmortems/2026/pm-2026-002.md", postmortem(
        "PM-2026-002", "Queue backlog after a deploy",
        summary="Consumers stalled until the [pool runbook](../../runbooks/db-pool.md) was followed.",
    ))  # fmt: skip
    kb.write("postmortems/2026/pm-2026-003.md", postmortem("PM-2026-003", "Cache stampede on login",
                                                           summary="Links back to [PM-2026-002](pm-2026-002.md)."))
    warm_log = _build(kb)
    fresh = KB(tmp_path_factory.mktemp("fresh") / "kb")
    shutil.copytree(kb.root, fresh.root, ignore=shutil.ignore_patterns(".pmkb", "site"))
    cold_log = _build(fresh)
    assert _site(kb.root) == _site(fresh.root)
    assert _log(warm_log) == _log(cold_log)
    assert "gone.md" not in warm_log
    page = (kb.root / "site/postmortems/2026/pm-2026-003/index.html").read_text(encoding="utf-8")
    assert 'href="../pm-2026-002/"' in page


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b.replace(b"pmkb check cache", b"something else", 1)])
def test_a_damaged_pack_is_reported_once_and_rebuilt(kb: KB, damage, capfd) -> None:  # type: ignore[no-untyped-def]
    _build(kb)
    cold = _site(kb.root)
    path = kb.root / PACK
    path.write_bytes(damage(path.read_bytes()))
    capfd.readouterr()
    _build(kb)
    assert _site(kb.root) == cold
    # On stderr, not in MkDocs' log: a damaged cache must not fail a --strict build.
    notices = [line for line in capfd.readouterr().err.splitlines() if "pages.pack" in line]
    assert len(notices) == 1 and notices[0].endswith("; rebuilding it"), notices
    _build(kb)
    assert "pages.pack" not in capfd.readouterr().err, "the rebuilt pack is whole again"


def test_extensions_that_read_other_files_are_never_served_from_the_cache(kb: KB) -> None:
    kb.settings()
    config = (kb.root / "mkdocs.yml").read_text(encoding="utf-8")
    snippets = kb.root / "snippets"
    (kb.root / "mkdocs.yml").write_text(
        config + f"\nmarkdown_extensions:\n  - pymdownx.snippets:\n      base_path: [{snippets}]\n", encoding="utf-8"
    )
    kb.write("snippets/escalation.md", "Page the database on-call first.\n")
    kb.write("postmortems/2026/pm-2026-002.md", postmortem(
        "PM-2026-002", "Queue backlog after a deploy", summary='--8<-- "escalation.md"',
    ))  # fmt: skip
    _build(kb)
    page = kb.root / "site/postmortems/2026/pm-2026-002/index.html"
    assert "Page the database on-call first." in page.read_text(encoding="utf-8")
    kb.write("snippets/escalation.md", "Page the platform on-call first.\n")
    _build(kb)
    assert "Page the platform on-call first." in page.read_text(encoding="utf-8")
    assert not (kb.root / PACK).exists()


def _many_postmortems(kb: KB, count: int) -> None:
    """Enough pages for the build to hand half of them to a second process."""
    for number in range(2, count + 2):
        kb.write(f"postmortems/2026/pm-2026-{number:03d}.md", postmortem(
            f"PM-2026-{number:03d}", f"Incident number {number} in the checkout path",
            summary=f"Number {number} links to [the pool runbook](../../runbooks/db-pool.md) and "
                    f"[its neighbour](pm-2026-{number + 1:03d}.md).",
        ))  # fmt: skip


@pytest.mark.slow
def test_a_second_process_converts_pages_exactly_as_one_process_does(kb: KB, tmp_path_factory: pytest.TempPathFactory) -> None:
    _many_postmortems(kb, 110)
    one = KB(tmp_path_factory.mktemp("one") / "kb")
    shutil.copytree(kb.root, one.root)
    two_processes = kb.mkdocs_cli("build", "-v")
    one_process = one.mkdocs_cli("build", "-v", env={"PMKB_JOBS": "1"})
    assert two_processes.returncode == 0 and one_process.returncode == 0, two_processes.stderr[-2000:]
    assert _site(kb.root) == _site(one.root)
    # The last page links to a postmortem that does not exist: the warning comes from whichever process converted it.
    assert _log(two_processes.stderr) == _log(one_process.stderr)
    assert "pm-2026-112.md" in two_processes.stderr
    assert "a second process converted" in two_processes.stderr
    assert "a second process converted" not in one_process.stderr
    assert (kb.root / PACK).read_bytes() == (one.root / PACK).read_bytes()


def test_a_bad_pmkb_jobs_value_is_named_and_the_build_goes_on_in_one_process(kb: KB) -> None:
    result = kb.mkdocs_cli("build", env={"PMKB_JOBS": "lots"})
    assert result.returncode == 0, result.stderr
    assert "PMKB_JOBS='lots' is not a whole number from 1 to 64; using one process" in result.stderr
