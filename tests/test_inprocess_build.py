"""The in-process `mkdocs build` of the tests (tests/mkdocs_run.py) is the console script's build.

Most site tests build in the test process (KB.mkdocs): 0.5 s instead of 2-3 s. That is only honest if the
result is what `mkdocs build` on the command line gives: the same files byte for byte (but the sitemap,
which MkDocs dates), the same log, the same exit code and message when --strict or a plugin stops the
build, and nothing left behind in the process (environment, module state) for the next build or test.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from . import mkdocs_run
from .conftest import BIN, KB, DemoBuild
from .helpers import copy_demo
from .search_support import add_disk_incidents

DATED = {Path("sitemap.xml"), Path("sitemap.xml.gz")}


def _files(site: Path) -> dict[Path, bytes]:
    return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _same_site(one: Path, other: Path) -> None:
    first, second = _files(one), _files(other)
    assert sorted(first) == sorted(second)
    assert [str(f) for f in first if f not in DATED and first[f] != second[f]] == []


def _log(text: str, root: Path) -> str:
    """A build log without what differs from run to run: the folder and the seconds it took."""
    text = text.replace(str(root), "<root>")
    return re.sub(r"Documentation built in [0-9.]+ seconds", "Documentation built in N seconds", text)


def _twin(kb: KB, tmp_path: Path) -> KB:
    """A byte-identical copy of the knowledge base, to build the other way."""
    other = KB(tmp_path / "twin")
    shutil.copytree(kb.root, other.root, ignore=shutil.ignore_patterns("twin"))
    return other


def _rich(kb: KB) -> None:
    add_disk_incidents(kb)
    kb.write(
        "oncall/pages.csv",
        "created_at,rotation,service,urgency,assignee,title,id\n"
        "2026-03-14T02:11:00Z,Checkout primary,checkout,high,Dana Ortiz,Pool <b>exhausted</b>,Q1\n",
    )


def test_a_build_in_the_test_process_is_the_console_scripts_build(kb: KB, tmp_path: Path) -> None:
    _rich(kb)
    twin = _twin(kb, tmp_path)
    cli = twin.mkdocs_cli("build", "--strict")
    inproc = kb.mkdocs("build", "--strict")
    assert (inproc.returncode, cli.returncode) == (0, 0), (inproc.stderr, cli.stderr)
    assert "INFO" in inproc.stderr  # the log is really captured, not just empty on both sides
    assert _log(inproc.stderr, kb.root) == _log(cli.stderr, twin.root)
    assert inproc.stdout == cli.stdout
    _same_site(kb.root / "site", twin.root / "site")


def test_strict_fails_on_a_warning_with_the_console_scripts_message(kb: KB, tmp_path: Path) -> None:
    kb.write("postmortems/2026/pm-2026-001.md", (kb.root / "postmortems/2026/pm-2026-001.md").read_text().replace("db-pool", "db-pol", 1))
    twin = _twin(kb, tmp_path)
    cli, inproc = twin.mkdocs_cli("build", "--strict"), kb.mkdocs("build", "--strict")
    assert (inproc.returncode, cli.returncode) == (1, 1)
    assert "Aborted with 1 errors in strict mode!" in inproc.stdout
    assert (_log(inproc.stderr, kb.root), inproc.stdout) == (_log(cli.stderr, twin.root), cli.stdout)
    lenient_cli, lenient = twin.mkdocs_cli("build"), kb.mkdocs("build")
    assert (lenient.returncode, lenient_cli.returncode) == (0, 0)
    assert "ERROR   -  pmkb: postmortems/2026/pm-2026-001.md:6: error XR002" in lenient.stderr
    assert _log(lenient.stderr, kb.root) == _log(lenient_cli.stderr, twin.root)


def test_a_plugin_error_stops_the_build_like_the_console_script(kb: KB, tmp_path: Path) -> None:
    twin = _twin(kb, tmp_path)
    bad = {"PMKB_PUBLIC_BUILD": "maybe"}
    cli, inproc = twin.mkdocs_cli("build", env=bad), kb.mkdocs("build", env=bad)
    assert (inproc.returncode, cli.returncode) == (1, 1)
    assert "PMKB_PUBLIC_BUILD=" in inproc.stderr and "Traceback" not in inproc.stderr + inproc.stdout
    assert (_log(inproc.stderr, kb.root), inproc.stdout) == (_log(cli.stderr, twin.root), cli.stdout)


def test_quiet_and_site_dir_are_the_console_scripts(kb: KB, tmp_path: Path) -> None:
    twin = _twin(kb, tmp_path)
    cli, inproc = twin.mkdocs_cli("build", "-q", "-d", "out"), kb.mkdocs("build", "-q", "-d", "out")
    assert (inproc.returncode, inproc.stderr, inproc.stdout) == (cli.returncode, cli.stderr, cli.stdout) == (0, "", "")
    _same_site(kb.root / "out", twin.root / "out")


def test_nothing_stays_behind_for_the_next_build(kb: KB) -> None:
    """Environment, working directory and loggers as before; an internal build after a public one is the first again."""
    before = (dict(os.environ), os.getcwd())
    kb.mkdocs("build", "-d", "first")
    assert kb.mkdocs("build", "-d", "public", env={"PMKB_PUBLIC_BUILD": "1", "JIRA_URL": "http://127.0.0.1:9"}).returncode == 0
    assert (dict(os.environ), os.getcwd()) == before
    assert kb.mkdocs("build", "-d", "again").returncode == 0
    _same_site(kb.root / "first", kb.root / "again")
    assert "PM-2026-001" not in (kb.root / "public/api/postmortems.json").read_text(encoding="utf-8")  # it was public
    assert not logging.getLogger("mkdocs").handlers
    assert mkdocs_run.build_command.log.filters == []


@pytest.mark.slow
def test_the_shared_demo_build_is_the_console_scripts_build(demo_build: DemoBuild, tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "PAGERDUTY_", "PMKB_PUBLIC"))}
    cli = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict"], cwd=root, capture_output=True, text=True,
        env={**env, **mkdocs_run.BUILD_ENV}, timeout=600, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert _log(demo_build.result.stderr, demo_build.root) == _log(cli.stderr, root)
    _same_site(demo_build.site, root / "site")
