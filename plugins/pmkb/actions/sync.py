"""Fetch the Jira issues behind action items, in batches, with the real `jira` client.

Flow of one sync:

1. `JiraCredentials.from_env()`: JIRA_URL plus JIRA_EMAIL + JIRA_API_TOKEN
   (Cloud, basic auth) or JIRA_PAT (Data Center, bearer). Nothing else is read.
2. `JIRA(...)` calls `GET /rest/api/2/serverInfo`; its deploymentType picks
   the search path: Cloud `search/jql` paged by `nextPageToken`, Data Center
   `search` paged by `startAt` (Cloud answers 410 on the old one).
3. Keys go out `page_size` at a time as `key in (...)` asking only for the
   fields we use; every page is followed. The first search also costs one
   `GET /rest/api/2/field` (the client translates field names).
4. One unknown key fails a whole Jira query (HTTP 400 "An issue with key 'X'
   does not exist for field 'key'"): those keys are dropped, the batch retried,
   and the keys reported. Data Center is asked with validateQuery=false and
   names them in warningMessages instead.
5. Any fault becomes one `JiraFault` whose message is one line naming the
   cause. The client's own retries are off (`max_retries=0`): 429 and 503 are
   retried here, honouring Retry-After within a bounded total wait.

Credentials never reach a message: the client's `JIRAError` text includes the
request headers (Authorization!), so it is never printed; we build our own.

Faults (all subclasses of `JiraFault`):

    JiraNotConfigured   JIRA_URL or credentials missing
    JiraUnreachable     connection refused, DNS failure, TLS or other network error
    JiraTimeout         no answer within the timeout
    JiraAuthRefused     401 / 403
    JiraRateLimited     429 (or 503) still after the bounded retries
    JiraServerError     5xx
    JiraBadAnswer       not JSON, unexpected shape, or an unexpected 4xx
"""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable, Mapping, TypeVar

import requests
from jira import JIRA, JIRAError

from .cache import CachedIssue, JiraCache, merge_sync, public_url

__all__ = [
    "FIELDS",
    "JiraAuthRefused",
    "JiraBadAnswer",
    "JiraCredentials",
    "JiraFault",
    "JiraNotConfigured",
    "JiraRateLimited",
    "JiraServerError",
    "JiraTimeout",
    "JiraUnreachable",
    "RetryPolicy",
    "SyncResult",
    "fetch_issues",
    "sync_cache",
]

# Only what the derived facts need.
FIELDS = ("status", "duedate", "resolution", "resolutiondate")

_UNKNOWN_KEY = re.compile(
    r"(?:An issue with key|The issue key|The value) '([A-Z][A-Z0-9]+-\d+)' (?:does not exist|for field 'key' is invalid)"
)

T = TypeVar("T")


class JiraFault(Exception):
    """Jira could not be used; str() is one line naming the cause, never a credential."""


class JiraNotConfigured(JiraFault):
    """JIRA_URL or the credentials are not set."""


class JiraUnreachable(JiraFault):
    """Connection refused, host name not resolvable, or another network failure."""


class JiraTimeout(JiraFault):
    """Jira did not answer in time."""


class JiraAuthRefused(JiraFault):
    """Jira refused the credentials (401) or the access (403)."""


class JiraRateLimited(JiraFault):
    """Jira kept answering 429/503 beyond the bounded wait."""


class JiraServerError(JiraFault):
    """Jira answered 5xx."""


class JiraBadAnswer(JiraFault):
    """Jira's answer was not the JSON we expect."""


