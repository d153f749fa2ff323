"""Hostile content files: every command and a real build report them at file:line, and nothing else breaks.

Each case puts one bad file into a small valid knowledge base (tests/data/hostile/
holds the ones that can be committed; links, pipes and the over-size file are made
here). Then `pmkb check`, `stats`, `actions`, `search`, `similar`, `review`, `new`
and `mkdocs build` run on it: no traceback, no hang (threads and subprocesses have
generous timeouts as hang guards only), the problem reported at its file and line,
and the valid postmortem still checks clean, builds and appears.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from .conftest import KB, VALID_PM
from .helpers import run

DATA = Path(__file__).resolve().parent / "data" / "hostile"
DIR = "postmortems/2026"
HANG_GUARD = 60  # seconds; a hostile file used to take minutes or forever
SECRET = "SECRETWORDOUTSIDETHEREPO"


@dataclass(frozen=True)
class Case:
    name: str
    report: str  # the `file:line: level CODE` text every report must carry
    place: Callable[[KB], None]


def _copy(name: str) -> Callable[[KB], None]:
    def place(kb: KB) -> None:
        shutil.copyfile(DATA / name, kb.root / DIR / name)

    return place


def _oversize(kb: KB) -> None:
    # Over the default max_file_bytes (2 MB): a valid postmortem with a huge pasted log.
    text = VALID_PM.replace("id: PM-2026-001", "id: PM-2026-030") + "\n```\n" + "log line\n" * 240_000 + "```\n"
    kb.write(f"{DIR}/oversize.md", text)


def _link_outside(kb: KB) -> None:
    # A valid, public postmortem outside the repository: following the link would publish it.
    secret = kb.root.parent / f"{kb.root.name}-outside.md"
    secret.write_text(
        VALID_PM.replace("id: PM-2026-001", "id: PM-2026-031")
        .replace("Checkout errors from pool exhaustion", f"Leaked {SECRET}")
        .replace("tags: [database]", "tags: [database]\nvisibility: public")
        .replace("A leak in the refund path.", f"{SECRET} in the body."),
        encoding="utf-8",
    )
    (kb.root / DIR / "link-outside.md").symlink_to(secret)


def _dangling(kb: KB) -> None:
    (kb.root / DIR / "dangling.md").symlink_to(kb.root / DIR / "gone.md")


def _link_loop(kb: KB) -> None:
    (kb.root / DIR / "loop.md").symlink_to(kb.root / DIR / "loop.md")


def _folder_loop(kb: KB) -> None:
    (kb.root / DIR / "again").symlink_to(kb.root / "postmortems", target_is_directory=True)


def _pipe(kb: KB) -> None:
    os.mkfifo(kb.root / DIR / "pipe.md")  # reading it would wait for a writer forever


CASES = [
    Case("recursive-alias", f"{DIR}/recursive-alias.md:19: error FM011", _copy("recursive-alias.md")),
    Case("billion-laughs", f"{DIR}/billion-laughs.md:19: error FM011", _copy("billion-laughs.md")),
    Case("huge-number", f"{DIR}/huge-number.md:12: error FM013", _copy("huge-number.md")),
    Case("deep-nesting", f"{DIR}/deep-nesting.md:19: error FM005", _copy("deep-nesting.md")),
    Case("not-utf8", f"{DIR}/not-utf8.md:37: error FM004", _copy("not-utf8.md")),
    Case("nul-in-body", f"{DIR}/nul-in-body.md:37: warning FM012", _copy("nul-in-body.md")),
    Case("line-separator", f"{DIR}/line-separator.md:3: error FM010", _copy("line-separator.md")),
    Case("next-line", f"{DIR}/next-line.md:3: error FM010", _copy("next-line.md")),
    Case("escape-in-title", f"{DIR}/escape-in-title.md:3: error FM010", _copy("escape-in-title.md")),
    Case("escaped-control", f"{DIR}/escaped-control-in-value.md:3: error FM010", _copy("escaped-control-in-value.md")),
    Case("line-break-in-value", f"{DIR}/line-break-in-value.md:5: error SC005", _copy("line-break-in-value.md")),
    Case("oversize", f"{DIR}/oversize.md:1: error FM014", _oversize),
    Case("link-outside", f"{DIR}/link-outside.md:1: warning FM015", _link_outside),
    Case("dangling-link", f"{DIR}/dangling.md:1: warning FM015", _dangling),
    Case("link-loop", f"{DIR}/loop.md:1: warning FM015", _link_loop),
    Case("folder-loop", f"{DIR}/again:1: warning FM015", _folder_loop),
    Case("named-pipe", f"{DIR}/pipe.md:1: warning FM015", _pipe),
]


def _guarded(kb: KB, *args: str) -> Result:
    """The real CLI in-process, in a thread, so a hang fails the test instead of stalling the suite."""
    box: list[Result | BaseException] = []

    def target() -> None:
        try:
            box.append(run(kb.root, *args))
        except BaseException as exc:  # re-raised below, in the test's thread
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), f"pmkb {' '.join(args)} hung"
    if isinstance(box[0], BaseException):
        raise box[0]
    result = box[0]
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


def _guarded_build(kb: KB) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` in-process (KB.mkdocs), in a thread, so a hang (a named pipe read) fails the test."""
    box: list[subprocess.CompletedProcess[str] | BaseException] = []

    def target() -> None:
        try:
            box.append(kb.mkdocs("build"))
        except BaseException as exc:  # re-raised below, in the test's thread
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), "mkdocs build hung"
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def _report_lines(output: str, case: Case) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(case.report)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_reported_and_harms_nothing_else(kb: KB, case: Case) -> None:
    case.place(kb)
    rel = case.report.split(":", 1)[0]

    check = _guarded(kb, "check")
    assert check.exit_code in (0, 1)
    reported = _report_lines(check.stdout, case)
    assert len(reported) == 1, check.output  # once, on one line
    others = [line for line in check.stdout.splitlines() if ":" in line and not line.startswith(rel + ":")]
    assert others == [], "other files must be unaffected"

    for args in (
        ("stats",),
        ("actions",),
        ("search", "pool"),
        ("similar", "PM-2026-001"),
        ("review", "2026-03"),
    ):
        result = _guarded(kb, *args)
        assert result.exit_code == 0, (args, result.output)
        assert SECRET not in result.output
    found = _guarded(kb, "search", "pool", "--format", "json")
    assert "PM-2026-001" in found.stdout and SECRET not in found.stdout
    if (kb.root / rel).is_file():  # `similar PATH` on the hostile file itself
        similar = _guarded(kb, "similar", rel)
        assert similar.exit_code in (0, 2) and SECRET not in similar.output

    new = _guarded(kb, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "After it")
    assert new.exit_code == 0, new.output
    written = new.stdout.strip()
    assert _guarded(kb, "check", str(kb.root / written)).exit_code == 0  # a fresh id, a valid file

    build = _guarded_build(kb)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    assert case.report in build.stderr
    page = kb.site("postmortems/2026/pm-2026-001/index.html")
    assert "Checkout errors from pool exhaustion" in page
    site = [p for p in (kb.root / "site").rglob("*") if p.is_file()]
    assert not [p for p in site if SECRET.encode() in p.read_bytes()]
    assert not [p for p in site if p.suffix in {".html", ".json", ".xml"} and b"\x00" in p.read_bytes()]


