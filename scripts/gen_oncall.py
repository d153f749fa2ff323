"""Generate the demo KB's pager data under oncall/ (deterministic: same files every run).

    .venv/bin/python scripts/gen_oncall.py

Fernway's on-call story, matching the postmortems: about 15 pages per on-call week in
May, about 4 by November; pages around each postmortem's incident window on its
services; recurring noisy alerts that belong to no postmortem (disk on build runners,
replica lag, cache memory ...). Six rotations are in PagerDuty (`pagerduty-YYYY-MM.json`,
shaped like `pmkb oncall sync` writes them: resolved incidents have no assignments, as
PagerDuty answers); the platform team's pager is a CSV export (`platform-pager.csv`)
that overlaps itself by a few rows (duplicates count once) and has low-urgency rows.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from pmkb.knowledge.base import KnowledgeBase  # noqa: E402
from pmkb.settings import load_settings  # noqa: E402

FIRST_MONDAY = date(2026, 5, 4)
LAST_DAY = date(2026, 11, 27)  # the demo's as-of date is 2026-11-28
START, END = 16.0, 3.7  # pages per on-call week, May -> November

TEAMS = {
    "checkout": ("Checkout primary", ["checkout", "orders-db", "shipping-rates"], 1.25),
    "payments": ("Payments primary", ["payment-gateway-adapter", "payments-api"], 1.1),
    "catalog": ("Catalog primary", ["catalog-api", "catalog-cache"], 0.95),
    "edge": ("Edge primary", ["api-gateway", "storefront-web"], 0.85),
    "platform": ("Platform primary", ["build-runners", "log-pipeline"], 1.0),
    "search": ("Search primary", ["search-indexer", "search-api"], 0.9),
    "notifications": ("Notifications primary", ["notifications-worker", "order-events-queue"], 0.95),
}
SERVICE_TEAM = {service: team for team, (_, services, _) in TEAMS.items() for service in services}

# Recurring alerts that page without an incident behind them (the noise to tune away).
NOISE = {
    "checkout": [("checkout", "CheckoutLatencyP99High: p99 {n}0 ms on checkout-{k}"),
                 ("orders-db", "orders-db replica lag {n}s on orders-db-replica-{k}"),
                 ("shipping-rates", "shipping-rates provider 5xx above {n}%")],
    "payments": [("payments-api", "Gateway authorisation error rate {n}% (payments-api)"),
                 ("payment-gateway-adapter", "payment-gateway-adapter pod {k} restarted {n} times")],
    "catalog": [("catalog-cache", "catalog-cache memory {n}% on cache-node-{k}"),
                ("catalog-api", "catalog-api 5xx burst: {n} errors in 5 min")],
    "edge": [("api-gateway", "api-gateway upstream 502s above {n}/min"),
             ("storefront-web", "storefront-web LCP p75 {n}00 ms")],
    "platform": [("build-runners", "Disk usage {n}% on build-runner-{k}"),
                 ("log-pipeline", "log-pipeline buffer {n}% full on aggregator-{k}")],
    "search": [("search-indexer", "search-indexer consumer lag {n}00 messages"),
               ("search-api", "search-api p99 {n}0 ms")],
    "notifications": [("order-events-queue", "order-events-queue lag {n}00 on partition {k}"),
                      ("notifications-worker", "notifications-worker DLQ has {n} messages")],
}
INCIDENT_ALERTS = [
    "{service} error rate above {n}%",
    "{service} health check failing on {k} pods",
    "{service} p99 latency {n}00 ms",
    "SLO burn rate high: {service}",
]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means here, and stable across Python versions.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _noise_time(rng: random.Random, monday: date) -> datetime:
    """Most alerts fire in the working day (deploys, traffic), some at any hour."""
    day = monday + timedelta(days=rng.randrange(5) if rng.random() < 0.6 else rng.randrange(7))
    hour = rng.randrange(8, 17) if rng.random() < 0.6 else rng.randrange(24)  # UTC; London is UTC+1 in summer
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=timezone.utc)


def _title(rng: random.Random, template: str, service: str = "") -> str:
    return template.format(service=service, n=rng.randint(2, 95), k=rng.randint(1, 24))


def _incident_id(rng: random.Random) -> str:
    return "Q" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(13))


def generate() -> list[dict]:
    rng = random.Random(20261128)
    kb = KnowledgeBase.load(ROOT, load_settings(ROOT / "mkdocs.yml"), as_of=date(2026, 11, 28))
    records: list[dict] = []
    weeks = (LAST_DAY - FIRST_MONDAY).days // 7 + 1
    for week in range(weeks):
        monday = FIRST_MONDAY + timedelta(days=7 * week)
        target = START + (END - START) * week / (weeks - 1)
        for team, (_, _, weight) in TEAMS.items():
            # Incident pages come on top of the noise, so noise takes most of the target.
            for _ in range(_poisson(rng, max(0.5, target * weight))):
                service, template = rng.choice(NOISE[team])
                records.append({"created_at": _noise_time(rng, monday), "service": service, "team": team,
                                "title": _title(rng, template), "urgency": "high"})
            for _ in range(_poisson(rng, 1.5)):  # low urgency: notifies no one at night, not a page
                service, template = rng.choice(NOISE[team])
                records.append({"created_at": _noise_time(rng, monday), "service": service, "team": team,
                                "title": _title(rng, template), "urgency": "low"})
    for doc in sorted(kb.postmortems, key=lambda d: d.id):
        t = doc.meta.timestamps
        end = t.resolved or t.mitigated or (t.detected + timedelta(minutes=40))
        span = max(60, int((end - t.started).total_seconds()) + 600)
        for _ in range(rng.randint(4, 9)):
            service = rng.choice(list(doc.meta.services))
            if service not in SERVICE_TEAM:
                continue
            moment = t.started - timedelta(minutes=10) + timedelta(seconds=rng.randrange(span))
            records.append({"created_at": moment, "service": service, "team": SERVICE_TEAM[service],
                            "title": _title(rng, rng.choice(INCIDENT_ALERTS), service), "urgency": "high"})
    records = [r for r in records if r["created_at"].date() <= LAST_DAY]
    records.sort(key=lambda r: (r["created_at"], r["service"], r["title"]))
    for number, record in enumerate(records, start=1001):
        record["id"] = _incident_id(rng)
        record["number"] = number
    return records


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write(records: list[dict]) -> None:
    folder = ROOT / "oncall"
    folder.mkdir(exist_ok=True)
    for old in list(folder.glob("pagerduty-*.json")) + list(folder.glob("*.csv")):
        old.unlink()
    months: dict[str, list[dict]] = {}
    platform: list[dict] = []
    for r in records:
        if r["team"] == "platform":
            platform.append(r)
            continue
        months.setdefault(r["created_at"].strftime("%Y-%m"), []).append({
            "id": r["id"],
            "incident_number": r["number"],
            "title": r["title"],
            "created_at": _stamp(r["created_at"]),
            "urgency": r["urgency"],
            "status": "resolved",
            "service": {"summary": r["service"]},
            "escalation_policy": {"summary": TEAMS[r["team"]][0]},
            "assignments": [],  # PagerDuty lists no assignments once an incident is resolved
        })
    for month, incidents in months.items():
        document = {"incidents": incidents, "limit": len(incidents), "offset": 0, "more": False}
        (folder / f"pagerduty-{month}.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    people = ["Priya Raman", "Tomasz Nowak", "Jade Okafor", "Lena Fischer"]
    rng = random.Random(7)
    rows = [[_stamp(r["created_at"]).replace("Z", "+00:00"), TEAMS["platform"][0], r["service"],
             "" if r["urgency"] == "high" and rng.random() < 0.3 else r["urgency"], rng.choice(people), r["title"],
             f"PLAT-{r['number']}"] for r in platform]
    rows += rows[100:103]  # an overlapping re-export: the same ids again, counted once
    with (folder / "platform-pager.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["created_at", "rotation", "service", "urgency", "assignee", "title", "id"])
        writer.writerows(rows)


if __name__ == "__main__":
    data = generate()
    write(data)
    print(f"{len(data)} records written under {ROOT / 'oncall'}")
