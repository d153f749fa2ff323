"""Blameless findings through the check cache (`.pmkb/check/blameless.pack`, see `pmkb.knowledge.cache`).

A body's findings depend only on the body, the file line it starts at, the
names masked in it and the rule set, so those (with pmkb's code, which holds the
shipped rules) are the key. The file's path is not: the caller adds it to each
warning, so a moved or copied postmortem reuses the entry.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Level
from ..knowledge.cache import CachePack, code_version, digest
from .linter import Finding
from .settings import BlamelessSettings

__all__ = ["FindingsCache"]


class FindingsCache:
    def __init__(self, root: Path, settings: BlamelessSettings):
        self.salt = digest(code_version(), settings.model_dump_json())
        self.pack = CachePack(root, "blameless", (Finding, Level))

    def _key(self, body: str, start: int, names: frozenset[str]) -> str:
        return digest(self.salt, body, str(start), "\n".join(sorted(names)))

    def get(self, body: str, start: int, names: frozenset[str]) -> list[Finding] | None:
        found = self.pack.get(self._key(body, start, names))
        if isinstance(found, tuple) and all(isinstance(f, Finding) for f in found):
            return list(found)
        return None

    def put(self, body: str, start: int, names: frozenset[str], findings: list[Finding]) -> None:
        self.pack.put(self._key(body, start, names), tuple(findings))

    def save(self) -> None:
        self.pack.save()
