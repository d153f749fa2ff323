"""A PagerDuty-compatible HTTP server on 127.0.0.1 for the on-call sync tests.

`GET /incidents` as PagerDuty's REST API v2 documents it:

- `Authorization: Token token=<token>` checked (401 otherwise, with PagerDuty's error shape);
- `since`/`until` (ISO 8601) filter on `created_at` (since inclusive, until exclusive); a
  span over 6 months is a 400, like PagerDuty;
- classic pagination: `limit` (capped at 100), `offset`, `more`, and `total` when
  `total=true`; `offset + limit` over 10,000 is a 400.

Faults are injected with `server.fail(kind, times=..., after=...)`: "401", "429" (with Retry-After),
"500", "malformed" (200 with broken JSON), "slow" (answers after `delay` seconds).
Every request is recorded in `server.log`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["PagerDutyServer", "incident"]


def incident(number: int, created_at: str, *, urgency: str = "high", service: str = "checkout",
             policy: str | None = "Checkout primary", title: str = "Checkout 5xx above 2%") -> dict[str, Any]:
    """An incident as GET /incidents lists it (with the fields pmkb ignores too)."""
    return {
        "id": f"P{number:06d}",
        "type": "incident",
        "summary": f"[#{number}] {title}",
        "self": f"https://api.pagerduty.com/incidents/P{number:06d}",
        "html_url": f"https://fernway.pagerduty.com/incidents/P{number:06d}",
        "incident_number": number,
        "title": title,
        "created_at": created_at,
        "updated_at": created_at,
        "status": "resolved",
        "urgency": urgency,
        "incident_key": f"key-{number}",
        "service": {"id": "PSVC1", "type": "service_reference", "summary": service},
        "escalation_policy": {"id": "PEP1", "type": "escalation_policy_reference", "summary": policy} if policy else None,
        "assignments": [],
        "body": {"details": "internal notes that pmkb must not keep"},
    }


@dataclass
class _Fault:
    kind: str
    times: int
    retry_after: str | None
    delay: float
    after: int  # requests answered normally before the fault starts


@dataclass
class PagerDutyServer:
    token: str = "pd-secret-token-123"
    incidents: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, list[str]]] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _http: ThreadingHTTPServer | None = None

    def start(self) -> PagerDutyServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    @property
    def url(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {"PAGERDUTY_TOKEN": self.token, "PAGERDUTY_URL": self.url}

    def fail(self, kind: str, times: int = 1_000_000, retry_after: str | None = "0", delay: float = 2.0, after: int = 0) -> None:
        self._faults.append(_Fault(kind, times, retry_after, delay, after))

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        self.log.append(query | {"_path": [parts.path], "_auth": [handler.headers.get("Authorization", "")]})
        if handler.headers.get("Authorization") != f"Token token={self.token}":
            return _send(handler, 401, {"error": {"message": "Unauthorized", "code": 2006}})
        for fault in self._faults:
            if fault.after > 0:
                fault.after -= 1
                continue
            if fault.times > 0:
                fault.times -= 1
                if fault.kind == "401":
                    return _send(handler, 401, {"error": {"message": "Unauthorized", "code": 2006}})
                if fault.kind == "429":
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                    return _send(handler, 429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}, headers)
                if fault.kind == "500":
                    return _send(handler, 500, {"error": {"message": "Internal Server Error"}})
                if fault.kind == "malformed":
                    return _send_raw(handler, 200, b'{"incidents": [ {"id": ')
                if fault.kind == "slow":
                    time.sleep(fault.delay)
                break
        if parts.path != "/incidents":
            return _send(handler, 404, {"error": {"message": "Not Found"}})
        since = _time(query.get("since", [None])[0])
        until = _time(query.get("until", [None])[0])
        if since and until and until - since > timedelta(days=183):
            return _send(handler, 400, {"error": {"message": "Invalid Input Provided", "errors": ["Date range exceeds 6 months"]}})
        limit = min(int(query.get("limit", ["25"])[0]), 100)
        offset = int(query.get("offset", ["0"])[0])
        if offset + limit > 10_000:
            return _send(handler, 400, {"error": {"message": "Offset must be less than 10000"}})
        matching = [i for i in self.incidents
                    if (since is None or _time(i["created_at"]) >= since) and (until is None or _time(i["created_at"]) < until)]
        page = matching[offset: offset + limit]
        body: dict[str, Any] = {"incidents": page, "limit": limit, "offset": offset, "more": offset + limit < len(matching)}
        body["total"] = len(matching) if query.get("total") == ["true"] else None
        _send(handler, 200, body)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _send(handler: BaseHTTPRequestHandler, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
    _send_raw(handler, status, json.dumps(data).encode(), headers)


def _send_raw(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (the "slow" fault)
        pass
