"""`pmkb jira sync`: refresh the Jira cache from Jira (Cloud or Data Center).

Prints one summary line (issues, requests, unknown keys, time); a progress
bar on stderr when it is a terminal; each unknown key as `file:line`.
Exit codes: 0 synced, 1 synced but some keys are unknown to Jira or Jira
failed (the previous cache is then left as it was) or another sync is
running (the cache's lock is held), 2 usage (no JIRA_URL, no credentials,
jira.mode off, a bad PMKB_JIRA_* setting).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..actions.cache import CacheBusy, load_cache, sync_lock, write_cache
from ..actions.connection import JiraCredentials, RetryPolicy
from ..actions.faults import JiraFault, JiraNotConfigured
from ..actions.sync import SyncResult, sync_cache
from ..actions.view import action_item_keys, cache_path, redact, unknown_key_diagnostics
from .common import EXIT_OK, EXIT_PROBLEMS, config_option, open_project, usage_error

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(jira)


@click.group()
def jira() -> None:
    """Jira: refresh the cache that builds and `pmkb actions` read."""


@jira.command()
@config_option
def sync(config_file: Path) -> None:
    """Fetch the status and due date of every action item's ticket into the cache.

    Reads JIRA_URL and JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center).

    \b
    Limits (environment, optional):
      PMKB_JIRA_TIMEOUT    seconds to wait for each read (default 20)
      PMKB_JIRA_DEADLINE   seconds for the whole sync (default 300)
      PMKB_JIRA_MAX_BYTES  largest answer accepted, in bytes (default 33554432 = 32 MiB)
      PMKB_JIRA_MAX_WAIT   seconds of Retry-After waiting in total (default 60)
    """
    project = open_project(config_file)
    if project.settings.jira.mode == "off":
        raise usage_error("jira.mode is off in mkdocs.yml: set it to auto or cache to use Jira")
    try:
        credentials = JiraCredentials.from_env()
    except JiraNotConfigured as exc:
        raise usage_error(str(exc)) from None
    if credentials is None:
        raise usage_error(
            "JIRA_URL is not set: export JIRA_URL=https://example.atlassian.net and "
            "JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)"
        )
    try:
        policy = RetryPolicy.from_env()
    except JiraNotConfigured as exc:
        raise usage_error(str(exc)) from None
    kb = project.load()
    keys = action_item_keys(kb)
    path = cache_path(kb)
    try:
        with sync_lock(path):
            result = _sync(keys, credentials, policy, path, project.settings.jira.page_size)
    except CacheBusy as busy:
        click.echo(f"pmkb: Jira sync refused: {busy}; the cache was left as it was", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    except OSError as exc:  # the lock file cannot be made
        click.echo(f"pmkb: cannot lock the Jira cache {path}: {exc.strerror}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None

    for diagnostic in sorted(unknown_key_diagnostics(kb, result.unknown), key=lambda d: (d.file, d.line)):
        click.echo(diagnostic.as_text(), err=True)
    where = path.relative_to(kb.root) if path.is_relative_to(kb.root) else path
    click.echo(
        f"Synced {result.issues} issue(s) from Jira {result.deployment or ''} in {result.requests} request(s), "
        f"{len(result.unknown)} unknown key(s), {result.seconds:.1f} s -> {where}"
    )
    raise click.exceptions.Exit(EXIT_PROBLEMS if result.unknown else EXIT_OK)


def _sync(keys: list[str], credentials: JiraCredentials, policy: RetryPolicy, path: Path, page_size: int) -> SyncResult:
    """Load, sync and write while the caller holds the lock; exits 1 (one line on stderr) on any failure."""
    loaded = load_cache(path)
    if loaded.problem:
        click.echo(f"pmkb: warning: {loaded.problem}", err=True)
    try:
        if sys.stderr.isatty() and keys:
            with click.progressbar(length=len(keys), label="Syncing Jira", file=sys.stderr) as bar:
                result = sync_cache(keys, credentials, loaded.cache, page_size, policy, progress=bar.update)
        else:
            result = sync_cache(keys, credentials, loaded.cache, page_size, policy)
    except JiraFault as fault:
        click.echo(redact(f"pmkb: Jira sync failed: {fault}; the cache was left as it was", credentials.secrets), err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    try:
        write_cache(path, result.cache)
    except OSError as exc:
        click.echo(f"pmkb: cannot write the Jira cache {path}: {exc.strerror}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    return result
