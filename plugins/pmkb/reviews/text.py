"""Plain text out of a postmortem's Markdown sections, for reviews and slides.

A review quotes authors: the first paragraph of `## Summary`, the items of
`## What went well`, timeline highlights. These come back as plain text (inline
Markdown markup dropped, code blocks skipped) so every output — page, deck,
`pmkb review` Markdown and JSON — escapes and shows the same words.
"""

from __future__ import annotations

import re

from ..knowledge.sections import find_headings, normalise_heading, outside_code

__all__ = ["first_paragraph", "level2_sections", "list_items", "plain_text"]

_ITEM = re.compile(r"^(?: {0,3})(?:[-*+]|\d+[.)])\s+(.*)$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_(?=\S)|(?<=\S)_)")
_HTML_COMMENT = re.compile(r"<!--.*?-->")


def plain_text(markdown: str) -> str:
    """One line of Markdown as plain text: links keep their words, emphasis and code marks go."""
    text = _HTML_COMMENT.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return " ".join(text.split())


def level2_sections(body: str) -> dict[str, str]:
    """Every level-2 section's raw Markdown by normalised heading (the first of a name wins): one pass."""
    headings = find_headings(body, 0)
    lines = body.split("\n")
    found: dict[str, str] = {}
    for index, heading in enumerate(headings):
        if heading.level == 2:
            end = next((h.line for h in headings[index + 1 :] if h.level <= 2), len(lines))
            found.setdefault(normalise_heading(heading.text), "\n".join(lines[heading.line + 1 : end]))
    return found


def _without_code(markdown: str) -> list[str]:
    return [line for _, line in outside_code(markdown)]


def first_paragraph(markdown: str | None) -> str:
    """The first paragraph (not a heading or a list) of a section, as plain text."""
    if not markdown:
        return ""
    paragraph: list[str] = []
    for line in _without_code(markdown):
        if not line.strip():
            # A paragraph that introduces a code block ("...:") continues with the next one.
            if paragraph and not paragraph[-1].rstrip().endswith(":"):
                break
            continue
        if line.lstrip().startswith(("#", ">", "|")) and not paragraph:
            continue
        paragraph.append(line)
    return plain_text(" ".join(paragraph))


def list_items(markdown: str | None) -> list[str]:
    """Top-level list items of a section (continuation lines joined), as plain text.

    A section written as paragraphs instead of a list gives its paragraphs.
    """
    if not markdown:
        return []
    items: list[list[str]] = []
    paragraphs: list[list[str]] = [[]]
    in_item = False
    for line in _without_code(markdown):
        match = _ITEM.match(line)
        if match:
            items.append([match.group(1)])
            in_item = True
        elif not line.strip():
            in_item = in_item and bool(items)
            paragraphs.append([])
        elif in_item and line.startswith((" ", "\t")):
            items[-1].append(line)
        else:
            in_item = False
            paragraphs[-1].append(line)
    if not items and any(_is_table(p) for p in paragraphs):
        # A timeline written as a Markdown table: each body row is an entry ("18:05 First 429s."),
        # and the lines around it (a note on time zones, an intro to a dropped code block) are left out.
        chosen = [[" ".join(row)] for p in paragraphs if _is_table(p) for row in _table_rows(p)]
    else:
        chosen = items or [p for p in paragraphs if p]
    return [text for text in (plain_text(" ".join(parts)) for parts in chosen) if text]


_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _is_table(lines: list[str]) -> bool:
    return len(lines) >= 2 and lines[0].lstrip().startswith("|") and bool(_DELIMITER_ROW.match(lines[1]))


def _table_rows(lines: list[str]) -> list[list[str]]:
    """The body rows' cells (header and delimiter rows dropped); an escaped \\| stays in its cell."""
    rows = []
    for line in lines[2:]:
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip().replace("\\|", "|") for cell in cells if cell.strip()])
    return rows
