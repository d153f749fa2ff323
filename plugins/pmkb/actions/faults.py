"""The faults of a Jira sync: one base class, each subclass's docstring says when.

    JiraFault
      JiraNotConfigured   JIRA_URL or credentials missing, or a PMKB_JIRA_* limit unreadable
      JiraUnreachable     connection refused, DNS failure, TLS or other network error
      JiraTimeout         no answer within the timeout
      JiraAuthRefused     401 / 403
      JiraRateLimited     429 (or 503) still after the bounded retries
      JiraServerError     5xx
      JiraBadAnswer       not JSON, unexpected shape, or an unexpected 4xx

str() of each is one line naming the cause, never a credential.
"""

from __future__ import annotations

__all__ = [
    "JiraAuthRefused",
    "JiraBadAnswer",
    "JiraFault",
    "JiraNotConfigured",
    "JiraRateLimited",
    "JiraServerError",
    "JiraTimeout",
    "JiraUnreachable",
]


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
