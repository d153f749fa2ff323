"""Cut the YAML front matter out of a Markdown file and parse it with line numbers.

MkDocs silently renders broken front matter as body text; we parse it ourselves
so every problem is reported at the line the author must edit. One pass of
libyaml's composer gives the node tree (with line marks) and the values are
constructed from those same nodes, so the file is parsed once.

Dates and times reach pydantic as strings (the implicit timestamp resolver is
dropped): `2026-13-01` then gets a clear validation error, and a time without
an offset is not silently read as naive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import yaml

from .diagnostics import Diagnostic, Level

__all__ = ["FrontMatter", "FrontMatterError", "ParsedYaml", "decode", "parse_document", "parse_yaml_mapping", "yaml_loader"]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoTimestampLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml parser + safe constructor, with dates left as strings."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def yaml_loader() -> type:
    """The loader pmkb uses for every hand-written YAML file."""
    return _NoTimestampLoader


class FrontMatterError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(slots=True)
class ParsedYaml:
    """A parsed YAML mapping and the way back from a value to its file line."""

    data: dict[str, Any]
    root: yaml.MappingNode
    # File line of the YAML text's first line: 2 in front matter (the
    # opening '---' is line 1), 1 in a plain YAML file.
    offset: int

    def line_of(self, loc: Sequence[str | int]) -> int:
        """File line of the key of the value at `loc` (e.g. ("action_items", 2, "due")).

        For a key that is absent (a missing field), the line of the closest
        existing parent; for a missing top-level field, the opening '---'.
        """
        return self._walk(loc, at_key=True)

    def key_line(self, loc: Sequence[str | int]) -> int:
        """Like `line_of`, but the value's own line (a list item or a scalar)."""
        return self._walk(loc, at_key=False)

    def _walk(self, loc: Sequence[str | int], at_key: bool) -> int:
        node: yaml.Node = self.root
        line = 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                return line
            key_node, node = child
            line = ((key_node if at_key else None) or node).start_mark.line + self.offset
        return line


@dataclass(slots=True)
class FrontMatter(ParsedYaml):
    """Parsed front matter plus the Markdown body after it."""

    body: str = ""
    body_start_line: int = 1  # file line of the first body line
    end_line: int = 1  # file line of the closing '---'


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return None, node.value[part]
    return None


def _error(path: str, line: int, code: str, message: str, column: int | None = None) -> FrontMatterError:
    return FrontMatterError(Diagnostic(path, line, Level.ERROR, code, message, column))


_FENCE = "---"
_SYNTAX_HINTS = {
    "mapping values are not allowed": "a value that contains ': ' must be quoted, e.g. title: \"Checkout: errors\"",
    "could not find expected ':'": "each line needs 'key: value'; check the line above for a missing colon or an unclosed quote",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "did not find expected key": "check the indentation: list items and keys at one level must line up",
    "found character that cannot start any token": "quote the value (e.g. a value starting with @ or `)",
    "did not find expected ',' or ']'": "a [list] is not closed or an item needs quotes",
    "did not find expected node content": "a value is missing or starts with a character that needs quotes",
    "found undefined alias": "a value starting with * must be quoted",
}


def decode(path: str, raw: bytes) -> str:
    """UTF-8 text, or an error at the line and column of the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _error(
            path,
            line,
            "FM004",
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); "
            "re-save it as UTF-8 in your editor",
            column,
        ) from None
    return text.removeprefix("\ufeff")


def parse_document(path: str, text: str) -> FrontMatter:
    """Split `text` into front matter and body; raise FrontMatterError on any problem."""
    if not text.strip():
        raise _error(path, 1, "FM001", "the file is empty; start it with a front-matter block ('---', the fields, '---')")
    lines = text.split("\n")
    if lines[0].rstrip("\r ") != _FENCE:
        raise _error(
            path,
            1,
            "FM002",
            "no front-matter block: the file must start with a line '---', then the YAML fields, then a line '---'",
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r ") in (_FENCE, "...")), None)
    if end is None:
        raise _error(
            path,
            1,
            "FM003",
            "the front-matter block opened here is never closed: add a line '---' after the last field",
        )
    yaml_lines = lines[1:end]
    for number, line in enumerate(yaml_lines, start=2):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise _error(
                path,
                number,
                "FM006",
                "indented with a tab: YAML allows only spaces for indentation; replace the tab with spaces",
                indent.index("\t") + 1,
            )
    parsed = parse_yaml_mapping(path, "\n".join(yaml_lines), offset=2, what="front matter")
    return FrontMatter(
        data=parsed.data,
        root=parsed.root,
        offset=2,
        body="\n".join(lines[end + 1 :]),
        body_start_line=end + 2,
        end_line=end + 1,
    )


def parse_yaml_mapping(path: str, text: str, offset: int = 1, what: str = "file") -> ParsedYaml:
    """Parse YAML text that must be a mapping; `offset` is the file line of its first line."""
    try:
        root = yaml.compose(text, Loader=_NoTimestampLoader)  # noqa: S506 - safe loader
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc, offset) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always marks its errors
        raise _error(path, max(1, offset - 1), "FM005", f"YAML syntax error: {exc}") from None
    if root is None:
        raise _error(path, max(1, offset - 1), "FM008", f"the {what} is empty; add the required fields")
    if not isinstance(root, yaml.MappingNode):
        raise _error(
            path,
            root.start_mark.line + offset,
            "FM008",
            f"the {what} must be a set of 'key: value' lines, not a list or a single value",
        )
    _reject_duplicate_keys(path, root, offset)
    try:
        data = _NoTimestampLoader("").construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc, offset) from None
    return ParsedYaml(data=data, root=root, offset=offset)


def _syntax_error(path: str, exc: yaml.MarkedYAMLError, offset: int) -> FrontMatterError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + offset if mark else 1
    column = mark.column + 1 if mark else None
    problem = (exc.problem or str(exc)).strip()
    hint = next((h for key, h in _SYNTAX_HINTS.items() if key in problem), "")
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
        message += f" ({exc.context} at line {exc.context_mark.line + offset})"
    if hint:
        message += f"; {hint}"
    return _error(path, line, "FM005", message, column)


def _reject_duplicate_keys(path: str, node: yaml.Node, offset: int) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = key_node.start_mark.line + offset
                    if key_node.value in seen:
                        raise _error(
                            path,
                            line,
                            "FM007",
                            f"duplicate key '{key_node.value}' (first at line {seen[key_node.value]}): "
                            "YAML would silently keep only the last one; remove or merge one of them",
                        )
                    seen[key_node.value] = line
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
