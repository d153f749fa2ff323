"""From what an engineer types to a whoosh query, with clear errors.

Free words are OR-ed (a document matching more of them ranks higher, so
"connection pool exhausted checkout 500s" works without quoting), while fielded
terms such as `severity:SEV1 service:checkout` or `date:2026-05` are filters
every hit must pass. whoosh's parser is lenient (it drops an unclosed quote or
bracket silently), so the query is checked first and a mistake is reported
with the part that caused it.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Iterable

from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.qparser.dateparse import DateParserPlugin

from ..knowledge.suggest import did_you_mean

__all__ = ["FILTER_FIELDS", "QueryError", "TEXT_FIELDS", "build_query", "field_names", "is_filter"]

# Field -> query-time boost: the title, then symptoms, summary and root cause, then the rest.
# (Symptoms, summary and root cause share the `key` field: every scored field costs time per query.)
TEXT_FIELDS = {"title": 3.0, "key": 2.0, "body": 1.0}
# Fields that filter rather than score.
FILTER_FIELDS = ("id", "kind", "type", "severity", "service", "team", "tag", "status", "date")
ALIASES = {
    "type": ["incident_type", "types"],
    "service": ["services"],
    "team": ["teams"],
    "tag": ["tags"],
    "date": ["started", "reviewed"],
    "key": ["symptoms", "symptom", "impact", "summary", "root_cause", "rootcause", "cause"],
}
_DATE_HELP = "use YYYY, YYYY-MM, YYYY-MM-DD, >2026-05-01, <2026-06 or [2026-05-01 to 2026-06-30]"


class QueryError(ValueError):
    """The query cannot be read; the message names the offending part and how to fix it."""


def field_names() -> list[str]:
    return [*TEXT_FIELDS, *FILTER_FIELDS, *(a for names in ALIASES.values() for a in names)]


def _parser(schema: Schema, now: datetime) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS, group=qparser.OrGroup.factory(0.9)
    )
    parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(DateParserPlugin(basedate=now))
    return parser


_FIELD = re.compile(r"(?<![\w:/.])([A-Za-z_][\w-]*):(?=(\S?))")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def _check_syntax(text: str) -> None:
    """Unbalanced quotes and brackets, dangling operators, unknown or empty fields."""
    if text.count('"') % 2:
        at = text.rfind('"')
        raise QueryError(f'unclosed quote at column {at + 1}: {text[at:at + 30]!r}; close it with another "')
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    in_quote = False
    for at, char in enumerate(text):
        if char == '"':
            in_quote = not in_quote
        elif in_quote:
            continue
        elif char in "([{":
            stack.append((char, at))
        elif char in pairs:
            if not stack or stack[-1][0] != pairs[char]:
                raise QueryError(f"unmatched {char!r} at column {at + 1}: {text[max(0, at - 20):at + 1]!r}")
            stack.pop()
    if stack:
        char, at = stack[-1]
        raise QueryError(f"unclosed {char!r} at column {at + 1}: {text[at:at + 30]!r}; add the closing bracket")
    words = re.sub(r'"[^"]*"', '"x"', text).split()
    for index, word in enumerate(words):
        if word in _OPERATORS:
            before = words[index - 1] if index else None
            after = words[index + 1] if index + 1 < len(words) else None
            if after is None or (word != "NOT" and (before is None or before in _OPERATORS - {"NOT"})):
                raise QueryError(f"{word} needs a term on both sides (in {' '.join(words[max(0, index - 1):index + 2])!r})")
    known = set(field_names())
    for match in _FIELD.finditer(text):
        name, following = match.group(1), match.group(2)
        if name in known:
            if not following or following.isspace():
                raise QueryError(f"{name}: needs a value right after the colon, e.g. {_example(name)}")
        elif following and not following.isspace():
            hint = did_you_mean(name, [*TEXT_FIELDS, *FILTER_FIELDS])
            if hint:
                raise QueryError(
                    f"unknown field {name!r} in {text[match.start():match.end() + 20].split()[0]!r} "
                    f"(did you mean '{hint}'?); fields: {', '.join(FILTER_FIELDS)}, {', '.join(TEXT_FIELDS)}"
                )


_DATE_TERM = re.compile(r"(?<![\w])(date|started|reviewed):(\[[^\]]*\]|\S+)")
_DATE_LIKE = re.compile(r"\d[\d-]*")


def _check_dates(text: str) -> None:
    """whoosh reads '2026-99-99' as some other date or ignores it: check numeric dates strictly."""
    for match in _DATE_TERM.finditer(text):
        for value in _DATE_LIKE.findall(match.group(2)):
            for form in ("%Y", "%Y-%m", "%Y-%m-%d"):
                try:
                    datetime.strptime(value, form)
                    break
                except ValueError:
                    continue
            else:
                raise QueryError(f"cannot read the date {value!r} in {match.group(0)!r}: {_DATE_HELP}")


def _example(name: str) -> str:
    examples = {"severity": "severity:SEV1", "service": "service:checkout", "date": "date:2026-05", "kind": "kind:runbook"}
    return examples.get(name, f"{name}:checkout")


def _leaves(q: query.Query) -> Iterable[query.Query]:
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def is_filter(q: query.Query) -> bool:
    """Only keyword/date fields (severity:, type:, date: ...): it restricts hits and does not score."""
    if isinstance(q, query.Not):
        return False
    return all(getattr(leaf, "fieldname", None) in FILTER_FIELDS for leaf in _leaves(q))


def build_query(schema: Schema, text: str, filters: list[query.Query] | None = None, now: datetime | None = None) -> query.Query:
    """The whoosh query for `text` plus extra filters (from --type, --severity...)."""
    now = now or datetime.now(timezone.utc)
    _check_syntax(text)
    _check_dates(text)
    try:
        parsed = _parser(schema, now).parse(text, normalize=False)
    except Exception as exc:  # whoosh raises a bare Exception for an unreadable date in a range
        raise QueryError(f"{exc} ({_DATE_HELP})") from None
    for leaf in _leaves(parsed):
        error = getattr(leaf, "error", None)
        if error is not None and leaf is not None and type(leaf).__name__ == "_NullQuery":
            raise QueryError(f"cannot read the date {str(error)!r} in {text!r}: {_DATE_HELP}")
    parsed = parsed.normalize()
    parts = list(parsed.subqueries) if isinstance(parsed, query.Or) else [parsed]
    required = [p for p in parts if p is not query.NullQuery and is_filter(p)]
    excluded = [p.query for p in parts if isinstance(p, query.Not)]
    scored = [p for p in parts if p is not query.NullQuery and p not in required and not isinstance(p, query.Not)]
    required += filters or []
    if scored:
        result: query.Query = query.Or(scored, scale=0.9) if len(scored) > 1 else scored[0]
        if required:
            # Filters restrict; only the free words score.
            result = query.And([*required, result])
    elif required:
        result = query.And(required) if len(required) > 1 else required[0]
    else:
        result = query.Every()
    if excluded:
        result = query.AndNot(result, query.Or(excluded))
    return result
