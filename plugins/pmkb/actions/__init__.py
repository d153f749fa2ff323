"""Action items tracked against Jira: derived facts, the Jira cache, and the sync.

    facts.py  SPEC's derived facts (done, due, overdue, drift, slip, not-doing)
    cache.py  the cache file: atomic writes, lock, history across syncs, bad files set aside
    sync.py   one sync: keys in batches, merged into the cache
    client.py the `jira` client (Cloud and Data Center): bounded retries, fault translation
    connection.py  credentials and limits, from the environment
    faults.py the JiraFault tree
    transport.py  the sync's deadline and answer-size cap, on the client's HTTP session
    redact.py every encoding of a credential, removed from whatever we print or store
    view.py   the one place that decides where a command or build gets Jira data
"""
