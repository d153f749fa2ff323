"""`mkdocs build` in the test process, behaving like the console script (0.5 s instead of 2-3 s a build).

What `mkdocs build [--strict] [-d DIR] [-q]` does, reproduced from mkdocs/__main__.py:

- `load_config(strict=..., site_dir=...)`, then `plugins.on_startup(command="build", dirty=False)`,
  `mkdocs.commands.build.build`, `plugins.on_shutdown()`;
- the `mkdocs` logger at INFO (ERROR with -q), not propagating, printed as `LEVEL   -  message`
  (the CLI's format when stderr is not a terminal) - that text is the result's stderr;
- a fresh `DuplicateFilter` on the build logger, as `_enable_warnings()` adds one per CLI run;
- `--strict`: `config.strict`, so `build()` counts warnings and raises Abort, as on the command line;
- `Abort` (strict, config errors, a PluginError turned into a BuildError): exit code 1, its message on
  stdout (click's `ClickException.show`); any other exception: exit code 1 and its traceback on stderr.

Records of other loggers at WARNING or above (the CLI's `logging.lastResort`) are kept too, as bare
messages. The process state a build touches - environment (PMKB_TODAY, Jira, public edition), the
working directory, the loggers' levels and handlers - is restored afterwards, so nothing leaks into
the next test. test_inprocess_build.py compares this with the console script, byte for byte.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from click import ClickException
from mkdocs import utils
from mkdocs.commands import build as build_command
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

# What every test build sees unless the test says otherwise (the subprocess builds set the same).
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "PMKB_TODAY": "2026-11-28"}


@contextmanager
def environment(overrides: Mapping[str, str | None]) -> Iterator[None]:
    """os.environ with `overrides` (None: unset) for the duration, exactly as it was afterwards."""
    saved = {name: os.environ.get(name) for name in overrides}
    for name, value in overrides.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class _OtherLoggers(logging.Handler):
    """The CLI process has no root handler: `logging.lastResort` prints other libraries' warnings bare."""

    def emit(self, record: logging.LogRecord) -> None:
        if not (record.name == "mkdocs" or record.name.startswith("mkdocs.")):
            self.stream.write(self.format(record) + "\n")  # type: ignore[attr-defined]


@contextmanager
def _captured_logs(level: int) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    mkdocs_logger = logging.getLogger("mkdocs")
    saved = (mkdocs_logger.level, mkdocs_logger.propagate)
    mkdocs_logger.setLevel(level)
    mkdocs_logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    mkdocs_logger.addHandler(handler)
    others = _OtherLoggers(logging.WARNING)
    others.stream = stream  # type: ignore[attr-defined]
    logging.getLogger().addHandler(others)
    duplicates = utils.DuplicateFilter()
    build_command.log.addFilter(duplicates)
    try:
        yield stream
    finally:
        build_command.log.removeFilter(duplicates)
        logging.getLogger().removeHandler(others)
        mkdocs_logger.removeHandler(handler)
        mkdocs_logger.setLevel(saved[0])
        mkdocs_logger.propagate = saved[1]


def _options(args: tuple[str, ...]) -> tuple[bool | None, str | None, int]:
    """--strict / -s, --site-dir / -d DIR, --quiet / -q: what the tests pass; anything else is refused."""
    if not args or args[0] != "build":
        raise ValueError(f"in-process mkdocs runs `build` only, not {args!r}: use KB.mkdocs_cli")
    strict, site_dir, level = None, None, logging.INFO
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        if arg in ("--strict", "-s"):
            strict = True
        elif arg in ("--site-dir", "-d"):
            site_dir = rest.pop(0)
        elif arg in ("--quiet", "-q"):
            level = logging.ERROR
        else:
            raise ValueError(f"in-process mkdocs does not know {arg!r}: use KB.mkdocs_cli")
    return strict, site_dir, level


def build(root: Path, *args: str, env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build ARGS` run in `root` with `env` added to (None: taken out of) the environment, in this process."""
    strict, site_dir, level = _options(args)
    out, code = "", 0
    with environment({**BUILD_ENV, **(env or {})}), _working_directory(root), _captured_logs(level) as log:
        try:
            config = load_config(config_file=str(root / "mkdocs.yml"), strict=strict, site_dir=site_dir)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build_command.build(config, dirty=False)
            finally:
                config.plugins.on_shutdown()
        except Abort as abort:
            out, code = "\n" + abort.format_message() + "\n", 1
        except ClickException as error:  # a ConfigurationError: click prints it on stderr
            log.write(f"Error: {error.format_message()}\n")
            code = error.exit_code
        except Exception:  # noqa: BLE001 - the CLI would die with this traceback: so does the result
            log.write(traceback.format_exc())
            code = 1
    return subprocess.CompletedProcess(["mkdocs", *args], code, stdout=out, stderr=log.getvalue())
