"""On-call load (SPEC "On-call load"): pager data under `oncall/`, its facts, and the PagerDuty sync.

- `load`: read `oncall/*.json` (PagerDuty `GET /incidents` answers) and `oncall/*.csv`.
- `facts`: pages, rotations, on-call weeks, pages per on-call week, out-of-hours share,
  which pages belong to which postmortem, noisy alerts; `month_figures` for reviews.
- `sync`: `pmkb oncall sync` (PagerDuty REST API v2 with plain `requests`).

`facts.oncall_for(kb)` is the one entry point pages, `pmkb stats` and `pmkb oncall` use.
"""
