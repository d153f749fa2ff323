"""With the as-of date pinned, nothing pmkb prints or builds depends on the machine's clock, time zone or locale.

CI went red once because a command read the real date (2026-11-29). This runs the commands and a
build on a copy of the demo KB twice, as real processes: once as the machine is, once under Debian's
`faketime` in 2027 with the clock in UTC+14 and another locale, and asserts every output is the same.
A new `date.today()` or local-time conversion anywhere on these paths makes it fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import AS_OF_TEXT, BIN
from .helpers import copy_demo

FAKETIME = shutil.which("faketime")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(FAKETIME is None and not os.environ.get("CI"), reason="Debian's faketime is not installed"),
]

# Far from the pinned as-of date, and a local day that is not UTC's day (faketime reads local time).
MOVED = {"FAKETIME_CMD": "2027-06-16 08:30:00", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}

COMMANDS = [
    ("check", "--format", "json"),
    ("stats", "--format", "json"),
    ("actions", "--format", "json"),
    ("review", "2026-11", "--format", "json"),
    ("review", "2026-10", "--format", "markdown"),
    ("search", "connection pool exhausted", "--format", "json"),
    ("similar", "PM-2026-027", "--format", "json"),
]


def _env(moved: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "PAGERDUTY_"))}
    env.update({"NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": AS_OF_TEXT, "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    if moved:
        env.update({k: v for k, v in MOVED.items() if k != "FAKETIME_CMD"})
    return env


def _run(root: Path, argv: list[str], moved: bool) -> subprocess.CompletedProcess[str]:
    prefix = [FAKETIME, "-f", "@" + MOVED["FAKETIME_CMD"]] if moved and FAKETIME else []
    return subprocess.run(
        [*prefix, *argv], cwd=root, env=_env(moved), capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("clock"))


def test_the_moved_clock_is_really_moved(demo_copy: Path) -> None:
    """Guards the test itself: under faketime and TZ the process sees 2027, UTC+14, and a local day ahead of UTC's."""
    code = "import datetime as d, time; print(d.date.today(), d.datetime.now(d.timezone.utc).date(), time.strftime('%z'))"
    seen = _run(demo_copy, [str(BIN / "python"), "-c", code], moved=True).stdout.split()
    assert seen == ["2027-06-16", "2027-06-15", "+1400"]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_commands_print_the_same_on_any_date_and_in_any_time_zone(demo_copy: Path, args: tuple[str, ...]) -> None:
    argv = [str(BIN / "pmkb"), *args]
    normal = _run(demo_copy, argv, moved=False)
    moved = _run(demo_copy, argv, moved=True)
    assert normal.returncode in (0, 1), normal.stderr
    assert normal.stdout.strip(), normal.stderr
    assert (moved.returncode, moved.stdout) == (normal.returncode, normal.stdout)


def test_the_built_site_is_the_same_on_any_date_and_in_any_time_zone(demo_copy: Path) -> None:
    """Every page and export, byte for byte, but the two files MkDocs stamps with the build time."""
    for target, moved in (("site-normal", False), ("site-moved", True)):
        result = _run(demo_copy, [str(BIN / "mkdocs"), "build", "-q", "-d", target], moved=moved)
        assert result.returncode == 0, result.stderr
    normal, moved = demo_copy / "site-normal", demo_copy / "site-moved"
    files = sorted(p.relative_to(normal) for p in normal.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(moved) for p in moved.rglob("*") if p.is_file())
    build_stamped = {Path("sitemap.xml"), Path("sitemap.xml.gz")}
    differing = [str(f) for f in files if f not in build_stamped and (normal / f).read_bytes() != (moved / f).read_bytes()]
    assert differing == []
