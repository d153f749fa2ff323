"""Typed pieces of a Slack export and of the timeline made from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Channel", "Entry", "Message", "TimelineError", "User"]


class TimelineError(Exception):
    """A problem with the export or the target file, told in one line (exit 1)."""


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str  # the best human name Slack has: real name, then display name, then handle
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Message:
    """One element of a `<channel>/YYYY-MM-DD.json` array, reduced to what a timeline needs."""

    ts: str  # Slack's id and time: "1764101523.000200"
    when: datetime  # ts as an aware UTC datetime
    user: str | None
    author_hint: str | None  # user_profile.real_name, or a bot's username
    text: str
    subtype: str | None
    thread_ts: str | None
    reactions: tuple[str, ...] = ()
    bot: bool = False
    hidden: bool = False
    files: tuple[str, ...] = field(default=())

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True, slots=True)
class Entry:
    """One timeline line: a kept message with its author resolved and its text as Markdown."""

    ts: str
    when: datetime
    author: str  # plain text
    text: str  # Markdown, safe to paste (see markup.py)
    marked: bool
    thread_parent: str | None = None  # the parent's ts when this is a reply placed under it

    @property
    def date(self) -> str:
        return self.when.strftime("%Y-%m-%d")

    @property
    def time(self) -> str:
        return self.when.strftime("%H:%M")
