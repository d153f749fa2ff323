"""Action items tracked against Jira: derived facts, the Jira cache, and the sync.

    facts.py  SPEC's derived facts (done, due, overdue, drift, slip, not-doing)
    cache.py  the cache file: atomic writes, history across syncs, bad files set aside
    sync.py   batch JQL through the `jira` client (Cloud and Data Center), faults
    view.py   the one place that decides where a command or build gets Jira data
"""
