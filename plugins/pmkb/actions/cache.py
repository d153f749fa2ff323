"""The Jira cache file: what the last `pmkb jira sync` saw, plus history across syncs.

Builds read this file instead of calling Jira, so they are fast, offline and
reproducible. Shape (JSON, one file, default `.pmkb/jira-cache.json`):

    {"format": "pmkb-jira-cache", "version": 1,
     "fetched_at": "2026-11-27T06:00:00Z",
     "server": {"url": "https://example.atlassian.net", "deployment": "Cloud"},
     "unknown": ["OPS-999"],
     "issues": {"PAY-123": {"status": "In Progress", "category": "indeterminate",
                            "duedate": "2026-04-01", "resolution": null, "resolved": null,
                            "history": [{"seen": "...", "duedate": "...", "status": "...",
                                         "category": "..."}]}}}

`history` gets a new entry only when the due date or the status changed since
the previous sync, so slips (a due date moved later) can be counted later.
The file never holds credentials: only the server's URL without user info.

Writes are atomic (temp file in the same folder, fsync, rename), so a failed
sync or a crash never leaves half a file. A file that is not valid JSON or not
ours is renamed aside (never deleted) and reported; the build goes on without it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = [
    "CACHE_FORMAT",
    "CachedIssue",
    "CacheLoad",
    "HistoryEntry",
    "JiraCache",
    "load_cache",
    "merge_sync",
    "public_url",
    "write_cache",
]

CACHE_FORMAT = "pmkb-jira-cache"
CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    seen: datetime  # the sync that first saw this due date and status
    duedate: date | None
    status: str
    category: str


@dataclass(frozen=True, slots=True)
class CachedIssue:
    key: str
    status: str  # Jira's status name, e.g. "In Progress"
    category: str  # statusCategory key: new | indeterminate | done
    duedate: date | None
    resolution: str | None  # e.g. "Done", "Won't Do"
    resolved: date | None  # resolutiondate (the day the work was completed)
    history: tuple[HistoryEntry, ...] = ()

    def slips(self) -> list[int]:
        """Days by which the due date moved later, one number per move (SPEC "Slip")."""
        moves: list[int] = []
        previous: date | None = None
        for entry in self.history:
            if entry.duedate is not None:
                if previous is not None and entry.duedate > previous:
                    moves.append((entry.duedate - previous).days)
                previous = entry.duedate
        return moves


@dataclass(slots=True)
class JiraCache:
    fetched_at: datetime | None = None
    server_url: str | None = None
    deployment: str | None = None
    issues: dict[str, CachedIssue] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return self.fetched_at is None

    @property
    def link_url(self) -> str | None:
        """The server URL when it is safe as a link: the cache is a file anyone can edit (no `javascript:`)."""
        if self.server_url and urlsplit(self.server_url).scheme.lower() in ("http", "https"):
            return self.server_url
        return None

    def browse_url(self, key: str) -> str | None:
        return f"{self.link_url.rstrip('/')}/browse/{quote(key)}" if self.link_url else None

    def age_text(self, now: datetime | None = None) -> str:
        """'3 h old', '2 days old': how stale the data is, for warnings."""
        if self.fetched_at is None:
            return "no cache"
        seconds = max(0, int(((now or datetime.now(timezone.utc)) - self.fetched_at).total_seconds()))
        if seconds < 3600:
            return f"{seconds // 60} min old"
        if seconds < 2 * 86400:
            return f"{seconds // 3600} h old"
        return f"{seconds // 86400} days old"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "version": CACHE_VERSION,
            "fetched_at": _iso(self.fetched_at),
            "server": {"url": self.server_url, "deployment": self.deployment},
            "unknown": sorted(self.unknown),
            "issues": {key: _issue_json(issue) for key, issue in sorted(self.issues.items())},
        }


@dataclass(frozen=True, slots=True)
class CacheLoad:
    cache: JiraCache
    # One sentence when the file was unusable and set aside (None when fine or absent).
    problem: str | None = None


class _Foreign(ValueError):
    """The JSON is valid but not a pmkb Jira cache of a version we read."""


def load_cache(path: Path) -> CacheLoad:
    """Read the cache; an absent file is an empty cache, a bad one is renamed aside and reported."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return CacheLoad(JiraCache())
    except OSError as exc:
        return CacheLoad(JiraCache(), f"{path.name}: cannot be read ({exc.strerror}); using no Jira data")
    try:
        return CacheLoad(_parse(json.loads(raw.decode("utf-8"))))
    except (UnicodeDecodeError, json.JSONDecodeError):
        why = "is not valid JSON"
    except _Foreign as exc:
        why = str(exc)
    aside = _set_aside(path)
    return CacheLoad(
        JiraCache(),
        f"{path.name} {why}; it was moved to {aside.name} (not deleted) and is not used. "
        "Run `pmkb jira sync` to make a fresh cache",
    )


