"""Write timeline lines into a postmortem's empty Timeline section, touching nothing else.

"Empty" means nothing but blank lines, HTML comments (the template's guidance)
and the template's unfilled `- <time> — ` placeholder. Anything else is the
author's text, and pmkb never overwrites what someone wrote: the file is left
byte-identical and the command fails. The write is atomic (temporary file in
the same folder, then rename), so an interruption leaves the old file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..knowledge.sections import normalise_heading, outside_code
from .model import TimelineError

__all__ = ["write_into"]

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(r"^\s*[-*]\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?\s*[—–-]?\s*$")


def _body_start(lines: list[str]) -> int:
    """Index of the first body line (after the YAML front matter, if any)."""
    if lines and lines[0].rstrip("\r") == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip("\r") in ("---", "..."):
                return index + 1
    return 0


def _section(lines: list[str], name: str) -> tuple[int, int] | None:
    """(heading index, end index exclusive) of the level-2 section called `name`."""
    start = _body_start(lines)
    body = [line.rstrip("\r") for line in lines[start:]]
    found: int | None = None
    for number, line in outside_code("\n".join(body), first_line=start):
        match = _HEADING.match(line)
        if not match:
            continue
        level = len(match.group(1))
        if found is not None and level <= 2:
            return found, number
        if found is None and level == 2 and normalise_heading(match.group(2)) == normalise_heading(name):
            found = number
    return (found, len(lines)) if found is not None else None


def _first_text(content: str) -> int | None:
    """0-based line of the first line of real text in the section, or None when it is empty."""
    # Comments become as many newlines as they span, so line numbers stay true.
    blanked = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), content)
    for index, line in enumerate(blanked.split("\n")):
        if line.strip() and not _PLACEHOLDER.match(line):
            return index
    return None


def write_into(path: Path, markdown: str, section: str = "Timeline") -> None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TimelineError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TimelineError(f"{path}: not UTF-8 text; nothing written") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split("\n")
    span = _section(lines, section)
    if span is None:
        raise TimelineError(f"{path}: no '## {section}' section to write into; add the heading where the timeline belongs and run again")
    head, end = span
    content = "\n".join(line.rstrip("\r") for line in lines[head + 1 : end])
    text_at = _first_text(content)
    if text_at is not None:
        raise TimelineError(
            f"{path}:{head + 2 + text_at}: the '## {section}' section already has text; nothing written "
            "(empty it, or print the timeline without --into and merge it by hand)"
        )
    comments = [c.strip() for c in _COMMENT.findall(content)]  # the template's guidance stays
    new = [lines[head].rstrip("\r"), ""]
    for comment in comments:
        new.extend([*comment.split("\n"), ""])
    new.extend(markdown.rstrip("\n").split("\n"))
    if end < len(lines):
        new.append("")  # a blank line before the next heading
    replacement = [line + "\r" if newline == "\r\n" else line for line in new]
    if end == len(lines):
        # The section ran to the end of the file: end with a newline as the file did (or should).
        replacement.append("")
    updated = "\n".join([*lines[:head], *replacement, *lines[end:]])
    _atomic_write(path, updated.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
