"""The check cache (`.pmkb/check/`): a warm `pmkb check` says exactly what a cold one says, never stale,
never trusting a damaged pack, safe with two runs at once; and the parallel linter matches the sequential one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pmkb.knowledge.base import KnowledgeBase
from pmkb.knowledge.frontmatter import parse_document
from pmkb.knowledge.load_cache import LoadCache
from pmkb.lint.check import blameless_check
from pmkb.settings import load_settings

from .conftest import BIN, KB, VALID_PM
from .helpers import AS_OF, run

PACKS = ("load.pack", "blameless.pack")
BLAMING = VALID_PM.replace("A leak in the refund path.", "Dana forgot to check the refund path. It was human error.")


@pytest.fixture
def messy(kb: KB) -> KB:
    """A KB whose check prints errors, warnings and blameless findings, from every kind of file."""
    kb.write("postmortems/2026/pm-2026-001.md", BLAMING)
    kb.write(
        "postmortems/2026/pm-2026-002.md",
        VALID_PM.replace("id: PM-2026-001", "id: PM-2026-002").replace("incident_type: db-pool", "incident_type: db-pol"),
    )
    # A schema error: the file is still linted from its body.
    kb.write("postmortems/2026/pm-2026-003.md", BLAMING.replace("id: PM-2026-001", "id: PM-2026-003").replace("severity: SEV2", "severity: SEV9"))
    kb.write("postmortems/2026/broken.md", "---\ntitle: [unclosed\n---\n\nSam dropped the ball.\n")
    # A control character in the body: dropped from the text, with a warning.
    kb.write("postmortems/2026/pm-2026-004.md", VALID_PM.replace("id: PM-2026-001", "id: PM-2026-004").replace("The alert fired.", "The alert\x07 fired."))
    return kb


def test_documents_from_the_cache_are_the_documents_parsing_gives(messy: KB) -> None:
    settings = load_settings(messy.root / "mkdocs.yml")
    parsed = KnowledgeBase.load(messy.root, settings, as_of=AS_OF, cache=False)
    KnowledgeBase.load(messy.root, settings, as_of=AS_OF)  # fills the cache
    restored = KnowledgeBase.load(messy.root, settings, as_of=AS_OF)
    assert restored.diagnostics == parsed.diagnostics
    assert restored.unvalidated == parsed.unvalidated and restored.broken_files == parsed.broken_files
    for mine, theirs in zip([*restored.postmortems, *restored.runbooks], [*parsed.postmortems, *parsed.runbooks], strict=True):
        assert (mine.rel, mine.path, mine.meta, mine.headings, mine.body) == (theirs.rel, theirs.path, theirs.meta, theirs.headings, theirs.body)
        assert mine.front.lines == theirs.front.lines and mine.front.warnings == theirs.front.warnings
        assert mine.line_of("action_items", 0, "due") == theirs.line_of("action_items", 0, "due")
    entries = LoadCache(messy.root, settings).pack.stored_count
    assert entries >= len(restored.postmortems) + len(restored.runbooks)  # the second and third load read it
    assert "\x07" not in restored.document("postmortems/2026/pm-2026-004.md").body  # type: ignore[union-attr]


def _cold_copy(kb: KB, tmp_path: Path, name: str) -> KB:
    """The same KB without `.pmkb/`: what a first run on a fresh clone sees."""
    target = tmp_path.parent / f"{tmp_path.name}-{name}"
    shutil.copytree(kb.root, target, ignore=shutil.ignore_patterns(".pmkb"))
    return KB(target)


def _outcome(kb: KB, *args: str) -> tuple[int, str, str]:
    result = run(kb.root, "check", *args)
    # Paths in the output are relative to the root, so two copies of a KB print the same text.
    return result.exit_code, result.stdout, result.stderr


FORMATS = [(), ("--format", "json"), ("--format", "github"), ("--strict",)]


def test_a_warm_check_prints_byte_for_byte_what_a_cold_one_prints(messy: KB, tmp_path: Path) -> None:
    cold = {args: _outcome(messy, *args) for args in FORMATS}
    assert cold[()][0] == 1 and "BL" in cold[()][1] and "XR002" in cold[()][1] and "SC005" in cold[()][1]
    assert all((messy.root / ".pmkb" / "check" / pack).is_file() for pack in PACKS)
    stamps = {pack: (messy.root / ".pmkb/check" / pack).stat().st_mtime_ns for pack in PACKS}
    for args in FORMATS:
        assert _outcome(messy, *args) == cold[args], args
    # Nothing changed, so nothing was rewritten.
    assert stamps == {pack: (messy.root / ".pmkb/check" / pack).stat().st_mtime_ns for pack in PACKS}

    # One file edited: the others come from the cache, the edit is seen.
    messy.write("postmortems/2026/pm-2026-002.md", BLAMING.replace("id: PM-2026-001", "id: PM-2026-002"))
    fresh = _cold_copy(messy, tmp_path, "edited")
    for args in FORMATS:
        warm = _outcome(messy, *args)
        assert warm == _outcome(fresh, *args), args
    text = _outcome(messy)[1]
    assert any(line.startswith("postmortems/2026/pm-2026-002.md:") and " BL0" in line for line in text.splitlines())
    assert "XR002" not in text


def test_never_stale_after_an_edit_a_setting_or_another_as_of_date(
    messy: KB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _outcome(messy)  # fills the cache
    changes = [
        ("edit", lambda: messy.write("postmortems/2026/pm-2026-001.md", BLAMING.replace("It was human error.", "Nobody noticed."))),
        ("setting", lambda: messy.settings("blameless:\n  disable: [BL001]\nrunbooks_stale_after_days: 30")),
        ("as-of", lambda: monkeypatch.setenv("PMKB_TODAY", "2027-09-01")),
    ]
    seen = {_outcome(messy)}
    for name, change in changes:
        change()
        warm = _outcome(messy)
        assert warm == _outcome(_cold_copy(messy, tmp_path, name)), name
        assert warm not in seen, f"{name} changed nothing: the test would prove nothing"
        seen.add(warm)
    assert "RB001" in warm[1] or "RB0" in warm[1]  # the runbook went stale at the later date


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"\x00garbage" * 100, id="garbage"),
        pytest.param(lambda data: data.replace(b"\n1\n", b"\n9\n", 1), id="other-version"),
        pytest.param(lambda data: data[:-40] + bytes(40), id="changed-bytes"),
    ],
)
def test_a_damaged_pack_is_reported_once_never_trusted_and_rebuilt(messy: KB, damage) -> None:  # type: ignore[no-untyped-def]
    cold = _outcome(messy)
    pack = messy.root / ".pmkb/check/load.pack"
    pack.write_bytes(damage(pack.read_bytes()))
    code, stdout, stderr = _outcome(messy)
    assert (code, stdout) == cold[:2]
    assert stderr.count("\n") == cold[2].count("\n") + 1
    assert "pmkb: the cache .pmkb/check/load.pack is " in stderr and "rebuilding it" in stderr
    assert _outcome(messy) == cold  # rebuilt: the next run is quiet again


def test_two_checks_at_once_leave_a_whole_cache(messy: KB, tmp_path: Path) -> None:
    reference = _outcome(_cold_copy(messy, tmp_path, "reference"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    runs = [
        subprocess.Popen([str(BIN / "pmkb"), "check"], cwd=messy.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in runs:
        stdout, stderr = process.communicate(timeout=300)
        assert (process.returncode, stdout, stderr) == reference
    assert not list((messy.root / ".pmkb/check").glob("*.tmp"))  # no temporary file left behind
    assert _outcome(messy) == reference  # and what they left is read without a notice


def test_loading_and_linting_over_several_processes_report_what_one_reports(kb: KB) -> None:
    for number in range(1, 231):  # over the count where the check starts worker processes
        text = BLAMING.replace("id: PM-2026-001", f"id: PM-2026-{number:03d}")
        if number % 3 == 0:
            text = text.replace("Dana forgot", f"Dana forgot (case {number}) and Sam Lee skipped")
            text = text.replace("    due: 2026-04-01", "    due: 2026-05-30")  # a warning of the file's own
        kb.write(f"postmortems/2026/pm-2026-{number:03d}.md", text)
    kb.write("postmortems/2026/broken.md", "---\ntitle: [unclosed\n---\n\nSam dropped the ball.\n")
    kb.write("postmortems/2026/pm-2026-007.md", VALID_PM.replace("severity: SEV2", "severity: SEV9"))  # a schema error
    settings = load_settings(kb.root / "mkdocs.yml")
    loaded = KnowledgeBase.load(kb.root, settings, as_of=AS_OF, cache=False)
    spread = KnowledgeBase.load(kb.root, settings, as_of=AS_OF, cache=False, jobs=2)
    assert spread.diagnostics == loaded.diagnostics and len(loaded.diagnostics) > 70
    assert [(d.rel, d.meta, d.headings, d.body) for d in spread.postmortems] == [
        (d.rel, d.meta, d.headings, d.body) for d in loaded.postmortems
    ]
    assert [d.line_of("action_items", 0, "due") for d in spread.postmortems] == [
        d.line_of("action_items", 0, "due") for d in loaded.postmortems
    ]
    one = list(blameless_check(loaded, jobs=1))
    assert len(one) > 300
    assert list(blameless_check(loaded, jobs=2)) == one
    assert not (kb.root / ".pmkb").exists()  # loaded without the cache: nothing written


def test_the_line_index_answers_every_lookup_as_the_yaml_nodes_do(messy: KB) -> None:
    kb = KnowledgeBase.load(messy.root, load_settings(messy.root / "mkdocs.yml"), as_of=AS_OF, cache=False)
    for doc in [*kb.postmortems, *kb.runbooks]:
        front = parse_document(doc.rel, doc.path.read_text(encoding="utf-8"))  # with its YAML nodes
        restored = front.without_nodes()
        assert restored.root is None and restored.data == {} and doc.front.lines == restored.lines
        paths = [*_paths(front.data), ("missing",), ("action_items", 7), ("action_items", 0, "nope"), ("tags", "x"), ("id", 0)]
        assert len(paths) > 10
        for path in paths:
            assert restored.line_of(path) == front.line_of(path), (doc.rel, path)
            assert restored.key_line(path) == front.key_line(path), (doc.rel, path)


def _paths(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every key and list item under `value`, as paths (what an error message may point at)."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for number, child in enumerate(value):
            found += _paths(child, (*path, number))
    return found


def test_a_build_with_a_warm_cache_writes_the_same_site(messy: KB, tmp_path: Path) -> None:
    cold = messy.mkdocs("build")
    assert cold.returncode == 0, cold.stderr
    first = {p.relative_to(messy.root / "site"): p.read_bytes() for p in (messy.root / "site").rglob("*") if p.is_file()}
    assert (messy.root / ".pmkb/check/load.pack").is_file()
    shutil.rmtree(messy.root / "site")
    warm = messy.mkdocs("build")
    assert warm.returncode == 0
    second = {p.relative_to(messy.root / "site"): p.read_bytes() for p in (messy.root / "site").rglob("*") if p.is_file()}
    assert second.keys() == first.keys()
    differ = [str(p) for p in first if first[p] != second[p] and not str(p).endswith(".gz")]
    assert differ == []
    assert _log_lines(warm.stderr) == _log_lines(cold.stderr)


def _log_lines(text: str) -> list[str]:
    """The build's warnings and errors, without the timing line."""
    return [line for line in text.splitlines() if "Documentation built in" not in line]
