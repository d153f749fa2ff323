"""A small but realistic Slack workspace export, written by the tests (folder or zip).

Channel #inc-checkout over two UTC days: an incident bot opening the channel,
PagerDuty posting (once pinned), joins and leaves, a topic change, people
coordinating with every kind of Slack markup, a thread (one reply posted
after midnight), a broadcast reply, `timeline:` messages and 📌 reactions,
and a message someone pasted HTML into.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

CHANNEL = "inc-checkout"

ANA, BEN, CHEN, BOT = "U01ANA0001", "U02BEN0002", "U03CHEN003", "U09BOT0009"
USERS = [
    {"id": ANA, "name": "ana", "real_name": "Ana Souza", "profile": {"real_name": "Ana Souza", "display_name": "Ana"}, "is_bot": False},
    {"id": BEN, "name": "ben", "real_name": "Ben Okoro", "profile": {"real_name": "Ben Okoro", "display_name": "ben"}, "is_bot": False},
    # No real_name at the top level: the profile's is used.
    {"id": CHEN, "name": "chen", "profile": {"real_name": "Chen Wei", "display_name": "chen"}, "is_bot": False},
    {"id": BOT, "name": "incident-bot", "real_name": "Incident Bot", "profile": {"real_name": "Incident Bot"}, "is_bot": True},
]
CHANNELS = [
    {"id": "C01INC0001", "name": CHANNEL, "created": 1795300000, "members": [ANA, BEN, CHEN, BOT]},
    {"id": "C02OPS0002", "name": "ops", "created": 1700000000, "members": [ANA, BEN]},
    {"id": "C03STAT003", "name": "status-updates", "created": 1700000000, "members": [ANA]},
]


def ts(moment: str, micro: int = 0) -> str:
    seconds = int(datetime.fromisoformat(moment).replace(tzinfo=timezone.utc).timestamp())
    return f"{seconds}.{micro:06d}"


def msg(user: str, moment: str, text: str, **extra: Any) -> dict[str, Any]:
    real = next(u.get("real_name") or u["profile"]["real_name"] for u in USERS if u["id"] == user) if user in {u["id"] for u in USERS} else None
    message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts(moment, extra.pop("micro", 100))}
    if real:
        message["user_profile"] = {"real_name": real, "display_name": real.split()[0], "name": real.split()[0].lower()}
    message.update(extra)
    return message


PIN = [{"name": "pushpin", "users": [ANA], "count": 1}]
THREAD = ts("2026-11-17T23:40:00", 500)

DAY1 = [
    {"type": "message", "subtype": "channel_join", "user": BOT, "text": f"<@{BOT}> has joined the channel", "ts": ts("2026-11-17T23:30:00")},
    {"type": "message", "subtype": "bot_message", "bot_id": "B09INC", "username": "Incident Bot", "ts": ts("2026-11-17T23:30:01"),
     "text": "Incident channel opened. Runbook: <https://kb.example/runbooks/db-pool/|db-pool>"},
    {"type": "message", "subtype": "bot_message", "bot_id": "B01PD", "username": "PagerDuty", "ts": ts("2026-11-17T23:30:05"),
     "text": ":rotating_light: Triggered *CheckoutErrorRate* (checkout)", "reactions": PIN},
    {"type": "message", "subtype": "channel_join", "user": ANA, "text": f"<@{ANA}> has joined the channel", "ts": ts("2026-11-17T23:31:00")},
    msg(ANA, "2026-11-17T23:32:10", "timeline: paged, looking. <!here> dashboard: <https://grafana.example/d/checkout?from=now-1h&amp;to=now|checkout errors>"),
    {"type": "message", "subtype": "channel_topic", "user": ANA, "text": "set the channel topic: SEV2 checkout errors", "topic": "SEV2 checkout errors",
     "ts": ts("2026-11-17T23:33:00")},
    {"type": "message", "subtype": "channel_join", "user": BEN, "text": f"<@{BEN}> has joined the channel", "ts": ts("2026-11-17T23:34:00")},
    msg(BEN, "2026-11-17T23:35:30", "<@U01ANA0001> I'm IC. Updates go to <#C03STAT003> and <#C02OPS0002|ops> :+1:", reactions=PIN),
    msg(ANA, "2026-11-17T23:38:00", "Pool at 100/100, `idle in transaction` sessions: 211\nwaits &gt; 5 s on *every* pod\ncheck <https://kb.example/runbooks/db-pool/>"),
    msg(CHEN, "2026-11-17T23:39:00", "pasted from the error page: &lt;script&gt;alert(1)&lt;/script&gt; {: onclick=\"x()\" } <javascript:alert(1)|click me> [not a link](x) &amp;copy;"),
    msg(BEN, "2026-11-17T23:40:00", "Decision: _restart_ the checkout pods one by one? pool_size stays at 100 :thinking_face:", micro=500,
        thread_ts=THREAD, reply_count=3, replies=[{"user": ANA, "ts": ts("2026-11-17T23:41:00")}]),
    msg(ANA, "2026-11-17T23:41:00", "yes, starting with checkout-0", thread_ts=THREAD, parent_user_id=BEN),
    msg(CHEN, "2026-11-17T23:45:00", "timeline: restart done, errors back to 0.1% :tada:", thread_ts=THREAD, parent_user_id=BEN,
        subtype="thread_broadcast"),
    msg(ANA, "2026-11-18T00:05:00", "Confirmed stable for 20 min", thread_ts=THREAD, parent_user_id=BEN, reactions=PIN),
    # Apps may post as their bot user, with neither subtype nor bot_id: still a bot (users.json says so).
    {"type": "message", "user": BOT, "text": "Reminder: post an update every 30 minutes", "ts": ts("2026-11-17T23:47:00")},
    {"type": "message", "subtype": "bot_message", "bot_id": "B01PD", "username": "PagerDuty", "ts": ts("2026-11-17T23:50:00"),
     "text": "Resolved *CheckoutErrorRate*"},
]
DAY2 = [
    msg(BEN, "2026-11-18T09:15:00", "```$ kubectl -n checkout rollout status deploy/checkout\ndeployment \"checkout\" successfully rolled out```"),
    # A contractor not in users.json: the message's own user_profile names them.
    {"type": "message", "user": "U07GUEST07", "text": "Leak fix is in review: <https://git.example/pr/42|PR 42>", "ts": ts("2026-11-18T09:30:00"),
     "user_profile": {"real_name": "Dev Guest"}},
    {"type": "message", "subtype": "channel_leave", "user": CHEN, "text": f"<@{CHEN}> has left the channel", "ts": ts("2026-11-18T09:31:00")},
    msg(ANA, "2026-11-18T09:45:00", "TIMELINE: closing the incident"),
]

EXPECTED = """\
**2026-11-17**

