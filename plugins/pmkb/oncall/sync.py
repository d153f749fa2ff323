"""`pmkb oncall sync`: fetch PagerDuty incidents into `oncall/pagerduty-YYYY-MM.json`.

PagerDuty REST API v2 `GET /incidents` (checked against PagerDuty's API reference):

- auth header `Authorization: Token token=<PAGERDUTY_TOKEN>` and
  `Accept: application/vnd.pagerduty+json;version=2`;
- classic pagination: `limit` (at most 100), `offset`, and `more` in the answer;
  `offset + limit` may not pass 10,000, so a window with more incidents (asked with
  `total=true`) is split in two until each half fits;
- `since`/`until` span at most 6 months (without them the API answers the last
  30 days only): we ask one calendar month (UTC) at a time, which is also one file.

Why plain `requests` and not the `pagerduty` client (7.x): it now runs on httpx2
(a second HTTP stack beside the `requests` that `jira` already brings), retries 429
without reading Retry-After and without bound by default, and stops at 10,000 with
a warning instead of an error; we need each fault to be one clear, bounded message.

Every month is fetched before any file is written, and each file is replaced
atomically (temporary file + rename): a fault leaves `oncall/` exactly as it was.
The token is never printed, logged or stored; messages are ours, never the server's text.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

import requests

from .load import parse_time

__all__ = [
    "DEFAULT_URL",
    "MAX_OFFSET",
    "PAGE_LIMIT",
    "PagerDutyFault",
    "PagerDutySync",
    "SyncResult",
    "months_between",
    "sync_oncall",
    "write_month",
]

DEFAULT_URL = "https://api.pagerduty.com"
PAGE_LIMIT = 100
MAX_OFFSET = 10_000  # offset + limit may not pass this (classic pagination)
FIELDS_KEPT = ("id", "incident_number", "title", "created_at", "urgency", "status")


class PagerDutyFault(Exception):
    """PagerDuty could not be used; str() is one line naming the cause and the fix, never the token."""


@dataclass(frozen=True)
class PagerDutySync:
    token: str = field(repr=False)
    url: str = DEFAULT_URL
    timeout: float = 30.0
    max_wait: float = 60.0  # total seconds we honour Retry-After before giving up

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PagerDutySync | None:
        """None when PAGERDUTY_TOKEN is not set; PAGERDUTY_URL picks another region or a test server."""
        env = os.environ if environ is None else environ
        token = env.get("PAGERDUTY_TOKEN", "").strip()
        if not token:
            return None
        return cls(token=token, url=(env.get("PAGERDUTY_URL", "").strip() or DEFAULT_URL).rstrip("/"))


@dataclass
class SyncResult:
    months: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # 'YYYY-MM' -> incidents
    requests: int = 0
    seconds: float = 0.0

    @property
    def incidents(self) -> int:
        return sum(len(v) for v in self.months.values())


def months_between(since: date, until: date) -> list[str]:
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_window(month: str) -> tuple[datetime, datetime]:
    year, number = int(month[:4]), int(month[5:])
    start = datetime(year, number, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc) if number == 12 else datetime(year, number + 1, 1, tzinfo=timezone.utc)
    return start, end


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kept(incident: dict[str, Any]) -> dict[str, Any]:
    """The fields pmkb reads, in GET /incidents' own shape (smaller files, nothing private)."""
    kept = {k: incident.get(k) for k in FIELDS_KEPT if k in incident}
    for ref in ("service", "escalation_policy"):
        value = incident.get(ref)
        if isinstance(value, dict):
            kept[ref] = {"summary": value.get("summary")}
    assignments = incident.get("assignments")
    if isinstance(assignments, list):
        kept["assignments"] = [
            {"assignee": {"summary": (a.get("assignee") or {}).get("summary")}} for a in assignments if isinstance(a, dict)
        ]
    return kept


