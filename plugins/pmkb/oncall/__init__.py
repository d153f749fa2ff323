"""On-call load (SPEC "On-call load"): pager data under `oncall/`, its facts, and the PagerDuty sync.

- `load`: read `oncall/*.json` (PagerDuty `GET /incidents` answers) and `oncall/*.csv`.
- `facts`: pages, rotations, on-call weeks, pages per on-call week, out-of-hours share,
  which pages belong to which postmortem, noisy alerts; `month_figures` for reviews.
- `sync`: `pmkb oncall sync` (PagerDuty REST API v2 with plain `requests`).

`oncall_for(kb)` is the one entry point pages, `pmkb stats` and `pmkb oncall` use.
"""

from __future__ import annotations

from datetime import date

from ..knowledge import KnowledgeBase
from .facts import MonthOncall, OncallFacts, compute_oncall, month_figures
from .load import load_pager_dir
from .models import PagerLoad, PagerRecord

__all__ = ["MonthOncall", "OncallFacts", "PagerLoad", "PagerRecord", "month_figures", "oncall_for"]


def oncall_for(kb: KnowledgeBase, since: date | None = None, until: date | None = None) -> tuple[OncallFacts, PagerLoad]:
    """The knowledge base's pager data and its facts (pages belong to the loaded postmortems)."""
    load = load_pager_dir(kb.root, kb.settings.oncall_dir)
    facts = compute_oncall(load, kb.postmortems, kb.settings.oncall, since, until)
    return facts, load
