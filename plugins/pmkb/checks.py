"""Checks that run over the whole loaded knowledge base, after loading.

Each is a function `(kb) -> iterable of Diagnostic`; `KnowledgeBase.load`
runs them all, so `pmkb check` and the MkDocs build report the same problems.
A new check adds one line to `KB_CHECKS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from .diagnostics import Diagnostic
from .lint.check import blameless_check

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase

__all__ = ["KB_CHECKS"]

KB_CHECKS: list[Callable[["KnowledgeBase"], Iterable[Diagnostic]]] = []
KB_CHECKS.append(blameless_check)  # blameless language (BL), issue 7