class _Client:
    def __init__(self, config: PagerDutySync, sleep: Callable[[float], None]) -> None:
        self.config = config
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Token token={config.token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        })
        self.requests = 0
        self.waited = 0.0

    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        while True:
            self.requests += 1
            try:
                response = self.session.get(f"{self.config.url}/incidents", params=params, timeout=self.config.timeout)
            except requests.Timeout:
                raise PagerDutyFault(f"PagerDuty did not answer within {self.config.timeout:g} s; try again later") from None
            except requests.RequestException as exc:
                raise PagerDutyFault(f"cannot reach PagerDuty at {self.config.url} ({type(exc).__name__}); "
                                     "check the network or PAGERDUTY_URL") from None
            status = response.status_code
            if status == 429:
                wait = _retry_after(response.headers.get("Retry-After"))
                if self.waited + wait > self.config.max_wait:
                    raise PagerDutyFault(f"PagerDuty's rate limit (429) still applies after waiting {self.waited:g} s; "
                                         "try again later or sync a shorter --since/--until")
                self.waited += wait
                self.sleep(wait)
                continue
            if status in (401, 403):
                raise PagerDutyFault(f"PagerDuty refused the token ({status}): PAGERDUTY_TOKEN must be a REST API key "
                                     "(read-only is enough) of the account, not an Events integration key")
            if status >= 500:
                raise PagerDutyFault(f"PagerDuty answered {status} (a server error); try again later")
            if status != 200:
                raise PagerDutyFault(f"PagerDuty answered {status} to GET /incidents; check PAGERDUTY_URL and the dates")
            try:
                body = response.json()
            except ValueError:
                raise PagerDutyFault("PagerDuty's answer was not JSON; try again later") from None
            if not isinstance(body, dict) or not isinstance(body.get("incidents"), list):
                raise PagerDutyFault("PagerDuty's answer had no \"incidents\" list; check PAGERDUTY_URL")
            return body


def _retry_after(header: str | None) -> float:
    try:
        return max(0.0, float(header)) if header is not None else 1.0
    except ValueError:
        return 1.0


def _fetch_window(client: _Client, since: datetime, until: datetime, into: dict[str, dict[str, Any]]) -> None:
    base = {"since": _stamp(since), "until": _stamp(until), "time_zone": "UTC", "limit": PAGE_LIMIT}
    first = client.get(base | {"offset": 0, "total": "true"})
    total = first.get("total")
    if isinstance(total, int) and total > MAX_OFFSET and until - since > timedelta(seconds=1):
        middle = since + (until - since) / 2
        _fetch_window(client, since, middle, into)
        _fetch_window(client, middle, until, into)
        return
    body, offset = first, 0
    while True:
        for incident in body["incidents"]:
            if isinstance(incident, dict) and incident.get("id"):
                into.setdefault(str(incident["id"]), _kept(incident))
        offset += len(body["incidents"])
        if not body.get("more") or not body["incidents"]:
            return
        # offset + limit may not pass MAX_OFFSET: the last page asks for fewer.
        limit = min(PAGE_LIMIT, MAX_OFFSET - offset)
        if limit <= 0:
            raise PagerDutyFault(f"more than {MAX_OFFSET} incidents between {_stamp(since)} and {_stamp(until)} "
                                 "and PagerDuty did not say how many; sync a shorter --since/--until")
        body = client.get(base | {"offset": offset, "limit": limit})


def _created_within(incident: dict[str, Any], start: datetime, end: datetime) -> bool:
    created = parse_time(str(incident.get("created_at") or ""))
    return created is None or start <= created < end  # an unreadable time is kept: the loader reports it


def sync_oncall(config: PagerDutySync, since: date, until: date, sleep: Callable[[float], None] = time.sleep) -> SyncResult:
    """Every incident created in the months from `since` to `until` (whole UTC months)."""
    started = time.monotonic()
    client = _Client(config, sleep)
    result = SyncResult()
    try:
        for month in months_between(since, until):
            found: dict[str, dict[str, Any]] = {}
            start, end = _month_window(month)
            _fetch_window(client, start, end, found)
            # Only incidents created in the month (since/until match on creation time already; be exact).
            result.months[month] = sorted(
                (i for i in found.values() if _created_within(i, start, end)),
                key=lambda i: (str(i.get("created_at")), str(i.get("id"))),
            )
    finally:
        client.session.close()
    result.requests = client.requests
    result.seconds = time.monotonic() - started
    return result


def write_month(folder: Path, month: str, incidents: list[dict[str, Any]]) -> Path:
    """Replace `pagerduty-YYYY-MM.json` atomically with one GET /incidents-shaped answer."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"pagerduty-{month}.json"
    document = {"incidents": incidents, "limit": len(incidents), "offset": 0, "more": False}
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1, ensure_ascii=False)
            out.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
