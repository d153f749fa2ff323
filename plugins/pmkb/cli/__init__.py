"""The `pmkb` command line: thin click wrappers over the plain modules.

Exit codes (SPEC "Command line"): 0 success, 1 problems found, 2 usage errors.
Each command lives in its own module (`check.py` is `pmkb check`), imported only
when it runs (`common.CommandsOnDemand`).
"""

from __future__ import annotations

from .common import main

__all__ = ["main"]
