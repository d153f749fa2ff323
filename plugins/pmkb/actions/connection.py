"""How pmkb reaches Jira, from the environment only: the credentials, and the limits of one sync."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from .cache import public_url
from .faults import JiraNotConfigured
from .redact import secret_forms

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_MAX_BYTES", "JiraCredentials", "RetryPolicy", "urlsplit_ok"]


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
        """Every encoding of the token and PAT that may come back (raw, base64 of email:token, ...)."""
        return secret_forms(self.email, (self.token, self.pat))

    @property
    def where(self) -> str:
        return public_url(self.url)


def urlsplit_ok(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) > len("https://")


DEFAULT_DEADLINE = 300.0  # seconds for a whole sync: 5,000 keys take ~50 requests
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # per answer: a 100-issue page is ~100 KB, a big field list a few MB


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for Jira, and how much to accept from it.

    `timeout` bounds each socket read; `deadline` the whole sync (a server that
    drips bytes never trips `timeout`); `max_bytes` each answer. 429/503 honour
    Retry-After up to `max_wait` seconds in total (and never past the deadline).
    """

    timeout: float = 20.0
    max_retries: int = 3
    max_wait: float = 60.0
    default_wait: float = 5.0  # when a 429 has no Retry-After
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """PMKB_JIRA_TIMEOUT, PMKB_JIRA_MAX_WAIT, PMKB_JIRA_DEADLINE (seconds) and
        PMKB_JIRA_MAX_BYTES (bytes per answer) override the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, attr in (
            ("PMKB_JIRA_TIMEOUT", "timeout"),
            ("PMKB_JIRA_MAX_WAIT", "max_wait"),
            ("PMKB_JIRA_DEADLINE", "deadline"),
        ):
            raw = env.get(name, "").strip()
            if raw:
                try:
                    values[attr] = max(0.01, float(raw))
                except ValueError:
                    raise JiraNotConfigured(f"{name}={raw[:40]!r} is not a number of seconds") from None
        raw = env.get("PMKB_JIRA_MAX_BYTES", "").strip()
        if raw:
            if not raw.isdigit() or int(raw) < 1024:
                raise JiraNotConfigured(f"PMKB_JIRA_MAX_BYTES={raw[:40]!r} is not a number of bytes (at least 1024)")
            values["max_bytes"] = int(raw)
        return cls(**values)
