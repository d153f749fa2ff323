"""A Jira-compatible HTTP server on 127.0.0.1 for tests and the benchmark.

It serves the JSON shapes Atlassian documents, enough for the real `jira`
client to sync action items:

- `GET /rest/api/2/serverInfo`: `deploymentType` "Cloud" or "Server" (Data Center).
- `GET /rest/api/2/field`: the fields with their JQL clause names.
- Data Center: `GET /rest/api/2/search` paged by `startAt`/`maxResults`/`total`
  (at most `page_cap`, 50 by default, per page, as many DC instances are set).
- Cloud: `GET /rest/api/{2,3}/search/jql` paged by `nextPageToken`/`isLast`, no
  `total` (at most 100 per page); the old `/search` answers 410 Gone.
- `key in (...)` with a key it does not know: HTTP 400 with
  `errorMessages: ["An issue with key 'X-1' does not exist for field 'key'."]`,
  one per key, like Jira; Data Center with `validateQuery=false` drops the key
  and names it in `warningMessages` instead.
- Basic auth (email + API token) or Bearer (PAT) checked: 401 otherwise.

Faults are injected with `server.fail(kind, times=..., on=...)`: "401", "403",
"429" (with Retry-After), "500", "502", "503", "malformed" (200 with broken
JSON), "timeout" (answers after `delay` seconds), "echo-auth" (a 500 whose
body echoes the Authorization header, to prove we never print it). Hostile
servers (issue 10, "nothing leaks, nothing hangs"):

- "echo-headers": HTTP `status` (400 by default) whose error messages echo
  every request header raw and percent-encoded, plus what a server decodes
  from Basic auth (`email:token`, the token, its base64);
- "echo-fields": a normal search answer whose status and resolution names
  are that same echo (what we store in the cache and show on the site);
- "truncate": a chunked 200 cut off in the middle of a chunk;
- "nested": 200 whose JSON is nested `size` levels deep (100,000 by default);
- "drip": 200 headers, then one byte every `delay` seconds, for ever (or
  `DRIP_LIMIT` seconds, a hang guard);
- "flood": a chunked 200 of `size` bytes of valid JSON.

Every request is recorded in `server.log` for assertions on counts and fields.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

__all__ = ["FakeIssue", "JiraServer", "Request"]

# Hang guard: a drip ends (cut mid-answer) after this long, so a client that ignores its
# deadline fails a test instead of hanging it. No test waits for it when the client is right.
DRIP_LIMIT = 30.0
_KEY_IN = re.compile(r"key\s+in\s*\(([^)]*)\)", re.IGNORECASE)
_CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
_FIELDS = [
    {"id": "summary", "name": "Summary", "custom": False, "clauseNames": ["summary"]},
    {"id": "status", "name": "Status", "custom": False, "clauseNames": ["status"]},
    {"id": "duedate", "name": "Due date", "custom": False, "clauseNames": ["due", "duedate"]},
    {"id": "resolution", "name": "Resolution", "custom": False, "clauseNames": ["resolution"]},
    {"id": "resolutiondate", "name": "Resolved", "custom": False, "clauseNames": ["resolutiondate", "resolved"]},
    {"id": "assignee", "name": "Assignee", "custom": False, "clauseNames": ["assignee"]},
]


@dataclass
class FakeIssue:
    status: str = "To Do"
    category: str = "new"  # new | indeterminate | done
    duedate: date | None = None
    resolution: str | None = None
    resolved: date | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str


@dataclass
class _Fault:
    kind: str
    times: int
    on: str  # substring of the path it applies to ("" = every request)
    retry_after: str | None
    delay: float
    status: int = 400
    size: int = 0


@dataclass
class JiraServer:
    deployment: str = "Cloud"  # Cloud | Server
    email: str = "ci@example.com"
    token: str = "cloud-token-s3cr3t"
    pat: str = "dc-pat-s3cr3t"
    page_cap: int | None = None  # None: 100 on Cloud, 50 on Data Center
    issues: dict[str, FakeIssue] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _port: int = 0

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> JiraServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                server._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        # serve_forever's default poll_interval (0.5 s) is what shutdown() waits for: keep stop() quick.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="jira-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends any drip in progress
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._port, "start() the server first"
        return f"http://127.0.0.1:{self._port}"

    def env(self) -> dict[str, str]:
        """The environment a user would set for this server."""
        if self.deployment == "Cloud":
            return {"JIRA_URL": self.url, "JIRA_EMAIL": self.email, "JIRA_API_TOKEN": self.token}
        return {"JIRA_URL": self.url, "JIRA_PAT": self.pat}

    # -- test controls -----------------------------------------------------------

    def fail(
        self,
        kind: str,
        times: int = 1_000_000,
        on: str = "",
        retry_after: str | None = "1",
        delay: float = 2.0,
        status: int = 400,
        size: int = 0,
    ) -> None:
        with self._lock:
            self._faults.append(_Fault(kind, times, on, retry_after, delay, status, size))

    def end_drips(self) -> None:
        """Let every "drip" answer in progress end (the connection is then cut mid-answer)."""
        self._stopping.set()

    def heal(self) -> None:
        with self._lock:
            self._faults.clear()

    def searches(self) -> list[Request]:
        return [r for r in self.log if "/search" in r.path]

    # -- serving -----------------------------------------------------------------

    def echo(self, handler: BaseHTTPRequestHandler) -> list[str]:
        """What a careless server says back: every header raw and percent-encoded, and Basic auth decoded."""
        lines = []
        # Authorization first: a client that shows only the first error message must still meet it.
        for name, value in sorted(handler.headers.items(), key=lambda h: h[0].lower() != "authorization"):
            lines += [f"{name}: {value}", f"{name}={quote(value, safe='')}", f"{name}={quote_plus(value)}"]
            if value.startswith("Basic "):
                user, _, password = base64.b64decode(value[6:]).decode().partition(":")
                encoded = base64.b64encode(password.encode()).decode()
                lines += [f"user {user}:{password}", f"password {password}", f"password (base64) {encoded}"]
        return lines

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        request = Request(method, parts.path, parse_qs(parts.query), handler.headers.get("Authorization", ""))
        with self._lock:
            self.log.append(request)
            fault = next((f for f in self._faults if f.times > 0 and f.on in parts.path), None)
            if fault is not None:
                fault.times -= 1
        echo = None
        if fault is not None and fault.kind == "echo-fields":
            echo = " | ".join(self.echo(handler))
        elif fault is not None and self._inject(handler, fault, request):
            return
        if not self._authorised(request.authorization):
            return _send(handler, 401, {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."]})
        path = parts.path.rstrip("/")
        if path == "/rest/api/2/serverInfo":
            return _send(handler, 200, self._server_info())
        if path == "/rest/api/2/field":
            return _send(handler, 200, _FIELDS)
        if path in ("/rest/api/2/search/jql", "/rest/api/3/search/jql"):
            if self.deployment != "Cloud":
                return _send(handler, 404, {"errorMessages": ["null for uri: " + path]})
            return self._search_cloud(handler, request.query, echo)
        if path in ("/rest/api/2/search", "/rest/api/3/search"):
            if self.deployment == "Cloud":
                return _send(handler, 410, {"errorMessages": ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."]})
            return self._search_dc(handler, request.query, echo)
        return _send(handler, 404, {"errorMessages": [f"null for uri: {path}"]})

    def _inject(self, handler: BaseHTTPRequestHandler, fault: _Fault, request: Request) -> bool:
        kind = fault.kind
        if kind == "timeout":
            time.sleep(fault.delay)
            return False  # then answer normally (the client gave up already)
        if kind == "malformed":
            body = b'{"issues": [{"key": "BROKEN-1", "fields": {'
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json;charset=UTF-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return True
        if kind == "echo-auth":
            _send(handler, 500, {"errorMessages": [f"internal error for {request.authorization}"]})
            return True
        if kind == "echo-headers":
            lines = self.echo(handler)
            _send(handler, fault.status, {"errorMessages": lines, "errors": {f"h{i}": v for i, v in enumerate(lines)}})
            return True
        if kind == "truncate":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json;charset=UTF-8")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            handler.wfile.write(b"400\r\n" + b'{"issues": [' + b" " * 100)  # promises 1024 bytes, sends 112
            handler.wfile.flush()
            _hang_up(handler)
            return True
        if kind == "nested":
            depth = fault.size or 100_000
            _send_raw(handler, 200, b'{"issues": ' + b"[" * depth + b"]" * depth + b"}")
            return True
        if kind == "flood":
            self._flood(handler, fault.size or 5 * 1024 * 1024)
            return True
        if kind == "drip":
            self._drip(handler, fault.delay)
            return True
        if kind == "429":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            _send(handler, 429, {"errorMessages": ["Rate limit exceeded."]}, headers)
            return True
        if kind in ("401", "403", "500", "502", "503"):
            _send(handler, int(kind), {"errorMessages": [f"injected {kind}"]})
            return True
        raise AssertionError(f"unknown fault {kind!r}")

    def _flood(self, handler: BaseHTTPRequestHandler, size: int) -> None:
        """Valid JSON of `size` bytes, chunked (no Content-Length: only counting while reading can stop it)."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json;charset=UTF-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        head, tail = b'{"issues": [], "isLast": true, "total": 0, "pad": "', b'"}'
        body_left = size - len(head) - len(tail)
        block = b"x" * 65536
        try:
            for piece in [head] + [block[: min(65536, body_left - i)] for i in range(0, body_left, 65536)] + [tail]:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap
        _hang_up(handler)

    def _drip(self, handler: BaseHTTPRequestHandler, delay: float) -> None:
        """Headers at once, then the body one byte per `delay` s: no read ever waits long, the answer never ends."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json;charset=UTF-8")
        handler.send_header("Transfer-Encoding", "chunked")  # no length to judge it by
        handler.end_headers()
        try:
            handler.wfile.write(b'c\r\n{"issues": [\r\n')
            handler.wfile.flush()
            ends = time.monotonic() + DRIP_LIMIT
            while not self._stopping.wait(delay) and time.monotonic() < ends:
                handler.wfile.write(b"1\r\n \r\n")
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what we want
        _hang_up(handler)

    def _authorised(self, authorization: str) -> bool:
        if authorization.startswith("Basic "):
            expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return authorization == f"Basic {expected}"
        if authorization.startswith("Bearer "):
            return authorization == f"Bearer {self.pat}"
        return False

    def _server_info(self) -> dict[str, Any]:
        cloud = self.deployment == "Cloud"
        return {
            "baseUrl": self.url,
            "version": "1001.0.0-SNAPSHOT" if cloud else "9.12.15",
            "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 15],
            "deploymentType": self.deployment,
            "buildNumber": 100276 if cloud else 9120015,
            "serverTitle": "Jira",
        }

    def _matching(self, query: dict[str, list[str]], lenient: bool) -> tuple[list[str], list[str]] | None:
        """(known keys in order, unknown keys) of the JQL; None when the JQL is not `key in (...)`."""
        match = _KEY_IN.search((query.get("jql") or [""])[0])
        if match is None:
            return None
        keys = [k.strip().strip("'\"") for k in match.group(1).split(",") if k.strip()]
        known = sorted((k for k in keys if k in self.issues), key=_key_order)
        return known, [k for k in keys if k not in self.issues]

    def _issue_json(self, key: str, fields: list[str], echo: str | None = None) -> dict[str, Any]:
        issue = self.issues[key]
        every = {
            "status": {
                "name": echo or issue.status,
                "statusCategory": {"key": issue.category, "name": _CATEGORY_NAMES[issue.category]},
            },
            "duedate": issue.duedate.isoformat() if issue.duedate else None,
            "resolution": {"name": echo or issue.resolution} if (echo or issue.resolution) else None,
            "resolutiondate": f"{issue.resolved.isoformat()}T10:00:00.000+0000" if issue.resolved else None,
            "summary": f"Issue {key}",
            "assignee": None,
        }
        wanted = [f for name in fields for f in name.split(",") if f]
        chosen = every if not wanted or "*all" in wanted else {k: v for k, v in every.items() if k in wanted}
        return {"id": str(10000 + _key_order(key)[1]), "key": key, "self": f"{self.url}/rest/api/2/issue/{key}", "fields": chosen}

    def _search_cloud(self, handler: BaseHTTPRequestHandler, query: dict[str, list[str]], echo: str | None = None) -> None:
        matched = self._matching(query, lenient=False)
        if matched is None:
            return _send(handler, 400, {"errorMessages": ["Unsupported JQL in the test server."]})
        known, unknown = matched
        if unknown:
            return _send(handler, 400, _unknown_errors(unknown))
        size = min(int((query.get("maxResults") or ["50"])[0]), self.page_cap or 100)
        token = (query.get("nextPageToken") or [""])[0]
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        page = known[start : start + size]
        body: dict[str, Any] = {"issues": [self._issue_json(k, query.get("fields") or [], echo) for k in page]}
        if start + size < len(known):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            body["isLast"] = False
        else:
            body["isLast"] = True
        _send(handler, 200, body)

    def _search_dc(self, handler: BaseHTTPRequestHandler, query: dict[str, list[str]], echo: str | None = None) -> None:
        matched = self._matching(query, lenient=True)
        if matched is None:
            return _send(handler, 400, {"errorMessages": ["Unsupported JQL in the test server."]})
        known, unknown = matched
        validate = (query.get("validateQuery") or ["true"])[0].lower() != "false"
        if unknown and validate:
            return _send(handler, 400, _unknown_errors(unknown))
        size = min(int((query.get("maxResults") or ["50"])[0]), self.page_cap or 50)
        start = int((query.get("startAt") or ["0"])[0])
        body: dict[str, Any] = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(known),
            "issues": [self._issue_json(k, query.get("fields") or [], echo) for k in known[start : start + size]],
        }
        if unknown:
            body["warningMessages"] = [f"The value '{k}' does not exist for the field 'key'." for k in unknown]
        _send(handler, 200, body)


def _unknown_errors(keys: list[str]) -> dict[str, Any]:
    return {"errorMessages": [f"An issue with key '{k}' does not exist for field 'key'." for k in keys], "errors": {}}


def _key_order(key: str) -> tuple[str, int]:
    project, _, number = key.partition("-")
    return project, int(number) if number.isdigit() else 0


def _hang_up(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection now (a truncated or abandoned answer cannot be followed by another)."""
    handler.close_connection = True
    try:
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _send_raw(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json;charset=UTF-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _send(handler: BaseHTTPRequestHandler, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json;charset=UTF-8")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (timeout tests)
