"""The files of a Slack export, from its zip or its unzipped folder, read with limits.

An export is untrusted input: the zip is never extracted, member names that
would escape a folder (`../`, absolute paths) make the whole zip refused, and
no file is read past `MAX_FILE_BYTES` (a zip header can lie about the size, so
the read itself is capped too).
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from .model import TimelineError

__all__ = ["ExportSource", "MAX_FILE_BYTES", "MAX_TOTAL_BYTES", "open_source"]

MAX_FILE_BYTES = 64 * 1024 * 1024  # one day of one channel; real ones are kilobytes
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # everything read from one export in one run
MAX_MEMBERS = 200_000


class ExportSource:
    """Read-only access to the export's files by their POSIX path inside the export."""

    def __init__(self, label: str) -> None:
        self.label = label  # how errors name the export (the path the user gave)
        self._read_total = 0

    def names(self) -> set[str]:
        raise NotImplementedError

    def _read(self, name: str, limit: int) -> bytes:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        data = self._read(name, MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise TimelineError(f"{self.where(name)}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not read (a Slack day file is far smaller)")
        self._read_total += len(data)
        if self._read_total > MAX_TOTAL_BYTES:
            raise TimelineError(f"{self.label}: more than {MAX_TOTAL_BYTES // (1024 * 1024)} MiB of JSON read; export a shorter date range")
        return data

    def where(self, name: str) -> str:
        return f"{self.label}/{name}"

    def close(self) -> None:
        """Release the zip file, if any."""


class _Folder(ExportSource):
    def __init__(self, root: Path, label: str) -> None:
        super().__init__(label)
        self.root = root.resolve()
        self._names: set[str] | None = None

    def names(self) -> set[str]:
        if self._names is None:  # listed once: every lookup asks
            self._names = {p.relative_to(self.root).as_posix() for p in self.root.rglob("*.json") if p.is_file()}
        return self._names

    def _read(self, name: str, limit: int) -> bytes:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):  # a symlink leading out of the export
            raise TimelineError(f"{self.where(name)}: points outside the export folder; not read")
        try:
            if path.stat().st_size >= limit:  # too big: say so without reading it
                return b"\0" * limit
            with path.open("rb") as handle:
                return handle.read(limit)
        except OSError as exc:
            raise TimelineError(f"{self.where(name)}: cannot be read ({exc.strerror or exc})") from None


class _Zip(ExportSource):
    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        super().__init__(label)
        self.archive = archive
        self._members = {info.filename: info for info in archive.infolist() if not info.is_dir()}

    def names(self) -> set[str]:
        return set(self._members)

    def _read(self, name: str, limit: int) -> bytes:
        info = self._members[name]
        if info.file_size > MAX_FILE_BYTES:
            raise TimelineError(f"{self.where(name)}: unpacks to {info.file_size} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit; not read")
        try:
            with self.archive.open(info) as handle:
                return handle.read(limit)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise TimelineError(f"{self.where(name)}: damaged zip member ({exc})") from None

    def where(self, name: str) -> str:
        return f"{self.label}:{name}"

    def close(self) -> None:
        self.archive.close()


def _unsafe(name: str) -> bool:
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def open_source(path: Path) -> ExportSource:
    label = str(path)
    if path.is_dir():
        return _Folder(path, label)
    if not zipfile.is_zipfile(path):
        raise TimelineError(f"{label}: not a Slack export; give the export's .zip or the folder it unzips to (with users.json and channels.json)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TimelineError(f"{label}: damaged zip file ({exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TimelineError(f"{label}: {len(infos)} files in the zip, over the limit of {MAX_MEMBERS}; not a Slack export this tool can read")
    for info in infos:
        if _unsafe(info.filename):
            raise TimelineError(f"{label}: unsafe file name in the zip ({info.filename!r} leads outside the export); refusing the whole zip")
    return _Zip(archive, label)