@dataclass(frozen=True)
class JiraCredentials:
    url: str
    email: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    pat: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> JiraCredentials | None:
        """None when JIRA_URL is unset; JiraNotConfigured when it is set without credentials."""
        env = os.environ if environ is None else environ
        url = env.get("JIRA_URL", "").strip()
        if not url:
            return None
        email, token, pat = (env.get(k, "").strip() or None for k in ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT"))
        if not (email and token) and not pat:
            raise JiraNotConfigured(
                "JIRA_URL is set but no credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) "
                "or JIRA_PAT (Jira Data Center)"
            )
        if not urlsplit_ok(url):
            raise JiraNotConfigured(f"JIRA_URL={public_url(url)!r} is not an http(s) URL, e.g. https://example.atlassian.net")
        return cls(url=url, email=email, token=token, pat=pat)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.pat) if s)

    @property
    def where(self) -> str:
        return public_url(self.url)


def urlsplit_ok(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) > len("https://")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for Jira. 429/503 honour Retry-After up to `max_wait` seconds in total."""

    timeout: float = 20.0
    max_retries: int = 3
    max_wait: float = 60.0
    default_wait: float = 5.0  # when a 429 has no Retry-After

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """PMKB_JIRA_TIMEOUT and PMKB_JIRA_MAX_WAIT (seconds) override the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for name, attr in (("PMKB_JIRA_TIMEOUT", "timeout"), ("PMKB_JIRA_MAX_WAIT", "max_wait")):
            raw = env.get(name, "").strip()
            if raw:
                try:
                    values[attr] = max(0.01, float(raw))
                except ValueError:
                    raise JiraNotConfigured(f"{name}={raw!r} is not a number of seconds") from None
        return cls(**values)


@dataclass
class SyncResult:
    cache: JiraCache
    issues: int  # issues fetched
    requests: int  # HTTP requests sent (including retries)
    unknown: list[str]
    seconds: float
    deployment: str | None


ProgressFn = Callable[[int], None]  # called with the number of keys just finished