def write_cache(path: Path, cache: JiraCache) -> None:
    """Write atomically: readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(cache.to_json(), indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def merge_sync(
    previous: JiraCache,
    fetched: dict[str, CachedIssue],
    unknown: set[str],
    now: datetime,
    server_url: str,
    deployment: str | None,
) -> JiraCache:
    """The new cache after a sync: fresh fields, history extended when due date or status changed.

    Issues not asked for this time keep their last known data (a postmortem
    may be back next week; its history must not be lost).
    """
    issues = dict(previous.issues)
    for key, issue in fetched.items():
        old = previous.issues.get(key)
        history = list(old.history) if old else []
        entry = HistoryEntry(seen=now, duedate=issue.duedate, status=issue.status, category=issue.category)
        last = history[-1] if history else None
        if last is None or (last.duedate, last.status, last.category) != (entry.duedate, entry.status, entry.category):
            history.append(entry)
        issues[key] = CachedIssue(
            key=key,
            status=issue.status,
            category=issue.category,
            duedate=issue.duedate,
            resolution=issue.resolution,
            resolved=issue.resolved,
            history=tuple(history),
        )
    for key in unknown:
        issues.pop(key, None)  # Jira no longer knows it: its old data must not pass for live data
    return JiraCache(
        fetched_at=now,
        server_url=public_url(server_url),
        deployment=deployment,
        issues=issues,
        unknown=frozenset(unknown),
    )


def public_url(url: str) -> str:
    """The server URL without user info, query or fragment (it is shown on pages and stored)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


# -- (de)serialisation ----------------------------------------------------------


def _parse(data: Any) -> JiraCache:
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        raise _Foreign("is not a pmkb Jira cache (no \"format\": \"pmkb-jira-cache\")")
    if data.get("version") != CACHE_VERSION:
        raise _Foreign(f"has cache version {data.get('version')!r}; this pmkb reads version {CACHE_VERSION}")
    try:
        server = data.get("server") or {}
        issues = {}
        for key, raw in (data.get("issues") or {}).items():
            issues[str(key)] = CachedIssue(
                key=str(key),
                status=str(raw["status"]),
                category=str(raw["category"]),
                duedate=_day(raw.get("duedate")),
                resolution=raw.get("resolution"),
                resolved=_day(raw.get("resolved")),
                history=tuple(
                    HistoryEntry(
                        seen=_moment(h["seen"]),
                        duedate=_day(h.get("duedate")),
                        status=str(h["status"]),
                        category=str(h["category"]),
                    )
                    for h in raw.get("history") or []
                ),
            )
        return JiraCache(
            fetched_at=_moment(data["fetched_at"]) if data.get("fetched_at") else None,
            server_url=server.get("url"),
            deployment=server.get("deployment"),
            issues=issues,
            unknown=frozenset(str(k) for k in data.get("unknown") or []),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _Foreign(f"is damaged ({type(exc).__name__}: {exc})") from None


def _set_aside(path: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    os.replace(path, aside)
    return aside


def _issue_json(issue: CachedIssue) -> dict[str, Any]:
    return {
        "status": issue.status,
        "category": issue.category,
        "duedate": _iso_day(issue.duedate),
        "resolution": issue.resolution,
        "resolved": _iso_day(issue.resolved),
        "history": [
            {"seen": _iso(h.seen), "duedate": _iso_day(h.duedate), "status": h.status, "category": h.category}
            for h in issue.history
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
