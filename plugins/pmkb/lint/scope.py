"""Which parts of a postmortem body are the author's own prose.

`prose_mask(body)` returns a copy of the body of the same length in which
everything that is not prose is blanked with spaces (line breaks are kept),
so a match in the masked text has the same line and column as in the file:

- fenced code (any indentation, so fences inside list items count too) and
  indented code blocks;
- block quotes, with their lazy continuation lines;
- HTML comments and tags, inline code, link and image targets, reference
  definitions, bare URLs;
- text in double quotes ("..." and “...”): someone else's words;
- raw log lines (a line that starts with a log level such as `ERROR`), which
  timelines paste without fences.

The Markdown is read line by line, like `pmkb.sections` does, rather than by
a full parser: the few constructs above are what decides scope, and a
line-based reader keeps exact columns.
"""

from __future__ import annotations

import re

__all__ = ["ignored_lines", "prose_mask"]

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_QUOTE = re.compile(r"^[ \t]*>")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_CONTAINER = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?|===)")  # admonitions, details, content tabs
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_LOG_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*[^*]+\*\*[ \t]+)?"
    r"(?:\d{4}-\d\d-\d\d[T ][\d:.]+Z?[ \t]+|\d\d:\d\d(?::\d\d)?(?:\.\d+)?Z?[ \t]+)?"
    r"\[?(?-i:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|PANIC)\]?(?:[ \t:]|$)"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<(?:https?|mailto|ftp):[^<>\s]+>")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\]\[[^\]]*\]")
_URL = re.compile(r"\bhttps?://[^\s)>\]]+")
_QUOTED = re.compile(r"\"[^\"\n]*(?:\n(?!\s*\n)[^\"\n]*)*\"|“[^”]*?”")
_IGNORE = re.compile(r"<!--\s*blameless:\s*ignore\b([^>]*?)-->", re.IGNORECASE)


def _blank(text: str) -> str:
    """Spaces instead of every character but line breaks."""
    return re.sub(r"[^\n]", " ", text)


def _blank_spans(text: str, pattern: re.Pattern[str], keep_paragraphs: bool = True) -> str:
    def blank(match: re.Match[str]) -> str:
        if keep_paragraphs and re.search(r"\n[ \t]*\n", match.group(0)):
            return match.group(0)  # a span never crosses a blank line: not a real pair
        return _blank(match.group(0))

    return pattern.sub(blank, text)


def _indent(line: str) -> int:
    if line[:1] not in (" ", "\t"):
        return 0  # most lines: no copy of a paragraph-long line to learn that
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _mask_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    fence: str | None = None
    in_quote = False
    in_code = False
    # Indented text after a list item or an admonition opener is its content, not code.
    container = False
    previous_blank = True
    for line in lines:
        blank = not line or line.isspace()
        if fence is not None:
            out.append(_blank(line))
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line[match.end():].strip():
                fence = None
            previous_blank = False
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            out.append(_blank(line))
            in_quote = in_code = False
            previous_blank = False
            continue
        if blank:
            out.append(line)
            in_quote = False
            previous_blank = True
            continue
        indent = _indent(line)
        if in_code and indent >= 4:
            out.append(_blank(line))
            continue
        in_code = False
        if indent >= 4 and previous_blank and not container and not in_quote:
            in_code = True
            out.append(_blank(line))
            previous_blank = False
            continue
        lazy = in_quote and not previous_blank and not _LIST_ITEM.match(line) and not line.lstrip().startswith("#")
        if _QUOTE.match(line) or lazy:
            in_quote = True
            out.append(_blank(line))
            previous_blank = False
            continue
        if _REF_DEF.match(line) or _LOG_LINE.match(line):
            out.append(_blank(line))
            previous_blank = False
            continue
        if indent == 0:
            container = bool(_LIST_ITEM.match(line) or _CONTAINER.match(line))
        elif _LIST_ITEM.match(line) or _CONTAINER.match(line):
            container = True
        out.append(line)
        previous_blank = False
    return out


def prose_mask(body: str) -> str:
    """The body with everything but prose blanked out, same length, same line breaks."""
    # Each pass only runs when its tell-tale character is there: most bodies have few. A lone
    # character is looked for first: finding one is several times cheaper than finding "://".
    text = _blank_spans(body, _COMMENT, keep_paragraphs=False) if "<" in body and "<!--" in body else body
    text = "\n".join(_mask_blocks(text.split("\n")))
    if "`" in text:
        text = _blank_spans(text, _CODE_SPAN)
    if "<" in text:
        text = _blank_spans(text, _TAG)
    if "]" in text and ("](" in text or "][" in text):
        text = _blank_spans(text, _LINK_TARGET)
    if "/" in text and "://" in text:
        text = _blank_spans(text, _URL)
    if '"' in text or "“" in text:
        text = _blank_spans(text, _QUOTED)
    return text


def ignored_lines(body: str) -> dict[int, frozenset[str]]:
    """0-based body line -> codes silenced there (empty set: every code).

    `<!-- blameless: ignore -->` silences the whole line;
    `<!-- blameless: ignore BL003 BL008 -->` only those codes.
    """
    found: dict[int, frozenset[str]] = {}
    if "<" not in body or "<!--" not in body:
        return found
    for number, line in enumerate(body.split("\n")):
        for match in _IGNORE.finditer(line):
            codes = frozenset(code.upper() for code in re.findall(r"[A-Za-z]+\d+", match.group(1)))
            previous = found.get(number)
            found[number] = frozenset() if previous == frozenset() or not codes else (previous or frozenset()) | codes
    return found
