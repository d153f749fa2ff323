"""Two touches on every page's HTML so it reads well in any browser width and to a screen reader.

Tokens whole: chromium breaks a line after a hyphen even before digits, so on a phone an id, a
date or a ticket in running text splits ("PM-2026-/021", "2026-/11-25", "CHK-/101"). Each such
token in text (not in code, scripts or attributes) is wrapped in `<span class="pmkb-nowrap">`
(pmkb.css: `white-space: nowrap`); the words are unchanged, so search and copy see the same text.

Task-list checkboxes that a screen reader can name:

pymdownx.tasklist writes `<label class="task-list-control"><input type="checkbox" disabled/>
<span class="task-list-indicator"></span></label> text`: the label holds no text, so the checkbox
has no accessible name (axe-core rule `label`). Each checkbox gets its item's own text as
`aria-label` (tags dropped, already HTML-escaped by Markdown, so safe inside the attribute).
"""

from __future__ import annotations

import re

__all__ = ["keep_tokens_whole", "label_task_list_checkboxes", "readable"]

_ITEM = re.compile(
    r'(<label class="task-list-control"><input type="checkbox" disabled(?:="disabled")?(?: checked(?:="checked")?)?)'
    r'(\s*/?>)(<span class="task-list-indicator"></span></label>)([^\n]*)'
)
_TAG = re.compile(r"<[^>]*>")


def label_task_list_checkboxes(html_text: str) -> str:
    if 'class="task-list-control"' not in html_text:
        return html_text

    def label(match: re.Match[str]) -> str:
        text = _TAG.sub("", match.group(4).split("<ul", 1)[0]).strip().replace('"', "&quot;")[:200]
        return f'{match.group(1)} aria-label="{text or "task"}"{match.group(2)}{match.group(3)}{match.group(4)}'

    return _ITEM.sub(label, html_text)


# Postmortem ids, ISO dates (with a time: "2026-11-17 18:05"), tickets (KEY-123).
_TOKEN = re.compile(r"(?<![\w-])(?:PM-\d{4}-\d+|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?|[A-Z][A-Z0-9]+-\d+)(?![\w-])")
_MARKUP = re.compile(r"(<[^>]*>)")
_SKIP = {"pre", "code", "script", "style", "textarea", "title", "svg", "kbd", "samp"}
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")


def keep_tokens_whole(html_text: str) -> str:
    parts = _MARKUP.split(html_text)
    inside: list[str] = []  # the skipped elements we are in (code, pre, ...)
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if inside:
                        inside.pop()
                else:
                    inside.append(name.group(1).lower())
        elif not inside and part and "-" in part:
            parts[index] = _TOKEN.sub(r'<span class="pmkb-nowrap">\g<0></span>', part)
    return "".join(parts)


def readable(html_text: str) -> str:
    """Both touches, for a page's content HTML."""
    return keep_tokens_whole(label_task_list_checkboxes(html_text))
