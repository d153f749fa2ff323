"""The folders of the search index on disk, and the locks that let many `pmkb search` processes share them.

Layout of `.pmkb/search/`:

- `lock`: every process takes an `fcntl.flock` on it: shared to find the live
  index, exclusive to build or replace one;
- `current`: the name of the live index folder (`g-<token>`), replaced with
  `os.replace`, so it always names a complete index;
- `g-<token>/`: one complete index (whoosh files, `manifest.json`,
  `ranking.npz`); never changed once live (only its manifest's file stats are
  refreshed, by an atomic replace). A process using it holds a shared lock
  on its `readers.lock` until it closes the index;
- `tmp-<token>/`: an index being built by the holder of the exclusive lock.

A writer builds the next index in a `tmp-` folder, renames it to `g-<token>`,
points `current` at it, and deletes the older `g-` folders no process still
reads (their `readers.lock` can be taken exclusively). So a reader sees either
the old index or the new one, never half of one, and never loses files under
it. flock locks go with the process: a crashed process leaves no stale lock.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator

__all__ = ["Busy", "Generation", "Store"]

_LIVE = re.compile(r"g-[0-9a-f]{16}")
_POINTER = "current"
_LOCK = "lock"
READERS_LOCK = "readers.lock"
# How long a waiting process stays quiet before it says why it waits.
_QUIET_WAIT = 1.0


class Busy(Exception):
    """Another process held the lock longer than this one was willing to wait."""


@dataclass(slots=True)
class Generation:
    """A live index folder, held (shared lock on its readers.lock) until `release()`."""

    folder: Path
    _handle: IO[bytes] | None

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops its flock
            self._handle = None


def _flock(handle: IO[bytes], mode: int, wait: float, on_wait: Callable[[], None]) -> None:
    """Take the lock, polling up to `wait` seconds; `on_wait()` once when the wait gets noticeable."""
    start = time.monotonic()
    delay = 0.005
    told = False
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
        waited = time.monotonic() - start
        if waited >= wait:
            raise Busy()
        if not told and waited >= _QUIET_WAIT:
            on_wait()
            told = True
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


class Store:
    def __init__(self, folder: Path, wait: float, on_wait: Callable[[], None]):
        self.folder = folder
        self.wait = wait
        self.on_wait = on_wait

    def _lock_file(self) -> IO[bytes]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return open(self.folder / _LOCK, "a+b")  # noqa: SIM115 - held open for the lock's lifetime

    def _pointed(self) -> Path | None:
        """The live folder named by `current`; None when missing, garbled or naming no folder."""
        try:
            name = (self.folder / _POINTER).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        folder = self.folder / name
        return folder if _LIVE.fullmatch(name) and folder.is_dir() else None

    @staticmethod
    def _hold(folder: Path) -> Generation | None:
        try:
            handle = open(folder / READERS_LOCK, "a+b")  # noqa: SIM115 - held until release()
        except OSError:
            return None
        try:
            # Only a writer holding the exclusive `lock` takes this one exclusively, and our
            # caller holds `lock` (shared or exclusive): this never waits.
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        return Generation(folder, handle)

    def live(self) -> Generation | None:
        """The live index, held for reading; None when there is none. Raises Busy."""
        with self._locked(fcntl.LOCK_SH):
            folder = self._pointed()
            return self._hold(folder) if folder else None

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        handle = self._lock_file()
        try:
            _flock(handle, mode, self.wait, self.on_wait)
            yield
        finally:
            handle.close()

    @contextmanager
    def writing(self) -> Iterator[Writer]:
        """The exclusive lock: only one process builds or replaces the index at a time. Raises Busy."""
        with self._locked(fcntl.LOCK_EX):
            yield Writer(self)


class Writer:
    """What the holder of the exclusive lock may do."""

    def __init__(self, store: Store):
        self.store = store

    def live_folder(self) -> Path | None:
        return self.store._pointed()

    def hold(self, folder: Path) -> Generation | None:
        return Store._hold(folder)

    def scratch(self) -> Path:
        """A fresh folder name for the next index (not created); left-over ones from crashed builds go first."""
        for old in self.store.folder.glob("tmp-*"):
            shutil.rmtree(old, ignore_errors=True)
        return self.store.folder / f"tmp-{secrets.token_hex(8)}"

    def publish(self, built: Path) -> Generation:
        """Make the complete index in `built` the live one; returns it, held for reading."""
        folder = self.store.folder / f"g-{secrets.token_hex(8)}"
        os.rename(built, folder)
        pointer = self.store.folder / f"{_POINTER}.tmp"
        pointer.write_text(folder.name + "\n", encoding="ascii")
        os.replace(pointer, self.store.folder / _POINTER)
        held = Store._hold(folder)
        assert held is not None  # we made the folder and hold the exclusive lock
        self.remove_unused(keep=folder)
        return held

    def remove_unused(self, keep: Path | None) -> None:
        """Delete older index folders no process reads any more, and files of the old one-folder layout."""
        for path in self.store.folder.iterdir():
            if path == keep or path.name in (_LOCK, _POINTER):
                continue
            if path.is_dir() and _LIVE.fullmatch(path.name):
                try:
                    handle = open(path / READERS_LOCK, "a+b")  # noqa: SIM115
                except OSError:
                    shutil.rmtree(path, ignore_errors=True)
                    continue
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()  # still read by a process: the next writer removes it
                    continue
                shutil.rmtree(path, ignore_errors=True)
                handle.close()
            elif path.is_file():  # the old layout kept whoosh's files here; scratch() clears tmp- folders
                path.unlink(missing_ok=True)
