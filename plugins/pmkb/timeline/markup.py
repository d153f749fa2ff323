"""Slack message markup -> readable Markdown that cannot carry raw HTML.

Slack's text format ("mrkdwn"): `<@U123>` mentions, `<#C123|name>` channels,
`<https://x|label>` links, `<!here>` broadcasts, `:emoji:` shortcodes,
`*bold*`, `_italic_`, `` `code` ``, ```` ```blocks``` ````, and only `&`, `<`,
`>` escaped as entities (a literal `<` in a message is always `&lt;`).

Everything a person typed is escaped for Markdown after the entities are
undone, so `&lt;script&gt;` comes out as the text `<script>` on the page, never
as a tag; `{`/`}` are escaped too because the site's attr_list extension would
otherwise let `{: onclick=... }` set attributes. Links are made only for
http(s) and mailto URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .emoji import EMOJI

__all__ = ["Rendered", "md_escape", "render"]

_BLOCK = re.compile(r"```(.*?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_MARKUP = re.compile(r"<([^<>\n]*)>")
_EMOJI = re.compile(r":([a-z0-9_+'\-]+):(?::skin-tone-\d:)?")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_PLACE = re.compile(r"\x00(\d+)\x00")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Rendered:
    inline: str  # one line of Markdown
    blocks: tuple[str, ...]  # multi-line code blocks, as their raw text, shown under the line


def unescape(text: str) -> str:
    # Slack escapes exactly these three; &amp; last so "&amp;lt;" stays "&lt;" text.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def md_escape(text: str) -> str:
    """Plain text -> Markdown that renders as exactly that text (no HTML, no emphasis, no links)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prev = text[i - 1] if i else ""
        if ch in "\\`*[]{}":
            out.append("\\" + ch)
        elif ch == "_":
            # Intraword underscores (pool_size) are literal in Markdown already; keep them readable.
            out.append("_" if prev.isalnum() and nxt.isalnum() else "\\_")
        elif ch == "<":
            out.append("&lt;")
        elif ch == "&":
            out.append("&amp;" if (nxt.isalnum() or nxt == "#") else "&")
        else:
            out.append(ch)
    return "".join(out)


def _code_span(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _url(url: str) -> str:
    # Characters that would end or break a Markdown link destination.
    return url.replace(" ", "%20").replace("\"", "%22").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _link(inner: str, users: Callable[[str], str | None], channels: Callable[[str], str | None]) -> str:
    target, _, label = inner.partition("|")
    label = unescape(label)
    if target.startswith("@"):
        return md_escape(users(target[1:]) or label or target)
    if target.startswith("#"):
        return md_escape("#" + (channels(target[1:]) or label.lstrip("#") or target[1:]))
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        if special in ("here", "channel", "everyone"):
            return md_escape("@" + special)
        return md_escape(label or special)  # subteams (`@oncall`), dates: Slack's fallback text
    url = unescape(target)
    if not url.lower().startswith(_SAFE_SCHEMES):
        return md_escape(label or url)  # javascript: and friends stay text
    if label and label != url:
        return f"[{md_escape(label)}]({_url(url)})"
    shown = url[len("mailto:") :] if url.lower().startswith("mailto:") else url
    return f"[{md_escape(shown)}]({_url(url)})"


def _emoji(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        return EMOJI.get(match.group(1), match.group(0))

    return _EMOJI.sub(one, text)


def render(text: str, users: Callable[[str], str | None], channels: Callable[[str], str | None]) -> Rendered:
    """A message's Slack text -> (one Markdown line, code blocks to show under it)."""
    pieces: list[str] = []  # Markdown already made safe, stood in for by \x00N\x00

    def place(markdown: str) -> str:
        pieces.append(markdown)
        return f"\x00{len(pieces) - 1}\x00"

    blocks: list[str] = []

    def block(match: re.Match[str]) -> str:
        code = _plain_code(match.group(1))
        if "\n" in code.strip("\n"):
            blocks.append(code.strip("\n"))
            return " "
        return place(_code_span(code.strip())) if code.strip() else ""

    work = text.replace("\x00", "")
    work = _BLOCK.sub(block, work)
    work = _CODE.sub(lambda m: place(_code_span(_plain_code(m.group(1)))), work)
    work = _MARKUP.sub(lambda m: place(_link(m.group(1), users, channels)), work)
    work = _emoji(unescape(work))
    work = _BOLD.sub(lambda m: place("**") + m.group(1) + place("**"), work)
    work = _ITALIC.sub(lambda m: place("*") + m.group(1) + place("*"), work)
    # Fold lines: a timeline entry is one line; " / " marks where the message broke.
    lines = [" ".join(line.split()) for line in work.split("\n")]
    folded = " / ".join(line for line in lines if line)
    escaped = "".join(md_escape(part) if i % 2 == 0 else pieces[int(part)] for i, part in enumerate(_PLACE.split(folded)))
    return Rendered(escaped.strip(), tuple(blocks))


def _plain_code(code: str) -> str:
    """Code as the author typed it: entities undone, Slack's <url|label> wrapping dropped."""
    code = _MARKUP.sub(lambda m: m.group(1).split("|", 1)[0], code)
    return unescape(code)
