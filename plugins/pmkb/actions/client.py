"""`JiraClient`: the `jira` library's client, with bounded retries, request counting and fault translation.

See `sync.py` for the flow of a sync. Every text that comes from the server
is redacted (`redact.py`) before it is shown or stored; the library's own log
records too (`redacted_library_logs`).
"""

from __future__ import annotations

import logging
import re
import socket
import time
from contextlib import contextmanager
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator, TypeVar

import requests
from jira import JIRA, JIRAError

from .cache import CachedIssue
from .connection import JiraCredentials, RetryPolicy
from .faults import JiraAuthRefused, JiraBadAnswer, JiraFault, JiraRateLimited, JiraServerError, JiraTimeout, JiraUnreachable
from .redact import redact
from .transport import AnswerTooLarge, Budget, mount

__all__ = ["FIELDS", "JiraClient", "redacted_library_logs"]

# Only what the derived facts need.
FIELDS = ("status", "duedate", "resolution", "resolutiondate")

_UNKNOWN_KEY = re.compile(
    r"(?:An issue with key|The issue key|The value) '([A-Z][A-Z0-9]+-\d+)' (?:does not exist|for field 'key' is invalid)"
)

T = TypeVar("T")

class JiraClient:
    """The `jira` client plus bounded retries, request counting and fault translation."""

    def __init__(self, credentials: JiraCredentials, policy: RetryPolicy, budget: Budget):
        self.credentials = credentials
        self.policy = policy
        self.budget = budget
        self.where = credentials.where
        self.secrets = credentials.secrets
        self.requests = 0
        auth: dict[str, Any] = (
            {"basic_auth": (credentials.email, credentials.token)}
            if credentials.email and credentials.token
            else {"token_auth": credentials.pat}
        )
        # No request in the constructor (get_server_info=False): the bounded adapter
        # must be on the session before the first byte is read.
        self.jira = self._call(
            lambda: JIRA(
                server=credentials.url,
                max_retries=0,
                timeout=policy.timeout,
                options={"check_update": False},
                get_server_info=False,
                **auth,
            ),
            "serverInfo",
        )
        mount(self.jira._session, budget)
        # Count every request that got an answer (serverInfo, pages, the field list, retries).
        self.jira._session.hooks["response"].append(self._count)
        info = self._call(self.jira.server_info, "serverInfo")
        if not isinstance(info, dict):
            raise JiraBadAnswer(f"Jira at {self.where} sent an unexpected answer for serverInfo")
        # What the constructor would have set from serverInfo (the client's Cloud switch reads deploymentType).
        self.jira._version = tuple(v for v in info.get("versionNumbers") or () if isinstance(v, int))
        deployment = info.get("deploymentType")
        self.jira.deploymentType = deployment if deployment in ("Cloud", "Server") else None
        self.deployment = self.jira.deploymentType or "Server"

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.requests += 1

    @property
    def is_cloud(self) -> bool:
        return self.deployment == "Cloud"

    def search(self, keys: list[str], page_size: int) -> tuple[list[CachedIssue] | None, list[str]]:
        """All pages of `key in (keys)`; (issues, unknown keys) or (None, unknown keys) when rejected."""
        jql = f"key in ({', '.join(keys)})"
        issues: list[CachedIssue] = []
        warned: list[str] = []
        token: str | None = None
        start = 0
        while True:
            try:
                if self.is_cloud:
                    page = self._call(
                        lambda: self.jira.enhanced_search_issues(
                            jql, nextPageToken=token, maxResults=page_size, fields=list(FIELDS), json_result=True
                        ),
                        "search/jql",
                    )
                else:
                    page = self._call(
                        lambda: self.jira.search_issues(
                            jql,
                            startAt=start,
                            maxResults=page_size,
                            validate_query=False,
                            fields=list(FIELDS),
                            json_result=True,
                        ),
                        "search",
                    )
            except _Rejected as rejected:
                return None, rejected.unknown
            if not isinstance(page, dict) or not isinstance(page.get("issues"), list):
                raise JiraBadAnswer(f"Jira at {self.where} sent a search answer without an 'issues' list")
            batch = [_issue(raw, self.where, self.redact) for raw in page["issues"]]
            issues += batch
            warned += [m.group(1) for msg in page.get("warningMessages") or [] if (m := _UNKNOWN_KEY.search(str(msg)))]
            if self.is_cloud:
                token = page.get("nextPageToken")
                if page.get("isLast", token is None) or not token:
                    break
            else:
                start += len(batch)
                total = page.get("total")
                if not batch or not isinstance(total, int) or start >= total:
                    break
        return issues, warned

    def _call(self, request: Callable[[], T], what: str) -> T:
        """Run one client call; retry 429/503 within the policy; translate every failure.

        Nothing but a `JiraFault` (or `_Rejected`) leaves here: whatever the
        server sends, the build goes on from the cache instead of a traceback.
        """
        waited = 0.0
        attempt = 0
        while True:
            try:
                return request()
            except JIRAError as exc:
                status = exc.status_code
                if status in (429, 503) and attempt < self.policy.max_retries and not self.budget.passed:
                    wait = _retry_after(exc.response, self.policy.default_wait)
                    if wait is not None and waited + wait <= self.policy.max_wait and wait < self.budget.remaining():
                        attempt += 1
                        waited += wait
                        time.sleep(wait)
                        continue
                raise self._fault(exc, what, waited) from None
            except AnswerTooLarge as exc:
                raise JiraBadAnswer(
                    f"Jira at {self.where} sent more than {_size(exc.limit)} for {what}; pmkb refuses answers "
                    "that large (raise PMKB_JIRA_MAX_BYTES if this Jira really needs it)"
                ) from None
            except Exception as exc:  # noqa: BLE001 (the whole point: no traceback, whatever arrives)
                raise self._failure(exc, what) from None

    def _failure(self, exc: Exception, what: str) -> JiraFault:
        """A non-HTTP failure of one call as a fault (network, deadline, malformed answer)."""
        if self.budget.passed:  # the deadline shut the socket: whatever broke, the cause is the deadline
            return JiraTimeout(
                f"Jira at {self.where} did not finish the sync within its deadline of {self.policy.deadline:g} s "
                f"(on {what}; the answer was too slow): set PMKB_JIRA_DEADLINE to allow longer"
            )
        if isinstance(exc, RecursionError):
            return JiraBadAnswer(f"Jira at {self.where} sent JSON nested too deeply to read for {what}")
        if isinstance(exc, ValueError):  # requests' JSONDecodeError (also an IOError); integers past the digit limit
            return JiraBadAnswer(f"Jira at {self.where} sent malformed JSON (not JSON) for {what}")
        if isinstance(exc, requests.exceptions.Timeout):
            return JiraTimeout(f"Jira at {self.where} did not answer within {self.policy.timeout:g} s (timeout on {what})")
        if isinstance(exc, requests.exceptions.SSLError):
            return JiraUnreachable(f"TLS handshake with {self.where} failed (certificate or protocol error)")
        if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
            return JiraUnreachable(
                f"the connection to Jira at {self.where} broke in the middle of the answer to {what} (truncated answer)"
            )
        if isinstance(exc, requests.exceptions.ConnectionError):
            return JiraUnreachable(self._connection_cause(exc))
        if isinstance(exc, (requests.exceptions.RequestException, OSError)):
            return JiraUnreachable(f"the network failed while talking to Jira at {self.where} ({what})")
        if isinstance(exc, (KeyError, TypeError, AttributeError, IndexError)):
            return JiraBadAnswer(f"Jira at {self.where} sent an unexpected answer for {what}")
        # The type name only: an exception's text may quote the server's answer.
        return JiraBadAnswer(f"Jira at {self.where} could not be read for {what} ({type(exc).__name__})")

    def _fault(self, exc: JIRAError, what: str, waited: float) -> Exception:
        status = exc.status_code
        if status == 400 and what.startswith("search"):
            unknown = [m.group(1) for msg in _messages(exc) if (m := _UNKNOWN_KEY.search(msg))]
            if unknown:
                return _Rejected(unknown)
            return JiraBadAnswer(f"Jira at {self.where} rejected the search (HTTP 400): {self._server_says(exc)}")
        if status == 401:
            who = "JIRA_EMAIL and JIRA_API_TOKEN" if self.credentials.email else "JIRA_PAT"
            return JiraAuthRefused(f"Jira at {self.where} refused the credentials (HTTP 401): check {who}")
        if status == 403:
            return JiraAuthRefused(
                f"Jira at {self.where} denied access (HTTP 403): the account lacks permission, "
                "or Jira wants a CAPTCHA login in the browser first"
            )
        if status in (429, 503):
            asked = _retry_after(exc.response, self.policy.default_wait)
            label = "rate-limited the sync (HTTP 429)" if status == 429 else "is unavailable (HTTP 503)"
            detail = f"asked to wait {asked:g} s more" if asked is not None else "gave no usable Retry-After"
            return JiraRateLimited(
                f"Jira at {self.where} {label} after {waited:g} s of waiting; it {detail} "
                f"(pmkb waits at most {self.policy.max_wait:g} s): try again later"
            )
        if status == 410:
            return JiraBadAnswer(f"Jira at {self.where} answered 410 Gone for {what}: the API was removed")
        if status is not None and status >= 500:
            return JiraServerError(f"Jira at {self.where} had a server error (HTTP {status}) on {what}")
        if status is None:
            return JiraBadAnswer(f"Jira at {self.where} sent an unusable answer for {what}")
        return JiraBadAnswer(f"Jira at {self.where} answered HTTP {status} on {what}: {self._server_says(exc)}")

    def _server_says(self, exc: JIRAError) -> str:
        """Jira's first error message, as one short line without any credential (servers echo headers)."""
        return self.redact(" ".join(_first_message(exc).split()))[:200]

    def _connection_cause(self, exc: BaseException) -> str:
        chain = _exception_chain(exc)
        text = " ".join(str(e) for e in chain)
        host = self.where.split("://", 1)[-1].split("/", 1)[0]
        if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolution" in text:
            return f"cannot resolve Jira's host name {host.split(':')[0]!r} (DNS failure): check JIRA_URL and the network"
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text:
            return f"connection refused by {host}: is Jira running there and is JIRA_URL right?"
        return f"cannot connect to Jira at {self.where} (network error)"


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket), each once."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo += [e for e in linked if isinstance(e, BaseException)]
    return seen


