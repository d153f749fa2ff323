""""Did you mean" suggestions for misspelt names."""

from __future__ import annotations

import difflib
from typing import Iterable

__all__ = ["did_you_mean", "with_suggestion"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, compared case-insensitively, or None when nothing is close."""
    options = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return options[match[0]] if match else None


def with_suggestion(message: str, word: str, candidates: Iterable[str]) -> str:
    hint = did_you_mean(word, candidates)
    return f"{message} (did you mean '{hint}'?)" if hint else message