def test_nul_is_left_out_of_the_page_and_the_text_around_it_kept(kb: KB) -> None:
    _copy("nul-in-body.md")(kb)
    assert kb.mkdocs("build").returncode == 0
    page = kb.site(f"{DIR}/nul-in-body/index.html")
    assert "A leak in the refund path." in page


def test_a_file_that_is_not_utf8_gets_a_page_naming_the_problem(kb: KB) -> None:
    _copy("not-utf8.md")(kb)
    build = kb.mkdocs("build")
    assert build.returncode == 0, build.stderr
    page = kb.site(f"{DIR}/not-utf8/index.html")
    assert "not valid UTF-8 (byte 0xe9 at column 18)" in page


def test_max_file_bytes_is_configurable(kb: KB) -> None:
    kb.settings("max_file_bytes: 1000")
    kb.write(f"{DIR}/pm-2026-001.md", VALID_PM + "\n" + "More text.\n" * 40)
    result = run(kb.root, "check")
    assert result.exit_code == 1
    assert (
        f"{DIR}/pm-2026-001.md:1: error FM014: the file is 1,230 bytes, over the limit of 1,000 bytes "
        "(plugins.pmkb.max_file_bytes in mkdocs.yml); split it or move attachments out of it"
    ) in result.stdout


def test_a_content_folder_outside_the_repository_is_not_read(kb: KB, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "pm.md").write_text(VALID_PM.replace("PM-2026-001", "PM-2026-050"), encoding="utf-8")
    (kb.root / "runbooks").rename(kb.root / "real-runbooks")
    (kb.root / "runbooks").symlink_to(outside, target_is_directory=True)
    result = run(kb.root, "check")
    assert "mkdocs.yml:1: error FM015: plugins.pmkb.runbooks_dir (runbooks) is outside the repository" in result.stdout
    assert "PM-2026-050" not in result.output


def test_links_in_docs_dir_that_leave_the_repository_are_not_published(kb: KB) -> None:
    outside = kb.root.parent / f"{kb.root.name}-docs-outside"
    outside.mkdir()
    (outside / "leak.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (kb.root / "docs" / "leak.md").symlink_to(outside / "leak.md")
    (kb.root / "docs" / "more").symlink_to(outside, target_is_directory=True)
    (kb.root / "docs" / "gone.md").symlink_to(kb.root / "docs" / "nothing.md")
    (kb.root / "docs" / "inside.md").symlink_to(kb.root / "docs" / "index.md")  # inside: still published
    build = kb.mkdocs("build")
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    assert "docs/leak.md:1: warning FM015: skipped: a link that leads outside the repository" in build.stderr
    assert "docs/more/leak.md:1: warning FM015" in build.stderr
    assert "docs/gone.md:1: warning FM015: skipped: a link to a file that does not exist" in build.stderr
    assert not [p for p in (kb.root / "site").rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert "Welcome." in kb.site("inside/index.html")
