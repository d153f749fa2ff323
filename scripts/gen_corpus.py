#!/usr/bin/env python3
"""Write a synthetic, valid knowledge base of N postmortems and N/20 runbooks.

    scripts/gen_corpus.py N OUT [--seed S]

Postmortems are about 1,000 words each, spread over several years (about 1,000
a year), across N/100 incident types (at least 12), each with the required
sections and 1-4 action items within the follow-up SLA. The output is a
complete MkDocs project (mkdocs.yml, incident-types.yml, docs/) that
`pmkb check` passes, for benchmarks.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

SERVICES = [
    "checkout", "orders-db", "payments-api", "payment-gateway-adapter", "catalog-api", "catalog-cache",
    "search-indexer", "search-api", "order-events-queue", "notifications-worker", "api-gateway", "shipping-rates",
    "storefront-web", "identity", "inventory", "pricing", "recommendations", "fraud-scoring",
]
TEAMS = ["payments", "checkout", "platform", "data", "catalog", "search", "edge", "notifications", "storefront"]
PEOPLE = [
    "Dana Ortiz", "Sam Lee", "Priya Raman", "Marcus Chen", "Aisha Bello", "Tomas Herrera", "Ingrid Nilsson",
    "Kenji Watanabe", "Ruth Okafor", "Leo Fischer", "Mei Tanaka", "Omar Haddad", "Zoe Martin", "Arjun Patel",
]
TYPE_STEMS = [
    "db-connection-pool-exhaustion", "payment-gateway-timeout", "cache-invalidation-stale-data", "certificate-expiry",
    "bad-config-deploy", "queue-consumer-lag", "dns-resolution-failure", "disk-full", "third-party-rate-limit",
    "search-index-lag", "memory-leak-oom", "replication-lag", "deadlock-contention", "cron-job-overlap",
    "load-balancer-misroute", "feature-flag-regression",
]
VOCABULARY = (
    "connection pool exhausted timeout latency p99 error rate checkout request retry backoff circuit breaker "
    "replica primary failover deploy rollback canary config flag cache invalidation stale ttl key eviction "
    "queue consumer lag partition offset broker throughput certificate expiry renewal dns resolver nxdomain "
    "disk volume inode log rotation alert dashboard paging runbook mitigation saturation threads "
    "heap garbage collection memory leak oom kill pod node autoscaler replicas load balancer health check "
    "upstream downstream dependency rate limit quota 429 503 504 gateway migration index lock contention "
    "deadlock transaction isolation batch job cron schedule overlap throttling customer impact orders "
    "payments refunds inventory pricing search results listings sellers buyers notifications email"
).split()
TAG_WORDS = [w for w in VOCABULARY if not w.isdigit()]
SECTIONS = ["Summary", "Impact", "Timeline", "Root cause and contributing factors", "What went well",
            "What could be improved", "Lessons learned"]
RUNBOOK_SECTIONS = ["Symptoms", "Immediate Mitigation", "Root Cause Investigation", "Prevention Checklist"]
SLA_DAYS = {"SEV1": 15, "SEV2": 30, "SEV3": 60, "SEV4": 90}

MKDOCS_YML = """\
site_name: Synthetic KB ({n} postmortems)
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
plugins:
  - search
  - tags
  - pmkb
nav:
  - Home: index.md
  - Postmortems: postmortems/index.md
  - Runbooks: runbooks/index.md
