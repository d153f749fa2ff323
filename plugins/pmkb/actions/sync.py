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
6. The whole sync has a deadline (`PMKB_JIRA_DEADLINE`, default 300 s) and
   each answer a size cap (`PMKB_JIRA_MAX_BYTES`, default 32 MiB), enforced
   by `transport.BoundedAdapter` on the client's session: a server that
   drips bytes or floods cannot hang the sync or fill memory.

Credentials never reach a message: the client's `JIRAError` text includes the
request headers (Authorization!), so it is never printed; we build our own,
and every text that comes from the server (error messages, status names) has
every encoding of every secret removed (`redact.py`) before it is shown or
stored. The `jira` library's own log records get the same treatment.

Modules: `connection` (credentials and limits from the environment), `client`
(the `jira` client: retries, fault translation, redaction), `faults` (the
`JiraFault` tree), this one (batching keys and merging into the cache).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable

from .cache import CachedIssue, JiraCache, merge_sync
from .client import JiraClient, redacted_library_logs
from .connection import JiraCredentials, RetryPolicy
from .faults import JiraBadAnswer
from .transport import Budget

__all__ = ["SyncResult", "fetch_issues", "sync_cache"]


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
    policy = policy or RetryPolicy.from_env()
    budget = Budget(policy.deadline, policy.max_bytes).start()
    try:
        with redacted_library_logs(credentials.secrets):
            client = JiraClient(credentials, policy, budget)
            fetched, unknown = fetch_issues(
                client, ordered, page_size, progress, first_suspect=len(ordered) - len(suspects & set(wanted))
            )
    finally:
        budget.stop()
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
    client: JiraClient,
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
