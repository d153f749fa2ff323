"""The on-disk cache of per-file work under `.pmkb/check/`, content-addressed so it can never be stale.

`pmkb check` in a pre-commit hook, CI and every `mkdocs serve` rebuild read the
same few thousand files again and again; most did not change. Each file's work
(parse, validation, the rules about that file alone, and the blameless findings)
is kept under a key that covers everything its result depends on:

    key = blake2b(salt, kind, path relative to the root, the file's bytes)
    salt = blake2b(pmkb version, the source of the modules that produce the
                   results and the shipped data files (blameless.yml), the
                   settings (the pmkb block, serialised), what the owner adds:
                   the as-of date for runbooks, the rule set for findings)

A changed byte, setting, rule, as-of date or pmkb release is a different key,
so an entry is either exactly right or never looked up. Checks across files (ids,
references, recurrence) are never cached: they always run on the current data.

Layout: one pack file per kind of work (`.pmkb/check/load.pack`,
`.pmkb/check/blameless.pack`): a header line, the format number, a checksum of
the payload, then the payload (a pickle of key -> pickled entry). Entries are
unpickled by an unpickler that builds only the classes its owner names, after the
checksum matched. A damaged pack (truncated, garbage, another format) is
reported in one line on stderr, never trusted, and rebuilt. Writes go to a
temporary file renamed over the pack, so two runs at once each leave a whole pack
(the last one wins) and a reader never sees half of one. Nothing is kept in memory
between runs (or `mkdocs serve` rebuilds): a pack is read at the start and
written at the end of each.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import pickle
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

__all__ = ["FOLDER", "CachePack", "code_version", "digest"]

FOLDER = Path(".pmkb") / "check"
_MAGIC = b"pmkb check cache\n"
_FORMAT = b"1\n"
_CHECKSUM_CHARS = 40  # blake2b, 20 bytes, in hex
# The modules whose code decides a per-file result (and the shipped rules): editing any of them
# (a pmkb upgrade, or a developer's checkout) is a new key, not a stale answer.
_SOURCES = ("knowledge", "lint")
_TOP_SOURCES = ("settings.py", "diagnostics.py", "asof.py", "__init__.py")
_DATA = ("data/blameless.yml",)
# Classes any entry may hold besides its owner's: dates (with pydantic's time zones) and sets.
_BASE_CLASSES = {
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone"),
    ("pydantic_core._pydantic_core", "TzInfo"), ("builtins", "set"), ("builtins", "frozenset"),
}  # fmt: skip


def digest(*parts: bytes | str) -> str:
    """A hex key over `parts`, each length-prefixed so no two different lists of parts collide."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def code_version() -> str:
    """pmkb's version plus the bytes of the code and data that produce per-file results."""
    package = resources.files("pmkb")
    parts: list[bytes | str] = [_version()]
    for folder in _SOURCES:
        for item in sorted(package.joinpath(folder).iterdir(), key=lambda p: p.name):
            if item.name.endswith(".py"):
                parts += [f"{folder}/{item.name}", item.read_bytes()]
    for name in (*_TOP_SOURCES, *_DATA):
        parts += [name, package.joinpath(name).read_bytes()]
    return digest(*parts)


def _version() -> str:
    try:
        from importlib.metadata import version  # only here: its import costs a few ms

        return version("pmkb")
    except Exception:  # an uninstalled checkout: the source digest still changes with the code
        return "unknown"


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: dict[tuple[str, str], type], start: int = 0):
        stream = io.BytesIO(data)  # shares `data`'s buffer until written to
        stream.seek(start)
        super().__init__(stream)
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        # Only the classes the owner named (no function, no module): a forged entry cannot run code.
        found = self._allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return found


def _allowed_classes(classes: Iterable[type]) -> dict[tuple[str, str], type]:
    allowed = {(c.__module__, c.__qualname__): c for c in classes}
    for module, name in _BASE_CLASSES:
        allowed[(module, name)] = getattr(importlib.import_module(module), name)
    return allowed


