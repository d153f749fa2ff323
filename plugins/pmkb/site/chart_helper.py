"""Charts drawn beside the build: a forked helper draws what the chart cache lacks while the build goes on.

A cold build draws every chart (about 30 ms each with matplotlib, a dozen a
month of history), and nothing in the build's pages needs a chart's SVG: a
review page shows a chart as an `<img>` of its file, and only the chart files
and the review decks (which embed them) hold the drawing. So, rather than
making the build wait for the charts in `on_files`, one helper is forked there
and draws the missing charts from the last one back while the build reads,
converts and writes its pages, mostly on the core that MkDocs' single-threaded
writing of pages leaves idle. At the end (`finish`) the build draws from the
first chart forward until it meets the helper, waits for it, and draws
anything still missing itself (a helper that failed or was killed costs time,
never a chart). Every chart is a pure function of its data, so the output is
byte for byte what one process draws.

Two positions in shared memory keep them apart, as for the page helper
(`MeetingPositions`, `mkdocs_plugin/page_prefetch.py`): each writes the chart
it claims and stops where the other has been; a chart both claim at the same
moment is drawn twice, the same way. The helper writes each SVG to an
unnamed temporary file as (index, length, bytes) and ends with `os._exit`
(nothing of the build's is flushed or saved twice). It is forked only when
that is safe and useful (the platform forks, the process has a single thread,
PMKB_JOBS allows a second process, and there are enough charts to draw);
otherwise the charts are drawn at once, over every core the build may use.
"""

from __future__ import annotations

import logging
import os
import signal
import struct
import tempfile
from typing import IO, Callable, Sequence, TypeVar

from ..knowledge.parallel import MeetingPositions, may_fork_helper, objects_frozen

__all__ = ["BackgroundDrawing"]

log = logging.getLogger("mkdocs.plugins.pmkb")

T = TypeVar("T")

_RECORD = struct.Struct("<iI")  # chart index, length of its SVG in UTF-8


class BackgroundDrawing:
    """`draw(item)` for each item, begun in a forked helper now and completed by `finish`."""

    def __init__(self, items: Sequence[T], draw: Callable[[T], str], pid: int, out: IO[bytes],
                 positions: MeetingPositions):  # fmt: skip
        self._items, self._draw = items, draw
        self._pid, self._out, self._positions = pid, out, positions

    @classmethod
    def start(cls, items: Sequence[T], draw: Callable[[T], str], at_least: int) -> BackgroundDrawing | None:
        """The helper drawing `items`, or None when it cannot or need not be forked (draw them now)."""
        if len(items) < max(1, at_least) or not may_fork_helper():
            return None
        positions = MeetingPositions(build=-1, helper=len(items))
        out = tempfile.TemporaryFile()  # unnamed: nothing is left on disk, whatever happens
        with objects_frozen():
            pid = os.fork()
            if pid == 0:  # the helper, which never leaves this block
                code = 1
                try:
                    _draw_backwards(items, draw, positions, out.fileno())
                    code = 0
                finally:
                    os._exit(code)
        return cls(items, draw, pid, out, positions)

    def finish(self) -> list[str]:
        """Every item's SVG, in order: the build draws from the front until it meets the helper, then takes the rest."""
        drawn: dict[int, str] = {}
        for index in range(len(self._items)):
            self._positions.build = index
            if self._positions.helper <= index:
                break  # the helper has claimed this one and all after it
            drawn[index] = self._draw(self._items[index])
        os.waitpid(self._pid, 0)
        by_helper = 0
        for index, svg in _records(self._out):
            by_helper += index not in drawn
            drawn.setdefault(index, svg)
        self._out.close()
        log.debug("pmkb: a second process drew %d of %d charts", by_helper, len(self._items))
        # Claimed by both and dropped by both at the same moment, or a helper that failed: drawn here.
        return [drawn[i] if i in drawn else self._draw(item) for i, item in enumerate(self._items)]

    def cancel(self) -> None:
        """A failed build: stop the helper and drop what it drew."""
        try:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass  # already ended and reaped
        self._out.close()


def _draw_backwards(items: Sequence[T], draw: Callable[[T], str], positions: MeetingPositions, fd: int) -> None:
    for index in range(len(items) - 1, -1, -1):
        positions.helper = index
        if positions.build >= index:
            break  # the build got here first
        data = draw(items[index]).encode("utf-8")
        os.write(fd, _RECORD.pack(index, len(data)) + data)


def _records(out: IO[bytes]) -> list[tuple[int, str]]:
    """The (index, SVG) records the helper wrote; a record cut short (helper killed mid-write) is left out."""
    out.seek(0)
    data = out.read()
    found, offset = [], 0
    while offset + _RECORD.size <= len(data):
        index, length = _RECORD.unpack_from(data, offset)
        body = data[offset + _RECORD.size : offset + _RECORD.size + length]
        if len(body) < length:
            break
        found.append((index, body.decode("utf-8")))
        offset += _RECORD.size + length
    return found

