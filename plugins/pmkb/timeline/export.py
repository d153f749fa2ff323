"""Read a Slack workspace export: users, channels and one channel's messages.

Layout (Slack's "Export data"): `users.json`, `channels.json` (and
`groups.json` for private channels in some plans), then `<channel>/YYYY-MM-DD.json`,
each an array of message objects. A zip made from the folder may hold it
under one top-level folder; both are accepted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .model import Channel, Message, TimelineError, User
from .source import ExportSource, open_source

__all__ = ["SlackExport", "read_export"]

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


@dataclass
class SlackExport:
    source: ExportSource
    prefix: str  # "" or "folder/" when the zip wraps the export in one folder
    users: dict[str, User]
    channels: list[Channel]

    def channel(self, wanted: str) -> Channel:
        """The channel by name (with or without '#') or id; unknown -> the list of known ones."""
        name = wanted.strip().lstrip("#")
        for channel in self.channels:
            if name in (channel.name, channel.id):
                return channel
        known = ", ".join(sorted(c.name for c in self.channels)) or "none"
        raise TimelineError(f"{self.source.label}: no channel {wanted!r} in this export; its channels: {known}")

    def messages(self, channel: Channel) -> list[Message]:
        folder = f"{self.prefix}{channel.name}/"
        days = sorted(n for n in self.source.names() if n.startswith(folder) and _DAY_FILE.match(n[len(folder) :]))
        found: list[Message] = []
        for name in days:
            found.extend(_messages(self.source, name))
        return found

    def close(self) -> None:
        self.source.close()


def read_export(path: Path) -> SlackExport:
    source = open_source(path)
    try:
        prefix = _find_prefix(source)
        users = {u.id: u for u in _users(source, prefix)}
        channels = _channels(source, prefix)
    except BaseException:
        source.close()
        raise
    return SlackExport(source, prefix, users, channels)


def _find_prefix(source: ExportSource) -> str:
    names = source.names()
    if "channels.json" in names:
        return ""
    wrapped = sorted(n[: -len("channels.json")] for n in names if n.count("/") == 1 and n.endswith("/channels.json"))
    if len(wrapped) == 1:
        return wrapped[0]
    raise TimelineError(
        f"{source.label}: not a Slack export (no channels.json); a workspace export has users.json, channels.json "
        "and one folder of YYYY-MM-DD.json files per channel"
    )


def _load(source: ExportSource, name: str) -> Any:
    raw = source.read(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TimelineError(f"{source.where(name)}:{line}: not UTF-8 text; Slack writes exports as UTF-8 JSON") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TimelineError(f"{source.where(name)}:{exc.lineno}: broken JSON ({exc.msg}, column {exc.colno}); re-download the export or fix the file") from None
    except RecursionError:
        raise TimelineError(f"{source.where(name)}: JSON nested too deeply to be a Slack export file") from None


def _list_of_objects(source: ExportSource, name: str, what: str) -> list[dict[str, Any]]:
    data = _load(source, name)
    if not isinstance(data, list):
        raise TimelineError(f"{source.where(name)}: expected a JSON array of {what}, found {type(data).__name__}")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise TimelineError(f"{source.where(name)}: item {index + 1} is not a JSON object ({what} are objects)")
    return data


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _users(source: ExportSource, prefix: str) -> list[User]:
    name = f"{prefix}users.json"
    if name not in source.names():
        return []  # names then come from each message's user_profile
    users: list[User] = []
    for item in _list_of_objects(source, name, "users"):
        uid = _text(item.get("id"))
        if uid is None:
            continue
        profile = item.get("profile") if isinstance(item.get("profile"), dict) else {}
        best = (
            _text(item.get("real_name"))
            or _text(profile.get("real_name"))
            or _text(profile.get("display_name"))
            or _text(item.get("name"))
            or uid
        )
        users.append(User(uid, best, bool(item.get("is_bot"))))
    return users


def _channels(source: ExportSource, prefix: str) -> list[Channel]:
    channels: list[Channel] = []
    for file in ("channels.json", "groups.json"):
        name = f"{prefix}{file}"
        if name not in source.names():
            continue
        for item in _list_of_objects(source, name, "channels"):
            cname, cid = _text(item.get("name")), _text(item.get("id"))
            if cname is None:
                continue
            if "/" in cname or "\\" in cname or cname in (".", ".."):  # names become folder names
                raise TimelineError(f"{source.where(name)}: channel name {cname!r} is not a folder name Slack would write")
            channels.append(Channel(cid or cname, cname))
    return channels


def _when(ts: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _messages(source: ExportSource, name: str) -> list[Message]:
    found: list[Message] = []
    for index, item in enumerate(_list_of_objects(source, name, "messages")):
        ts = item.get("ts")
        when = _when(ts) if isinstance(ts, str) else None
        if when is None:
            raise TimelineError(f"{source.where(name)}: message {index + 1} has no valid 'ts' (Slack's '1764101523.000200' form)")
        profile = item.get("user_profile") if isinstance(item.get("user_profile"), dict) else {}
        bot_profile = item.get("bot_profile") if isinstance(item.get("bot_profile"), dict) else {}
        reactions = item.get("reactions") if isinstance(item.get("reactions"), list) else []
        files = item.get("files") if isinstance(item.get("files"), list) else []
        thread_ts = item.get("thread_ts")
        found.append(
            Message(
                ts=ts,
                when=when,
                user=_text(item.get("user")),
                author_hint=_text(profile.get("real_name")) or _text(item.get("username")) or _text(bot_profile.get("name")),
                text=item.get("text") if isinstance(item.get("text"), str) else "",
                subtype=_text(item.get("subtype")),
                thread_ts=thread_ts if isinstance(thread_ts, str) else None,
                reactions=tuple(r["name"] for r in reactions if isinstance(r, dict) and isinstance(r.get("name"), str)),
                bot=bool(item.get("bot_id")) or item.get("subtype") == "bot_message",
                hidden=bool(item.get("hidden")),
                files=tuple(f["name"] for f in files if isinstance(f, dict) and isinstance(f.get("name"), str)),
            )
        )
    return found
