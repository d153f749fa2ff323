"""The chart helper (a forked process drawing beside the build): the build gets every drawing, in order,
whatever the helper managed to do."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from pmkb.site.chart_helper import BackgroundDrawing


def _draw(item: int) -> str:
    return f"<svg>{item * item}</svg>"


@pytest.fixture(autouse=True)
def _two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMKB_JOBS", "2")  # the helper is forked even on a one-core runner


def _wait_until_written(helper: BackgroundDrawing, items: list[int]) -> None:
    """Until the helper has written every drawing (each record: 8 bytes and the SVG)."""
    expected = sum(8 + len(_draw(i).encode()) for i in items)
    deadline = time.monotonic() + 30
    while os.fstat(helper._out.fileno()).st_size < expected and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_build_takes_what_the_helper_drew_in_order(caplog: pytest.LogCaptureFixture) -> None:
    items = list(range(40))
    helper = BackgroundDrawing.start(items, _draw, at_least=4)
    assert helper is not None
    _wait_until_written(helper, items)
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.pmkb"):
        assert helper.finish() == [_draw(i) for i in items]
    assert "a second process drew 40 of 40 charts" in caplog.text


def test_the_build_and_the_helper_meet_with_every_drawing_once() -> None:
    items = list(range(400))
    helper = BackgroundDrawing.start(items, _draw, at_least=4)
    assert helper is not None
    assert helper.finish() == [_draw(i) for i in items]


def test_a_killed_helper_costs_time_never_a_drawing() -> None:
    items = list(range(40))
    helper = BackgroundDrawing.start(items, _draw, at_least=4)
    assert helper is not None
    os.kill(helper._pid, signal.SIGKILL)
    assert helper.finish() == [_draw(i) for i in items]


def test_too_few_items_are_drawn_by_the_build_itself() -> None:
    assert BackgroundDrawing.start([1, 2], _draw, at_least=4) is None


def test_a_cancelled_helper_is_gone() -> None:
    helper = BackgroundDrawing.start(list(range(40)), _draw, at_least=4)
    assert helper is not None
    pid = helper._pid
    helper.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more