def sync_cache(
    keys: Iterable[str],
    credentials: JiraCredentials,
    previous: JiraCache,
    page_size: int = 100,
    policy: RetryPolicy | None = None,
    progress: ProgressFn | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """Fetch `keys` and merge them into `previous` (nothing is written here: the caller writes).

    Raises a `JiraFault` on any failure; `previous` is then untouched.
    """
    started = time.monotonic()
    wanted = sorted(set(keys))
    # Keys Jira did not know last time go last, in batches of their own: on Cloud
    # each batch holding one costs an extra request, so they should not be spread
    # over the batches of good keys (they are still asked: access may have been granted).
    suspects = previous.unknown
    ordered = [k for k in wanted if k not in suspects] + [k for k in wanted if k in suspects]
    client = _Client(credentials, policy or RetryPolicy.from_env())
    fetched, unknown = fetch_issues(client, ordered, page_size, progress, first_suspect=len(ordered) - len(suspects & set(wanted)))
    cache = merge_sync(
        previous,
        fetched,
        unknown,
        now or datetime.now(timezone.utc),
        credentials.url,
        client.deployment,
    )
    return SyncResult(
        cache=cache,
        issues=len(fetched),
        requests=client.requests,
        unknown=sorted(unknown),
        seconds=time.monotonic() - started,
        deployment=client.deployment,
    )


def fetch_issues(
    client: _Client,
    keys: list[str],
    page_size: int,
    progress: ProgressFn | None = None,
    first_suspect: int | None = None,
) -> tuple[dict[str, CachedIssue], set[str]]:
    """Issues by key, and the keys Jira does not know; batches of `page_size` keys.

    Keys from index `first_suspect` on are batched separately from the others.
    """
    found: dict[str, CachedIssue] = {}
    unknown: set[str] = set()
    split = len(keys) if first_suspect is None else first_suspect
    batches = [keys[i : min(i + page_size, split)] for i in range(0, split, page_size)]
    batches += [keys[i : i + page_size] for i in range(split, len(keys), page_size)]
    for batch in batches:
        remaining = list(batch)
        while remaining:
            issues, named = client.search(remaining, page_size)
            newly = [k for k in named if k in remaining]
            unknown.update(newly)
            if issues is None:  # the whole query was refused: ask again without the named keys
                if not newly:
                    raise JiraBadAnswer(f"Jira at {client.where} rejected the search and named no unknown key")
                remaining = [k for k in remaining if k not in newly]
                continue
            for issue in issues:
                found[issue.key] = issue
            # A key neither returned nor named (e.g. hidden from this account) is unknown too.
            unknown.update(k for k in remaining if k not in found and k not in unknown)
            break
        if progress:
            progress(len(batch))
    return found, unknown


class _Client:
    """The `jira` client plus bounded retries, request counting and fault translation."""

    def __init__(self, credentials: JiraCredentials, policy: RetryPolicy):
        self.credentials = credentials
        self.policy = policy
        self.where = credentials.where
        self.requests = 0
        auth: dict[str, Any] = (
            {"basic_auth": (credentials.email, credentials.token)}
            if credentials.email and credentials.token
            else {"token_auth": credentials.pat}
        )

        def connect() -> JIRA:
            self.requests += 1  # serverInfo, sent by the constructor
            return JIRA(
                server=credentials.url,
                max_retries=0,
                timeout=policy.timeout,
                options={"check_update": False},
                **auth,
            )

        self.jira = self._call(connect, "serverInfo")
        # Count every later request (pages, the field list, retries).
        self.jira._session.hooks["response"].append(self._count)
        self.deployment = self.jira.deploymentType or "Server"

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
            batch = [_issue(raw, self.where) for raw in page["issues"]]
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
        """Run one client call; retry 429/503 within the policy; translate every failure."""
        waited = 0.0
        attempt = 0
        while True:
            try:
                return request()
            except JIRAError as exc:
                status = exc.status_code
                if status in (429, 503) and attempt < self.policy.max_retries:
                    wait = _retry_after(exc.response, self.policy.default_wait)
                    if wait is not None and waited + wait <= self.policy.max_wait:
                        attempt += 1
                        waited += wait
                        time.sleep(wait)
                        continue
                raise self._fault(exc, what, waited) from None
            except requests.exceptions.Timeout:
                raise JiraTimeout(
                    f"Jira at {self.where} did not answer within {self.policy.timeout:g} s (timeout on {what})"
                ) from None
            except requests.exceptions.SSLError:
                raise JiraUnreachable(f"TLS handshake with {self.where} failed (certificate or protocol error)") from None
            except requests.exceptions.ConnectionError as exc:
                raise JiraUnreachable(self._connection_cause(exc)) from None
            except ValueError:  # requests' JSONDecodeError is a ValueError
                raise JiraBadAnswer(f"Jira at {self.where} sent malformed JSON (not JSON) for {what}") from None
            except (KeyError, TypeError, AttributeError):
                raise JiraBadAnswer(f"Jira at {self.where} sent an unexpected answer for {what}") from None

    def _fault(self, exc: JIRAError, what: str, waited: float) -> Exception:
        status = exc.status_code
        if status == 400 and what.startswith("search"):
            unknown = [m.group(1) for msg in _messages(exc) if (m := _UNKNOWN_KEY.search(msg))]
            if unknown:
                return _Rejected(unknown)
            return JiraBadAnswer(f"Jira at {self.where} rejected the search (HTTP 400): {_first_message(exc)}")
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
        return JiraBadAnswer(f"Jira at {self.where} answered HTTP {status} on {what}: {_first_message(exc)}")

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
    except ValueError:
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
    return messages[0][:200] if messages else "no message"


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


def _issue(raw: Any, where: str) -> CachedIssue:
    try:
        fields = raw["fields"]
        status = fields["status"]
        resolution = fields.get("resolution") or {}
        return CachedIssue(
            key=str(raw["key"]),
            status=str(status["name"]),
            category=str(status["statusCategory"]["key"]),
            duedate=_day(fields.get("duedate")),
            resolution=resolution.get("name") if isinstance(resolution, dict) else None,
            resolved=_day(fields.get("resolutiondate")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise JiraBadAnswer(f"Jira at {where} sent an issue without key, status or statusCategory") from None


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None
