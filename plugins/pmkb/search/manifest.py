"""`manifest.json` of an index folder: which content each indexed file had, and the index files as written.

    {"fingerprint": "...", "count": 37,
     "files": {"postmortems/2026/pm-1.md": {"mtime_ns": 1, "size": 2, "hash": "...", "indexed": true}},
     "store": {"MAIN_x.seg": {"size": 3, "mtime_ns": 4}}}

`files` lets a run re-index only files whose content changed (a changed stat
alone costs one hash); `store` lets it notice index files changed on disk
(truncated, rewritten, missing) before whoosh reads them. A manifest of
another layout is never parsed: the fingerprint (`schema.SCHEMA_VERSION`) differs first.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

__all__ = ["FileEntry", "Manifest", "ManifestError", "StoreStat", "content_hash", "store_stats"]

MANIFEST = "manifest.json"


class ManifestError(ValueError):
    """The manifest cannot be read or does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One content file as indexed."""

    mtime_ns: int
    size: int
    hash: str  # blake2b of the bytes, or "refused:<size>" for a file over the size limit (never read)
    indexed: bool  # False: unreadable, or left out of this build; `pmkb check` reports why


@dataclass(frozen=True, slots=True)
class StoreStat:
    """One whoosh file of the index folder as written; a missing file is (-1, -1)."""

    size: int
    mtime_ns: int


@dataclass(slots=True)
class Manifest:
    fingerprint: str
    count: int | None
    files: dict[str, FileEntry]
    store: dict[str, StoreStat]

    @classmethod
    def read(cls, path: Path, fingerprint: str) -> Manifest | None:
        """The manifest at `path`; None when it was made for another fingerprint. Raises ManifestError."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ManifestError(str(exc)) from None
        if not isinstance(raw, dict) or not isinstance(raw.get("files"), dict) or not isinstance(raw.get("store"), dict):
            raise ManifestError("not a manifest")
        if raw.get("fingerprint") != fingerprint:
            return None
        try:
            return cls(
                fingerprint=fingerprint,
                count=raw.get("count"),
                files={rel: FileEntry(**entry) for rel, entry in raw["files"].items()},
                store={name: StoreStat(**stat) for name, stat in raw["store"].items()},
            )
        except TypeError as exc:  # an entry that is not a mapping of exactly these fields
            raise ManifestError(str(exc)) from None

    def write(self, path: Path) -> None:
        """Atomically: readers see the old manifest or the new one."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.as_json()), encoding="utf-8")
        os.replace(tmp, path)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def store_stats(folder: Path, names: Iterable[str] | None = None, *, skip: tuple[str, ...] = ()) -> dict[str, StoreStat]:
    """(size, mtime) of each index file in `folder` (or of `names`; a missing one as (-1, -1))."""
    if names is None:
        names = [p.name for p in folder.iterdir() if p.is_file() and p.name not in (MANIFEST, *skip)]
    out: dict[str, StoreStat] = {}
    for name in names:
        try:
            stat = (folder / name).stat()
            out[name] = StoreStat(stat.st_size, stat.st_mtime_ns)
        except (OSError, ValueError):
            out[name] = StoreStat(-1, -1)
    return out
