"""Every form in which a Jira credential can come back to us, and their removal from text.

A server (or a proxy in front of it) may echo what it received: the
`Authorization` header (`Basic base64(email:token)` or `Bearer <pat>`), the
decoded password, or a URL-encoded copy in a link. Replacing only the raw
token misses all but the first, so each secret is expanded into its known
encodings and every one is replaced, longest first.
"""

from __future__ import annotations

import base64
import json
from typing import Iterable
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "redact", "secret_forms"]

MASK = "***"


def secret_forms(email: str | None, secrets: Iterable[str | None]) -> tuple[str, ...]:
    """Every form of each secret a server may send back, longest first.

    The secret and `email:secret`, raw and base64 (standard and URL-safe, with
    and without padding); each of those also percent-encoded (`%20` or `+` for
    spaces, upper- or lower-case hex) and JSON-escaped.
    """
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        base = {secret}
        for text in [secret, f"{email}:{secret}"] if email else [secret]:
            raw = text.encode("utf-8")
            for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
                base |= {encoded.decode("ascii"), encoded.decode("ascii").rstrip("=")}
        for form in base:
            forms |= {form, json.dumps(form)[1:-1]}
            for quoted in (quote(form, safe=""), quote_plus(form, safe="")):
                forms |= {quoted, _lower_hex(quoted)}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def redact(text: str, forms: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ***."""
    for form in forms:
        if form and form in text:
            text = text.replace(form, MASK)
    return text


def _lower_hex(text: str) -> str:
    parts = text.split("%")
    return parts[0] + "".join("%" + p[:2].lower() + p[2:] for p in parts[1:])