class CachePack:
    """One pack of entries (`.pmkb/check/<name>.pack`): read once when opened, written once by `save`."""

    def __init__(self, root: Path, name: str, classes: Iterable[type]):
        self.path = root / FOLDER / f"{name}.pack"
        self._shown = (FOLDER / f"{name}.pack").as_posix()
        self._allowed = _allowed_classes(classes)
        self._stored: dict[str, bytes] = self._read()
        self._used: dict[str, bytes] = {}
        self._changed = False

    def _read(self) -> dict[str, bytes]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._notice(f"cannot be read ({exc.strerror or exc})")
            return {}
        problem = None
        header = len(_MAGIC) + len(_FORMAT)
        if not raw.startswith(_MAGIC):
            problem = "not a pmkb cache"
        elif raw[len(_MAGIC) : header] != _FORMAT:
            problem = "written by another pmkb version"
        else:
            # The payload is read where it lies in `raw` (a pack of every page is tens of MB: no copies).
            newline = raw.find(b"\n", header)
            start = newline + 1 if newline >= 0 else len(raw)
            checksum = raw[header : start - 1] if newline >= 0 else raw[header:]
            if checksum.decode("ascii", "replace") != hashlib.blake2b(memoryview(raw)[start:], digest_size=20).hexdigest():
                problem = "truncated or changed"
            else:
                try:
                    stored = _Unpickler(raw, {}, start).load()
                except Exception:  # the checksum matched, so only a forged pack gets here
                    stored = None
                if isinstance(stored, dict) and all(
                    isinstance(k, str) and isinstance(v, bytes) for k, v in stored.items()
                ):
                    return stored
                problem = "unreadable"
        self._notice(problem)
        return {}

    def _notice(self, problem: str) -> None:
        # One line, on stderr: stdout stays the command's output, and a damaged cache is no error.
        print(f"pmkb: the cache {self._shown} is {problem}; rebuilding it", file=sys.stderr)
        self._changed = True  # rewrite it even if nothing new is computed

    def holds(self, key: str) -> bool:
        """Whether the pack read at the start of this run has an entry under `key`."""
        return key in self._stored

    @property
    def stored_count(self) -> int:
        return len(self._stored)

    def get(self, key: str) -> Any | None:
        """The entry stored under `key`, or None (never stored, or unreadable: then computed afresh)."""
        data = self._stored.get(key)
        if data is None:
            return None
        try:
            value = _Unpickler(data, self._allowed).load()
        except Exception:
            return None
        self._used[key] = data
        return value

    def put(self, key: str, value: Any) -> None:
        self._used[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._changed = True

    def put_pickled(self, key: str, data: bytes) -> None:
        self._used[key] = data
        self._changed = True

    def save(self) -> None:
        """Write the pack if anything changed: this run's entries, plus older ones while they are few.

        Entries this run did not use (an edited file's old version, another configuration's
        results) are kept while they are no more than the used ones, then dropped: the pack
        stays about the size of the knowledge base. A cache that cannot be written is skipped.
        """
        unused = {k: v for k, v in self._stored.items() if k not in self._used}
        if not self._changed and not unused:
            return
        entries = {**unused, **self._used} if len(unused) <= len(self._used) else dict(self._used)
        if not self._changed and len(entries) == len(self._stored):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError:
            return  # a read-only checkout: the run is simply uncached
        try:
            with os.fdopen(handle, "wb") as out:
                # The payload is pickled straight into the file (no copy of a pack of every page in
                # memory), hashed on its way, and its checksum written into the space left for it.
                out.write(_MAGIC + _FORMAT)
                at = out.tell()
                out.write(b"0" * _CHECKSUM_CHARS + b"\n")
                hashed = _HashingWriter(out)
                pickle.dump(entries, hashed, protocol=pickle.HIGHEST_PROTOCOL)
                out.seek(at)
                out.write(hashed.hash.hexdigest().encode("ascii"))
            os.replace(temporary, self.path)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass


class _HashingWriter:
    """A binary file that also feeds every byte written to the pack's checksum."""

    def __init__(self, out: Any):
        self._out = out
        self.hash = hashlib.blake2b(digest_size=20)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self._out.write(data)
