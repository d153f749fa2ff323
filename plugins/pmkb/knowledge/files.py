"""Which files pmkb may read, and reading them within bounds.

The rule: nothing outside the repository root is ever read into the site or
the CLI, and every file that is skipped is reported with the reason. A link
(symlink) is followed only when its target is inside the root; a dangling
link, a link loop, a pipe or a device is skipped with a warning. A file larger
than `max_file_bytes` is refused with an error before it is read, so one
runaway export cannot stall a build for minutes.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Level

__all__ = ["FileRefused", "content_files", "inside", "link_refusal", "read_bounded", "relative_name"]


class FileRefused(Exception):
    """The file is not read: `reason` says why and what to do (one line)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@lru_cache(maxsize=16)
def _real(root: str) -> str:
    return os.path.realpath(root)


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path` (already resolved) lies inside `root` once every link in it is resolved."""
    # Strings, not Paths: this runs once per file of a large knowledge base.
    real_root = _real(os.fspath(root))
    text = os.fspath(path)
    return text == real_root or text.startswith(real_root.rstrip(os.sep) + os.sep)


def _target(path: Path, root: Path) -> str:
    """The real path of a file or folder pmkb may read, or FileRefused."""
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        raise FileRefused("FM015", "a link to a file that does not exist (a dangling link); fix or delete the link") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused("FM015", "a link that points back to itself (a link loop); delete the link") from None
        raise FileRefused("FM015", f"cannot follow the link: {exc.strerror or exc}") from None
    if not inside(real, root):
        what = "a link that leads" if real != os.path.abspath(path) else "a file"
        raise FileRefused(
            "FM015", f"{what} outside the repository; pmkb reads only files inside it: copy the file in instead"
        )
    return real


def link_refusal(path: Path, root: Path) -> FileRefused | None:
    """Why `path` must not be read (a link outside `root`, dangling or looping), or None."""
    try:
        _target(path, root)
    except FileRefused as refused:
        return refused
    return None


def read_bounded(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file inside `root`, at most `max_bytes` of them, or FileRefused."""
    real = _target(path, root)
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise FileRefused("FM009", f"cannot read the file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("FM015", "not a regular file (a pipe, socket or device); pmkb reads only regular files")
        data = handle.read(max_bytes + 1) if info.st_size <= max_bytes else b""
        if info.st_size > max_bytes or len(data) > max_bytes:
            raise FileRefused(
                "FM014",
                f"the file is {_size(max(info.st_size, len(data)))}, over the limit of {_size(max_bytes)} "
                "(plugins.pmkb.max_file_bytes in mkdocs.yml); split it or move attachments out of it",
            )
    return data


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def relative_name(path: Path, root: Path) -> str:
    """Path relative to the repository root, with forward slashes."""
    # Files found under the (resolved) root need no resolve(): it costs a stat per part.
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def content_files(folder: Path, root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The Markdown files under `folder` pmkb may read, and a warning for each one it skips.

    Hidden files and folders (a leading '.') are left out silently, as before.
    Links to folders inside the root are followed once; a folder reached twice
    (a loop, or a second link to it) is skipped with a warning.
    """
    found: list[Path] = []
    skipped: list[Diagnostic] = []

    def skip(path: Path, code: str, reason: str) -> None:
        skipped.append(Diagnostic(relative_name(path, root), 1, Level.WARNING, code, f"skipped: {reason}"))

    if not folder.is_dir():
        return found, skipped
    seen = {folder.resolve()}
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            skip(current, "FM009", f"cannot list the folder: {exc.strerror or exc}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            is_md = entry.name.endswith(".md")
            if entry.is_symlink():
                try:
                    real: Path | None = Path(_target(path, root))
                except FileRefused as refused:
                    # A broken link of any name is worth a warning; a good link outside the
                    # root only when pmkb would have read it (a .md file or a folder).
                    if is_md or "outside" not in refused.reason or path.is_dir():
                        skip(path, refused.code, refused.reason)
                    continue
            else:
                real = None
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as exc:
                skip(path, "FM009", f"cannot read: {exc.strerror or exc}")
                continue
            if is_dir:
                if real is not None:  # a linked folder: once, and never one of its own parents
                    if real in seen:
                        skip(path, "FM015", "a link to a folder that is already read (a loop); delete the link")
                        continue
                    seen.add(real)
                else:
                    seen.add(path.resolve())
                stack.append(path)
            elif is_md:
                if is_file:
                    found.append(path)
                else:
                    skip(path, "FM015", "not a regular file (a pipe, socket or device); pmkb reads only regular files")
    return sorted(found), skipped
