"""Messages of one channel -> timeline entries: noise dropped, threads kept together, oldest first."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from .export import SlackExport
from .markup import render
from .model import Channel, Entry, Message

__all__ = ["MARK_PREFIX", "Options", "build_timeline", "is_marked"]

MARK_PREFIX = "timeline:"
MARK_REACTION = "pushpin"
# Message subtypes that are people talking; every other subtype (channel_join,
# channel_leave, channel_topic, channel_purpose, channel_name, bot_add,
# pinned_item, reminder_add, tombstone, ...) is channel noise.
_SPOKEN = {None, "thread_broadcast", "file_share", "me_message", "bot_message"}


@dataclass(frozen=True)
class Options:
    since: datetime | None = None
    until: datetime | None = None
    only_marked: bool = False


def _has_prefix(text: str) -> bool:
    return text.lstrip().casefold().startswith(MARK_PREFIX)


def is_marked(message: Message) -> bool:
    """Pinned with a 📌 reaction, or written as `timeline: ...` during the incident."""
    return MARK_REACTION in message.reactions or _has_prefix(message.text)


def _kept(message: Message, bot_users: set[str]) -> bool:
    if message.hidden or message.subtype not in _SPOKEN:
        return False
    if message.bot or message.user in bot_users:
        # Bots are noise, unless a responder pinned the bot's post (an alert
        # firing is often the first timeline entry).
        return MARK_REACTION in message.reactions
    return True


def _sort_key(message: Message) -> tuple[float, str]:
    return (float(message.ts), message.ts)


def build_timeline(export: SlackExport, channel: Channel, options: Options) -> list[Entry]:
    channel_names = {c.id: c.name for c in export.channels}

    def user_name(uid: str) -> str | None:
        user = export.users.get(uid)
        return user.name if user else None

    bot_users = {u.id for u in export.users.values() if u.is_bot}
    by_ts: dict[str, Message] = {}
    for message in export.messages(channel):
        by_ts.setdefault(message.ts, message)  # a broadcast reply can appear twice

    def entry(message: Message) -> Entry | None:
        text = message.text.lstrip()
        if _has_prefix(text):
            # "timeline: decision: ..." -> "Decision: ..." (the prefix was for the channel, not the reader)
            text = text[len(MARK_PREFIX) :].lstrip()
            text = text[:1].upper() + text[1:]
        rendered = render(text, user_name, channel_names.get)
        inline = rendered.inline
        if not inline and message.files:
            inline = "shared " + ", ".join(f"`{name.replace('`', '')}`" for name in message.files)
        if not inline and not rendered.blocks:
            return None
        body = "\n".join([inline, *(_fence(block) for block in rendered.blocks)])
        author = (user_name(message.user) if message.user else None) or message.author_hint or message.user or "unknown"
        return Entry(message.ts, message.when, author, body, is_marked(message))

    def wanted(message: Message) -> bool:
        if not _kept(message, bot_users):
            return False
        if options.since and message.when < options.since:
            return False
        if options.until and message.when > options.until:
            return False
        return is_marked(message) or not options.only_marked

    chosen = sorted((m for m in by_ts.values() if wanted(m)), key=_sort_key)
    made = {m.ts: e for m in chosen if (e := entry(m)) is not None}  # a message with no text is left out
    replies: dict[str, list[Message]] = {}
    top: list[Message] = []
    for message in chosen:
        if message.ts not in made:
            continue
        if message.is_reply and message.thread_ts in made:
            replies.setdefault(message.thread_ts or "", []).append(message)
        else:
            top.append(message)  # a reply whose parent is not shown stands at its own time

    entries: list[Entry] = []
    for message in top:
        entries.append(made[message.ts])
        entries.extend(replace(made[r.ts], thread_parent=message.ts) for r in replies.get(message.ts, []))
    return entries


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{code}\n{fence}"
