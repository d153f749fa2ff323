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
sync or a crash never leaves half a file; a temp file left by a killed sync is
never read and is removed by the next write. The rewritten file keeps the mode
the old one had (a new one gets the umask's default). A file that is not valid
JSON, not ours, or ours but damaged (wrong types, nesting too deep, numbers
past Python's digit limit, a server URL that is not http(s)) is renamed aside
(never deleted) and reported in one line; the build goes on without it.

A sync holds `sync_lock` (an `fcntl.flock` on `<cache>.lock` beside the cache)
from reading the cache to writing the new one: a second sync at the same time
is refused with a clear message instead of the last writer silently winning.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlsplit, urlunsplit

try:
    import fcntl
except ImportError:  # Windows: no flock; syncs are then not serialised
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CACHE_FORMAT",
    "CachedIssue",
    "CacheBusy",
    "CacheLoad",
    "HistoryEntry",
    "JiraCache",
    "load_cache",
    "merge_sync",
    "public_url",
    "sync_lock",
    "write_cache",
]

CACHE_FORMAT = "pmkb-jira-cache"
_KEY = re.compile(r"[A-Z][A-Z0-9]{0,20}-\d{1,12}")
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


class CacheBusy(Exception):
    """Another sync holds the cache's lock; str() says so in one sentence."""


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
    except RecursionError:
        why = "is damaged (JSON nested too deeply)"
    except _Foreign as exc:
        why = str(exc)
    except ValueError:  # json.loads: an integer past Python's 4300-digit limit
        why = "is damaged (a number too long to read)"
    try:
        aside = _set_aside(path)
    except OSError as exc:
        return CacheLoad(
            JiraCache(),
            f"{path.name} {why}; it could not be moved aside ({exc.strerror}) and is not used. "
            "Delete it, then run `pmkb jira sync`",
        )
    return CacheLoad(
        JiraCache(),
        f"{path.name} {why}; it was moved to {aside.name} (not deleted) and is not used. "
        "Run `pmkb jira sync` to make a fresh cache",
    )


def write_cache(path: Path, cache: JiraCache) -> None:
    """Write atomically: readers see the old file or the new one, never half of one.

    Call it holding `sync_lock(path)`: temp files of earlier, killed writers are
    removed here, which is only safe when no other writer is running.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(cache.to_json(), indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    _remove_stale_temps(path)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = path.with_name(f"{_temp_prefix(path)}{secrets.token_hex(6)}.tmp")
    # 0o666 goes through the umask, like any new file; an existing cache's own mode is restored below.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temps(path: Path) -> None:
    """Temp files a killed sync left (e.g. 0 bytes after kill -9): never the cache, so removed."""
    prefix = _temp_prefix(path)
    for leftover in path.parent.glob(f"{prefix}*.tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass  # not ours to fight over: it is never read anyway


@contextmanager
def sync_lock(path: Path) -> Iterator[None]:
    """Hold the lock beside the cache for a whole sync; `CacheBusy` when another sync holds it.

    flock is released by the kernel when its holder dies (even by kill -9), so a
    crashed sync never leaves the cache locked; the lock file itself is left in place.
    """
    if fcntl is None:
        yield
        return
    lock = path.with_name(path.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(fd)
            raise CacheBusy(
                f"another `pmkb jira sync`{holder} is updating {path.name} right now (it holds {lock.name}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the flock


def _lock_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""


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
    """The cache from its JSON, every field checked: a file that parses is still not trusted."""
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        raise _Foreign("is not a pmkb Jira cache (no \"format\": \"pmkb-jira-cache\")")
    if type(data.get("version")) is not int or data.get("version") != CACHE_VERSION:  # True == 1 in Python
        version = data.get("version")
        shown = repr(version)[:20] if isinstance(version, (int, str)) and not isinstance(version, bool) else "?"
        raise _Foreign(f"has cache version {shown}; this pmkb reads version {CACHE_VERSION}")
    try:
        server = _mapping(data.get("server") or {}, "server")
        issues = {}
        for key, raw in _mapping(data.get("issues") or {}, "issues").items():
            # A field path for the notice, never the file's content (it could be anything, e.g. newlines).
            where = f"issues.{key}" if _KEY.fullmatch(key) else "an issue key"
            raw = _mapping(raw, where)
            history = raw.get("history") or []
            if not isinstance(history, list):
                raise _Damaged(f"{where}.history is not a list")
            issues[key] = CachedIssue(
                key=key,
                status=_text(raw.get("status"), f"{where}.status"),
                category=_text(raw.get("category"), f"{where}.category"),
                duedate=_day(raw.get("duedate"), f"{where}.duedate"),
                resolution=_text_or_none(raw.get("resolution"), f"{where}.resolution"),
                resolved=_day(raw.get("resolved"), f"{where}.resolved"),
                history=tuple(
                    HistoryEntry(
                        seen=_moment(_mapping(h, f"{where}.history").get("seen"), f"{where}.history.seen"),
                        duedate=_day(h.get("duedate"), f"{where}.history.duedate"),
                        status=_text(h.get("status"), f"{where}.history.status"),
                        category=_text(h.get("category"), f"{where}.history.category"),
                    )
                    for h in history
                ),
            )
        unknown = data.get("unknown") or []
        if not isinstance(unknown, list):
            raise _Damaged("unknown is not a list")
        url = _text_or_none(server.get("url"), "server.url")
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise _Damaged("server.url is not an http(s) URL")  # it becomes the ticket links on the site
        fetched = data.get("fetched_at")
        return JiraCache(
            fetched_at=_moment(fetched, "fetched_at") if fetched else None,
            server_url=url,
            deployment=_text_or_none(server.get("deployment"), "server.deployment"),
            issues=issues,
            unknown=frozenset(_text(k, "unknown") for k in unknown),
        )
    except _Damaged as exc:
        raise _Foreign(f"is damaged ({exc})") from None


class _Damaged(ValueError):
    """Where in the file the damage is (a field path; never the field's content)."""


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Damaged(f"{where} is not an object")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Damaged(f"{where} is not text")
    return value


def _text_or_none(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


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


def _day(value: Any, where: str = "date") -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(_text(value, where)[:10])
    except ValueError:
        raise _Damaged(f"{where} is not a date") from None


def _moment(value: Any, where: str = "time") -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, where).replace("Z", "+00:00"))
    except ValueError:
        raise _Damaged(f"{where} is not a time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
