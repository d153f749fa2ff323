"""Task-list checkboxes that a screen reader can name.

pymdownx.tasklist writes `<label class="task-list-control"><input type="checkbox" disabled/>
<span class="task-list-indicator"></span></label> text`: the label holds no text, so the checkbox
has no accessible name (axe-core rule `label`). Each checkbox gets its item's own text as
`aria-label` (tags dropped, already HTML-escaped by Markdown, so safe inside the attribute).
"""

from __future__ import annotations

import re

__all__ = ["label_task_list_checkboxes"]

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