- 23:30 **PagerDuty**: 🚨 Triggered **CheckoutErrorRate** (checkout)
- 23:32 **Ana Souza**: Paged, looking. @here dashboard: [checkout errors](https://grafana.example/d/checkout?from=now-1h&to=now)
- 23:35 **Ben Okoro**: Ana Souza I'm IC. Updates go to #status-updates and #ops 👍
- 23:38 **Ana Souza**: Pool at 100/100, `idle in transaction` sessions: 211 / waits > 5 s on **every** pod / check [https://kb.example/runbooks/db-pool/](https://kb.example/runbooks/db-pool/)
- 23:39 **Chen Wei**: pasted from the error page: &lt;script>alert(1)&lt;/script> \\{: onclick="x()" \\} click me \\[not a link\\](x) &amp;copy;
- 23:40 **Ben Okoro**: Decision: *restart* the checkout pods one by one? pool_size stays at 100 🤔
    - 23:41 **Ana Souza**: yes, starting with checkout-0
    - 23:45 **Chen Wei**: Restart done, errors back to 0.1% 🎉
    - 2026-11-18 00:05 **Ana Souza**: Confirmed stable for 20 min

**2026-11-18**

- 09:15 **Ben Okoro**:

    ```text
    $ kubectl -n checkout rollout status deploy/checkout
    deployment "checkout" successfully rolled out
    ```

- 09:30 **Dev Guest**: Leak fix is in review: [PR 42](https://git.example/pr/42)
- 09:45 **Ana Souza**: Closing the incident
"""

EXPECTED_MARKED = """\
**2026-11-17**

- 23:30 **PagerDuty**: 🚨 Triggered **CheckoutErrorRate** (checkout)
- 23:32 **Ana Souza**: Paged, looking. @here dashboard: [checkout errors](https://grafana.example/d/checkout?from=now-1h&to=now)
- 23:35 **Ben Okoro**: Ana Souza I'm IC. Updates go to #status-updates and #ops 👍
- 23:45 **Chen Wei**: Restart done, errors back to 0.1% 🎉

**2026-11-18**

- 00:05 **Ana Souza**: Confirmed stable for 20 min
- 09:45 **Ana Souza**: Closing the incident
"""


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False), encoding="utf-8")


def write_export(folder: Path) -> Path:
    _write(folder / "users.json", USERS)
    _write(folder / "channels.json", CHANNELS)
    _write(folder / CHANNEL / "2026-11-17.json", DAY1)
    _write(folder / CHANNEL / "2026-11-18.json", DAY2)
    _write(folder / "ops" / "2026-11-17.json", [msg(ANA, "2026-11-17T23:36:00", "checkout is on fire, see #inc-checkout")])
    return folder


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target