class _Rejected(Exception):
    """A search Jira refused because of unknown keys (internal: retried without them)."""

    def __init__(self, unknown: list[str]):
        super().__init__(", ".join(unknown))
        self.unknown = unknown


def _messages(exc: JIRAError) -> list[str]:
    try:
        data = exc.response.json() if exc.response is not None else {}
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    messages = [str(m) for m in data.get("errorMessages") or []]
    errors = data.get("errors")
    if isinstance(errors, dict):
        messages += [str(v) for v in errors.values()]
    return messages


def _first_message(exc: JIRAError) -> str:
    messages = _messages(exc)
    return messages[0][:2000] if messages else "no message"  # cut after redaction (a cut could split a secret)


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


class _RedactingFilter(logging.Filter):
    """The `jira` library logs server answers (e.g. a body that is not JSON): never with a credential.

    Its records are dropped unless someone turned the `jira` logger up to DEBUG on
    purpose: each fault is already reported in our own one line.
    """

    def __init__(self, forms: tuple[str, ...]):
        super().__init__()
        self.forms = forms

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 (a bad format string must not break the sync)
            message = str(record.msg)
        record.msg, record.args = redact(message, self.forms), ()
        return logging.getLogger("jira").isEnabledFor(logging.DEBUG)


@contextmanager
def redacted_library_logs(forms: tuple[str, ...]) -> Iterator[None]:
    # A logger's filters do not apply to its children's records: each logger gets its own.
    loggers = [logging.getLogger(name) for name in ("jira", "jira.resilientsession", "jira.client")]
    flt = _RedactingFilter(forms)
    for logger in loggers:
        logger.addFilter(flt)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(flt)


def _retry_after(response: requests.Response | None, default: float) -> float | None:
    """Seconds from Retry-After (delta-seconds or HTTP-date); `default` when absent."""
    value = response.headers.get("Retry-After") if response is not None else None
    if value is None:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _issue(raw: Any, where: str, clean: Callable[[str], str]) -> CachedIssue:
    """One issue of a search page; its texts go to the cache and the site, so `clean` (redact) them."""
    try:
        fields = raw["fields"]
        status = fields["status"]
        resolution = fields.get("resolution") or {}
        name = resolution.get("name") if isinstance(resolution, dict) else None
        return CachedIssue(
            key=clean(_text(raw["key"])),
            status=clean(_text(status["name"])),
            category=clean(_text(status["statusCategory"]["key"])),
            duedate=_day(fields.get("duedate")),
            resolution=clean(_text(name)) if name is not None else None,
            resolved=_day(fields.get("resolutiondate")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise JiraBadAnswer(f"Jira at {where} sent an issue without key, status or statusCategory") from None


def _text(value: Any) -> str:
    """A short text field from Jira (a key, a status name): not a list, not a novel."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise TypeError("not text")
    return str(value)[:200]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None
