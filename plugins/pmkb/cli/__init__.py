"""The `pmkb` command line: thin click wrappers over the plain modules.

Exit codes (SPEC "Command line"): 0 success, 1 problems found, 2 usage errors.
Each command lives in its own module and registers itself on `main`.
"""

from __future__ import annotations

from . import check, new, schema, actions, jira, stats, search, similar, review, timeline, oncall, lint_rules
from .common import main

__all__ = ["main"]

for module in (check, new, schema, actions, jira, stats, search, similar, review, timeline, oncall, lint_rules):
    module.register(main)
