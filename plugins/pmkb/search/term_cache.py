"""Analysed term counts kept between builds (`.pmkb/check/terms.pack`): one edit re-analyses one postmortem.

The site's search index needs every document's term frequencies (whoosh's
tokenizer, stop words and Porter stemmer over the title, key and body fields),
and the similar-incidents model every postmortem's weighted stems; analysing a
few thousand texts is most of their cost. Each result is stored under a key of
the text itself and of what analyses it (the bytes of ranking.py, text.py and
similar.py, which hold the analysers, and whoosh's version), in a checksummed
pack written atomically (`pmkb.knowledge.cache`): a changed text, analyser or
whoosh release is a new key, so the counts are never stale, and a damaged pack
is reported in one line and rebuilt.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Mapping

from ..knowledge.cache import CachePack, digest
from .ranking import FIELDS, FieldCounts, terms_of
from .similar import Profile, own_profile
from .text import SearchText

__all__ = ["TermCountCache", "whoosh_version"]


def whoosh_version() -> str:
    for name in ("whoosh3", "whoosh-reloaded", "Whoosh"):
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            continue
    return "whoosh unknown"


class TermCountCache:
    """`field_counts` through the pack; read when made, written by `save`."""

    def __init__(self, root: Path):
        self._pack = CachePack(root, "terms", ())
        package = resources.files("pmkb").joinpath("search")
        # The analysers: the index's (ranking.py) and the similarity model's (text.py, similar.py).
        analysers = [package.joinpath(name).read_bytes() for name in ("ranking.py", "text.py", "similar.py")]
        self._salt = digest(whoosh_version(), *analysers)

    def field_counts(self, values: Mapping[str, str]) -> FieldCounts:
        """Term frequencies of the three scored fields of one document, as `ranking.field_counts` gives them."""
        title, key, body = (self._counts(values[name]) for name in FIELDS)
        return title, key, body

    def _counts(self, text: str) -> Counter:
        key = digest(self._salt, text)
        stored = self._pack.get(key)
        if isinstance(stored, dict):
            return Counter(stored)
        counts = terms_of(text)
        self._pack.put(key, dict(counts))  # a plain dict: the pack's unpickler builds no Counter
        return counts

    def profile(self, st: SearchText) -> Profile:
        """`similar.own_profile(st)`, as an earlier build computed it when its text was the same."""
        key = digest(self._salt, "profile", st.title, st.symptoms, st.summary, st.root_cause, *st.tags)
        stored = self._pack.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and all(isinstance(part, dict) for part in stored):
            return Counter(stored[0]), stored[1]
        counted, words = own_profile(st)
        self._pack.put(key, (dict(counted), words))
        return counted, words

    def save(self) -> None:
        self._pack.save()
