"""Bounds on the HTTP exchanges of one Jira sync: an overall deadline and a size cap per answer.

requests' `timeout` bounds each socket read, not a whole answer: a server that
drips one byte a second keeps a request alive for ever, and one that sends
300 MB gets it all buffered. So the sync's `requests` session gets
`BoundedAdapter`:

- every answer is read in chunks and refused (`AnswerTooLarge`) once it passes
  `max_bytes` (or at once when its Content-Length says it will);
- every connection's socket is registered with the `Budget`, whose timer shuts
  them down when the deadline passes; a read blocked in the middle of a
  drip then fails at once and the caller sees `budget.expired`;
- each request's own timeout is cut to what is left of the deadline.
"""

from __future__ import annotations

import socket
import threading
import time
import weakref
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["AnswerTooLarge", "BoundedAdapter", "Budget", "DeadlinePassed", "mount"]

READ_CHUNK = 64 * 1024


class AnswerTooLarge(Exception):
    """An answer bigger than the cap (not a requests exception: nothing retries or wraps it)."""

    def __init__(self, limit: int):
        super().__init__(f"answer larger than {limit} bytes")
        self.limit = limit


class DeadlinePassed(requests.exceptions.Timeout):
    """The sync's overall deadline passed before this request could start."""


class Budget:
    """The deadline of one sync (seconds from `start()`) and the size cap of one answer."""

    def __init__(self, seconds: float, max_bytes: int):
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.expired = False
        self._ends = time.monotonic() + seconds
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def start(self) -> Budget:
        self._ends = time.monotonic() + self.seconds
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def remaining(self) -> float:
        return 0.0 if self.expired else max(0.0, self._ends - time.monotonic())

    @property
    def passed(self) -> bool:
        """The deadline is over (the timer may not have fired yet)."""
        return self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # shutdown (not close): the reading thread owns the descriptor; its blocked recv returns at once.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watched:
    """Mixin for urllib3 connections: hand each new socket to the budget."""

    budget: Budget

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self.budget.watch(sock)
        return sock


def _pool_classes(budget: Budget) -> dict[str, type[HTTPConnectionPool]]:
    conn = type("WatchedHTTPConnection", (_Watched, HTTPConnection), {"budget": budget})
    tls = type("WatchedHTTPSConnection", (_Watched, HTTPSConnection), {"budget": budget})
    return {
        "http": type("WatchedPool", (HTTPConnectionPool,), {"ConnectionCls": conn}),
        "https": type("WatchedTLSPool", (HTTPSConnectionPool,), {"ConnectionCls": tls}),
    }


class BoundedAdapter(HTTPAdapter):
    """An HTTPAdapter whose answers are size-capped and whose connections obey the budget."""

    def __init__(self, budget: Budget):
        self.budget = budget
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.budget)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _pool_classes(self.budget)
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        left = self.budget.remaining()
        if left <= 0:
            raise DeadlinePassed("the sync deadline passed")
        response = super().send(request, stream=True, timeout=_cut(timeout, left), **kwargs)
        self._read(response)
        return response

    def _read(self, response: requests.Response) -> None:
        limit = self.budget.max_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise AnswerTooLarge(limit)
        chunks: list[bytes] = []
        total = 0
        # iter_content decodes gzip and turns urllib3's errors into requests' (ChunkedEncodingError, ...).
        for chunk in response.iter_content(READ_CHUNK):
            total += len(chunk)
            if total > limit:
                response.close()
                raise AnswerTooLarge(limit)
            chunks.append(chunk)
        response._content = b"".join(chunks)  # what `response.content` returns from now on
        response._content_consumed = True


def _cut(timeout: Any, left: float) -> Any:
    """The request's timeout, never longer than what is left of the deadline."""
    if isinstance(timeout, tuple):
        return tuple(left if t is None else min(t, left) for t in timeout)
    return left if timeout is None else min(float(timeout), left)


def mount(session: requests.Session, budget: Budget) -> None:
    adapter = BoundedAdapter(budget)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
