"""Where Jira data comes from for one build or command: the cache, or a sync first.

`jira.mode` (mkdocs.yml): `off` = no Jira data at all; `cache` = the cache
file only; `auto` = sync first when JIRA_URL is set, else the cache. A failed
sync never stops a build: the previous cache is used, with a note naming the
cause and the cache's age. A sync holds the cache's lock (`sync_lock`): while
another sync runs, the build skips its own and reads the cache as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..diagnostics import Diagnostic, Level
from .cache import CacheBusy, JiraCache, load_cache, sync_lock, write_cache
from .redact import redact
from .connection import JiraCredentials, RetryPolicy
from .faults import JiraFault
from ..knowledge.base import KnowledgeBase

if TYPE_CHECKING:
    from .sync import SyncResult


__all__ = ["JiraView", "action_item_keys", "cache_path", "jira_view", "redact", "unknown_key_diagnostics"]
# `redact` is re-exported: messages built here and in the CLI pass through it (every encoding of every secret).


@dataclass
class JiraView:
    cache: JiraCache
    path: Path | None = None
    # Sentences for the user (cache set aside, sync failed and why): no file:line of their own.
    notes: list[str] = field(default_factory=list)
    synced: SyncResult | None = None


def cache_path(kb: KnowledgeBase) -> Path:
    return kb.root / kb.settings.jira.cache


def action_item_keys(kb: KnowledgeBase) -> list[str]:
    """Every ticket named by an action item (drafts too: their pages show live status)."""
    return sorted({item.ticket for doc in kb.postmortems for item in doc.meta.action_items if item.ticket})


def jira_view(kb: KnowledgeBase, allow_sync: bool = True, policy: RetryPolicy | None = None) -> JiraView:
    """The Jira data for this run; syncs first only in mode auto with JIRA_URL set (and allow_sync)."""
    mode = kb.settings.jira.mode
    if mode == "off":
        return JiraView(JiraCache())
    path = cache_path(kb)
    if not (allow_sync and mode == "auto" and os.environ.get("JIRA_URL", "").strip()):
        return _cached(path)
    try:
        with sync_lock(path):
            view = _cached(path)
            _sync_into(view, kb, path, policy)
            return view
    except CacheBusy as busy:
        view = _cached(path)
        view.notes.append(f"Jira sync skipped: {busy}; {stale_text(view.cache)}")
        return view
    except OSError as exc:  # the lock file cannot be made (read-only checkout): read the cache as it is
        view = _cached(path)
        view.notes.append(f"Jira sync skipped: cannot lock the Jira cache ({exc.strerror}); {stale_text(view.cache)}")
        return view


def _cached(path: Path) -> JiraView:
    loaded = load_cache(path)
    return JiraView(loaded.cache, path, [loaded.problem] if loaded.problem else [])


def _sync_into(view: JiraView, kb: KnowledgeBase, path: Path, policy: RetryPolicy | None) -> None:
    """Sync from `view.cache`; on success the view holds the new data, on a fault a note and the old data."""
    # Imported here: only a sync needs the jira library and requests (about 50 ms and 15 MB a build).
    from .sync import sync_cache

    secrets: tuple[str, ...] = ()
    try:
        credentials = JiraCredentials.from_env()
        assert credentials is not None
        secrets = credentials.secrets
        result = sync_cache(action_item_keys(kb), credentials, view.cache, kb.settings.jira.page_size, policy)
    except JiraFault as fault:
        view.notes.append(redact(f"Jira sync failed: {fault}; {stale_text(view.cache)}", secrets))
        return
    view.cache, view.synced = result.cache, result
    try:
        write_cache(path, result.cache)
    except OSError as exc:
        view.notes.append(
            f"cannot write the Jira cache {path.name} ({exc.strerror}); using the fetched data for this build only"
        )


def stale_text(cache: JiraCache) -> str:
    if cache.is_empty:
        return "no Jira cache yet, so action items show their front-matter status"
    assert cache.fetched_at is not None
    stamp = cache.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"using the Jira cache fetched {stamp} ({cache.age_text()})"


def unknown_key_diagnostics(kb: KnowledgeBase, unknown: Iterable[str]) -> list[Diagnostic]:
    """One warning per action item whose ticket Jira does not know, at its `ticket:` line."""
    keys = set(unknown)
    if not keys:
        return []
    return [
        Diagnostic(
            doc.rel,
            doc.line_of("action_items", index, "ticket"),
            Level.WARNING,
            "JR001",
            f"ticket {item.ticket} is not known to Jira (or this account cannot see it): "
            "fix the key or remove it; the item uses its front-matter status meanwhile",
        )
        for doc in kb.postmortems
        for index, item in enumerate(doc.meta.action_items)
        if item.ticket in keys
    ]