"""


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, total = [], 0
    while total < words:
        n = rng.randint(8, 20)
        out.append(sentence(rng, n))
        total += n
    return " ".join(out)


def incident_types(n: int) -> list[str]:
    count = max(12, n // 100)
    return [f"{TYPE_STEMS[i % len(TYPE_STEMS)]}" + (f"-{i // len(TYPE_STEMS)}" if i >= len(TYPE_STEMS) else "")
            for i in range(count)]


def postmortem(rng: random.Random, pm_id: str, started: datetime, types: list[str], runbook_of: dict[str, str],
               ticket: int) -> tuple[str, int]:
    severity = rng.choices(list(SLA_DAYS), weights=[1, 4, 4, 1])[0]
    incident_type = rng.choice(types)
    detected = started + timedelta(minutes=rng.randint(1, 30))
    mitigated = detected + timedelta(minutes=rng.randint(5, 60))
    resolved = mitigated + timedelta(minutes=rng.randint(5, 120))
    people = rng.sample(PEOPLE, 3)
    items = []
    for _ in range(rng.randint(1, 4)):
        ticket += 1
        due = started.date() + timedelta(days=rng.randint(3, SLA_DAYS[severity]))
        items.append(
            f"  - summary: {sentence(rng, 6)[:-1]}\n    owner: {rng.choice(people)}\n    due: {due}\n"
            f"    ticket: OPS-{ticket}\n    kind: {rng.choice(['prevent', 'mitigate', 'detect', 'process'])}\n"
            f"    status: {rng.choice(['open', 'done', 'done', 'not-doing'])}\n"
        )
    runbooks = f"runbooks: [{runbook_of[incident_type]}]\n" if incident_type in runbook_of else ""
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    front = (
        f"---\nid: {pm_id}\ntitle: {sentence(rng, 7)[:-1]}\nstatus: published\nseverity: {severity}\n"
        f"incident_type: {incident_type}\nservices: [{', '.join(rng.sample(SERVICES, 2))}]\n"
        f"teams: [{rng.choice(TEAMS)}]\nauthors: [{people[0]}]\nincident_commander: {people[1]}\n"
        f"detection: {rng.choice(['monitoring', 'customer-report', 'internal-report'])}\n"
        f"customer_impact: {rng.choice(['true', 'false'])}\n"
        f"impact_summary: \"{sentence(rng, 10)}\"\n"
        f"timestamps:\n  started: {iso(started)}\n  detected: {iso(detected)}\n"
        f"  mitigated: {iso(mitigated)}\n  resolved: {iso(resolved)}\n{runbooks}"
        f"tags: [{', '.join(rng.sample(TAG_WORDS, 2))}]\n"
        f"visibility: {rng.choice(['internal', 'internal', 'public'])}\n"
        f"action_items:\n{''.join(items)}---\n"
    )
    # About 1,000 words of body across the sections.
    body = "".join(f"\n## {name}\n\n{paragraph(rng, 140)}\n" for name in SECTIONS)
    return front + body, ticket


def runbook(rng: random.Random, runbook_id: str, covers: list[str], reviewed: str) -> str:
    front = (
        f"---\nid: {runbook_id}\ntitle: {runbook_id.replace('-', ' ').title()}\n"
        f"incident_types: [{', '.join(covers)}]\nservices: [{rng.choice(SERVICES)}]\n"
        f"owner_team: {rng.choice(TEAMS)}\nlast_reviewed: {reviewed}\n---\n"
    )
    return front + "".join(f"\n## {name}\n\n{paragraph(rng, 150)}\n" for name in RUNBOOK_SECTIONS)


def generate(n: int, out: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "docs").mkdir(exist_ok=True)
    (out / "docs" / "index.md").write_text(f"# Synthetic KB\n\n{n} postmortems for benchmarks.\n")
    (out / "mkdocs.yml").write_text(MKDOCS_YML.format(n=n))
    types = incident_types(n)
    runbook_count = max(1, n // 20)
    runbook_of: dict[str, str] = {}
    rb_dir = out / "runbooks"
    rb_dir.mkdir(exist_ok=True)
    for index in range(runbook_count):
        runbook_id = f"runbook-{index:04d}"
        # Most types get a runbook; a few are left as gaps.
        covers = [types[index % len(types)]] if index < len(types) - 2 or index >= len(types) else []
        if not covers:
            covers = [types[(index + 2) % len(types)]]
        for slug in covers:
            runbook_of.setdefault(slug, runbook_id)
        (rb_dir / f"{runbook_id}.md").write_text(runbook(rng, runbook_id, covers, "2026-10-01"))
    (out / "incident-types.yml").write_text(
        "".join(f"{slug}:\n  title: {slug.replace('-', ' ').capitalize()}\n" for slug in types)
    )
    pm_dir = out / "postmortems"
    per_year = 1000
    first_year = 2026 - (n - 1) // per_year
    ticket = 0
    for index in range(n):
        year = first_year + index // per_year
        number = index % per_year + 1
        start_of_year = datetime(year, 1, 1, tzinfo=timezone.utc)
        started = start_of_year + timedelta(minutes=int(number * 525_600 / (per_year + 1)) + rng.randint(0, 200))
        text, ticket = postmortem(rng, f"PM-{year}-{number:03d}", started, types, runbook_of, ticket)
        folder = pm_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"pm-{year}-{number:03d}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of postmortems")
    parser.add_argument("out", type=Path, help="output folder (a new MkDocs project)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
