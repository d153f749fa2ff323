"""Author text made safe to print on a terminal.

A title, service name, file name or snippet comes from whoever wrote the
Markdown; printed as is, an escape sequence in it could recolour, retitle
(OSC 0) or hide (cursor movement) what the reader sees, or in old terminals
answer back. Text output shows it with every escape sequence and control
character removed; JSON output keeps the exact text (json escapes it).
"""

from __future__ import annotations

import re

__all__ = ["plain", "printable"]

# ESC and C1 introduced sequences: CSI (ESC [ or 0x9b) ... final byte; OSC, DCS, SOS, PM, APC
# (ESC ] P X ^ _ or 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or ST (ESC \ or 0x9c) or the end; any other ESC + one character.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAK = re.compile(r"[\t\n\r]")


def plain(text: str) -> str:
    """`text` without escape sequences or control characters; tabs and line breaks become spaces."""
    return _CONTROL.sub("", _BREAK.sub(" ", _SEQUENCE.sub("", text)))


def printable(text: str) -> str:
    """Multi-line `text` without escape sequences or control characters; line breaks and tabs kept.

    For whole reports (review Markdown, tables, timelines); a carriage return, which could
    overwrite what a line showed, is dropped.
    """
    return _CONTROL.sub("", _SEQUENCE.sub("", text.replace("\r\n", "\n"))).replace("\r", "")
