"""Template leftovers in a postmortem (code family TL): what `pmkb new` wrote and nobody replaced.

A postmortem that still says `services: [your-service]`, whose Summary is only
the template's comment, or whose action item is "x" owned by "y", reads as
finished to the schema. These rules catch it: an error once the postmortem is
published (a reader would trust it), a warning while it is a draft or in review
(the author is still filling it in).

    TL001  a front-matter value is a placeholder (the scaffold's own, or TBD, TODO, xxx, a single character)
    TL002  a required section holds nothing but comments and blank lines
    TL003  an empty list item (a bullet or number with nothing after it, or only a timestamp)
    TL004  an action item whose summary, owner or ticket is a placeholder

The scaffold (`pmkb/templates/scaffold/postmortem.md.j2`, filled in by `pmkb new`)
uses the `SCAFFOLD_*` values below, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc
from .sections import normalise_heading, outside_code
from ..settings import Settings

__all__ = [
    "SCAFFOLD_ACTION_SUMMARY",
    "SCAFFOLD_IMPACT_SUMMARY",
    "SCAFFOLD_NAME",
    "SCAFFOLD_SERVICE",
    "SCAFFOLD_TEAM",
    "SCAFFOLD_TICKET",
    "is_placeholder",
    "template_leftovers",
]

# What `pmkb new` writes where the author must write something.
SCAFFOLD_SERVICE = "your-service"
SCAFFOLD_TEAM = "your-team"
SCAFFOLD_NAME = "Your Name"
SCAFFOLD_ACTION_SUMMARY = "What will stop this from happening again"
SCAFFOLD_IMPACT_SUMMARY = "What customers saw, in one line"
SCAFFOLD_TICKET = "ABC-123"

_SCAFFOLD_VALUES = {
    v.casefold()
    for v in (SCAFFOLD_SERVICE, SCAFFOLD_TEAM, SCAFFOLD_NAME, SCAFFOLD_ACTION_SUMMARY, SCAFFOLD_IMPACT_SUMMARY)
}
# Values people type to fill a field "for now". A whole value, never a word inside a real one.
_FILLER = re.compile(
    r"(?:tb[dac]|to ?do|fix ?me|x{2,}|y{2,}|z{2,}|\?+|-+|_+|\.+|…|n/?a|none|null|nil|placeholder|change ?me|"
    r"foo|bar|baz|asdf\w*|qwerty|lorem ipsum.*|dummy|someone|somebody|your[- _][\w -]+|<[\w .-]*>|\[[\w .-]*\])",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """A value that only holds the place of a real one: the scaffold's, a filler word, or one character."""
    text = " ".join(value.split())
    return len(text) <= 1 or text.casefold() in _SCAFFOLD_VALUES or bool(_FILLER.fullmatch(text))


# A bullet or number with nothing after it (a task box counts as nothing), or with only a
# timestamp and a separator: the scaffold's timeline line "- 2026-11-28T09:00:00Z — ".
_EMPTY_ITEM = re.compile(
    r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]?\])?[ \t]*"
    r"(?:(?:\*\*)?(?:\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?|\d\d:\d\d(?::\d\d)?)"
    r"(?:Z|[+-]\d\d:?\d\d| ?UTC)?(?:\*\*)?[ \t]*(?:[—–:|-]+[ \t]*)?)?$"
)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _without_comments(body: str) -> str:
    """The body with HTML comments blanked (line breaks kept, so lines still line up)."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def template_leftovers(doc: PostmortemDoc, settings: Settings) -> list[Diagnostic]:
    return list(_leftovers(doc, settings))


def _leftovers(doc: PostmortemDoc, settings: Settings) -> Iterator[Diagnostic]:
    pm = doc.meta
    published = pm.is_published
    level = Level.ERROR if published else Level.WARNING
    # Drafts are told when it starts to matter; published ones, what to do now.
    when = "" if published else " (an error once published)"

    def problem(code: str, line: int, message: str) -> Diagnostic:
        return Diagnostic(doc.rel, line, level, code, message + when)

    fields: list[tuple[tuple[str | int, ...], str, str]] = [(("title",), pm.title, "write the postmortem's title")]
    fields += [(("services", i), v, "write the affected service's name") for i, v in enumerate(pm.services)]
    fields += [(("teams", i), v, "write the owning team's name") for i, v in enumerate(pm.teams)]
    fields += [(("authors", i), v, "write the author's name") for i, v in enumerate(pm.authors)]
    if pm.incident_commander is not None:
        fields.append((("incident_commander",), pm.incident_commander, "write who led the response, or delete the line"))
    if pm.impact_summary is not None:
        fields.append((("impact_summary",), pm.impact_summary, "write what customers saw, or delete the line"))
    for loc, value, fix in fields:
        if is_placeholder(value):
            yield problem("TL001", doc.item_line(*loc), f"{_path(loc)} is '{value}', a placeholder: {fix}")

    for index, item in enumerate(pm.action_items):
        for name, value, fix in (
            ("summary", item.summary, "say what will change, e.g. 'Alert on pool saturation above 80%'"),
            ("owner", item.owner, "name the person or team who will do it"),
            ("ticket", item.ticket, "write the real ticket key, or delete the line until there is one"),
        ):
            if value is None:
                continue
            placeholder = value == SCAFFOLD_TICKET if name == "ticket" else is_placeholder(value)
            if placeholder:
                yield problem(
                    "TL004",
                    doc.item_line("action_items", index, name),
                    f"action_items[{index}].{name} is '{value}', a placeholder: {fix}",
                )

    yield from _body_leftovers(doc, settings, problem)


def _body_leftovers(doc: PostmortemDoc, settings: Settings, problem) -> Iterator[Diagnostic]:  # type: ignore[no-untyped-def]
    text = _without_comments(doc.body)
    first = doc.front.body_start_line
    lines = dict(outside_code(text, first))  # file line -> line; fenced code is content, never "empty"
    empty_items: list[int] = []
    previous = ""
    for number in range(first, first + text.count("\n") + 1):
        line = lines.get(number)
        if line is None:
            previous = "code"
            continue
        # A lone "-" under a paragraph line underlines a heading (setext), it is no list item.
        setext = line.strip() == "-" and previous.strip() and not _LIST_ITEM.match(previous)
        if _EMPTY_ITEM.match(line) and not setext:
            empty_items.append(number)
            yield problem("TL003", number, "an empty list item: write the entry, or delete the line")
        previous = line

    required = {normalise_heading(name) for name in settings.required_sections.postmortem}
    level2 = [h for h in doc.headings if h.level <= 2]
    for heading in doc.headings:
        if heading.level != 2 or normalise_heading(heading.text) not in required:
            continue
        end = next((h.line for h in level2 if h.line > heading.line), first + text.count("\n") + 1)
        span = range(heading.line + 1, end)
        has_content = any(
            number not in lines  # fenced code
            or (lines[number].strip() and not _HEADING.match(lines[number]) and number not in empty_items)
            for number in span
        )
        if not has_content and not any(number in span for number in empty_items):
            yield problem(
                "TL002",
                heading.line,
                f"the section '## {heading.text}' is empty (only comments or blank lines): write it",
            )


def _path(loc: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if i else part) for i, part in enumerate(loc))
