"""Cut the YAML front matter out of a Markdown file and parse it with line numbers.

MkDocs silently renders broken front matter as body text; we parse it ourselves
so every problem is reported at the line the author must edit. One pass of
libyaml's composer gives the node tree (with line marks) and the values are
constructed from those same nodes, so the file is parsed once.

Dates and times reach pydantic as strings (the implicit timestamp resolver is
dropped): `2026-13-01` then gets a clear validation error, and a time without
an offset is not silently read as naive.

Hostile YAML is refused before it is built (an author never needs any of it):
anchors and aliases (a recursive alias or a "billion laughs" tree would never
finish), numbers too long for Python's int, control characters, and Unicode
line separators (libyaml counts them as line breaks, so every line after one
would be reported at the wrong line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Self, Sequence

import yaml

from ..diagnostics import Diagnostic, Level

__all__ = [
    "FrontMatter",
    "FrontMatterError",
    "ParsedYaml",
    "clean_body",
    "decode",
    "parse_document",
    "parse_yaml_mapping",
    "split_body",
    "yaml_loader",
]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_INT_TAG = "tag:yaml.org,2002:int"
# Far above any real value (a count, a port), far below Python's 4,300-digit int limit.
_MAX_NUMBER_CHARS = 100
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
    root: yaml.MappingNode | None  # None once `without_nodes` kept `lines` instead
    # File line of the YAML text's first line: 2 in front matter (the
    # opening '---' is line 1), 1 in a plain YAML file.
    offset: int
    # The node tree's answers as one compact text (see `line_table`): what a loaded document keeps.
    lines: str | None = None

    def line_of(self, loc: Sequence[str | int]) -> int:
        """File line of the key of the value at `loc` (e.g. ("action_items", 2, "due")).

        For a key that is absent (a missing field), the line of the closest
        existing parent; for a missing top-level field, the opening '---'.
        """
        return self._walk(loc, at_key=True)

    def key_line(self, loc: Sequence[str | int]) -> int:
        """Like `line_of`, but the value's own line (a list item or a scalar)."""
        return self._walk(loc, at_key=False)

    def without_nodes(self) -> Self:
        """This mapping answering `line_of` from `line_table`, without the node tree or the raw values.

        What a loaded document keeps once it is validated (its `meta` holds the values): the
        nodes, their marks and the raw values were about 40 kB a postmortem, the table is 3 kB.
        """
        return replace(self, root=None, data={}, lines=self.line_table())

    def _walk(self, loc: Sequence[str | int], at_key: bool) -> int:
        if self.root is None:
            return self._walk_table(loc, at_key)
        node: yaml.Node = self.root
        line = 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                return line
            key_node, node = child
            line = ((key_node if at_key else None) or node).start_mark.line + self.offset
        return line

    def _walk_table(self, loc: Sequence[str | int], at_key: bool) -> int:
        """`_walk` over `lines`: the same line for every `loc`, found or not."""
        table = self.lines or ""
        path: list[str | int] = []
        root = _table_entry(table, path)
        kind = root[2] if root else "m"
        line = 1
        for part in loc:
            if kind == "m":
                step: str | int = str(part)
            elif kind == "s" and isinstance(part, int):
                step = part
            else:
                return line
            entry = _table_entry(table, [*path, step])
            if entry is None:
                return line
            path.append(step)
            key_line, value_line, kind = entry
            line = key_line if at_key and key_line is not None else value_line
        return line

    def line_table(self) -> str:
        """One line per node: its path as JSON, key line (or nothing), value line, "m"/"s"/"v", tab-separated.

        Mapping steps are key texts (the first of duplicate keys, as `_child` finds), sequence
        steps are indexes: exactly what `_walk` would find by walking the nodes. JSON keeps any
        key text on one line, and a lookup is one `str.find`.
        """
        if self.root is None:
            return self.lines or ""
        rows: list[str] = []
        seen: set[tuple[str | int, ...]] = set()
        offset = self.offset

        def kind_of(node: yaml.Node) -> str:
            return "m" if isinstance(node, yaml.MappingNode) else "s" if isinstance(node, yaml.SequenceNode) else "v"

        def add(path: tuple[str | int, ...], key_line: int | None, node: yaml.Node) -> None:
            seen.add(path)
            rows.append(f"{_path_key(path)}\t{'' if key_line is None else key_line}\t{node.start_mark.line + offset}\t{kind_of(node)}")

        def visit(path: tuple[str | int, ...], node: yaml.Node) -> None:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and (*path, key_node.value) not in seen:
                        child = (*path, key_node.value)
                        add(child, key_node.start_mark.line + offset, value_node)
                        visit(child, value_node)
            elif isinstance(node, yaml.SequenceNode):
                for number, item in enumerate(node.value):
                    add((*path, number), None, item)
                    visit((*path, number), item)

        add((), None, self.root)
        visit((), self.root)
        return "\n" + "\n".join(rows) + "\n"


def _path_key(path: Sequence[str | int]) -> str:
    return json.dumps(list(path), separators=(",", ":"))


def _table_entry(table: str, path: Sequence[str | int]) -> tuple[int | None, int, str] | None:
    needle = f"\n{_path_key(path)}\t"
    start = table.find(needle)
    if start < 0:
        return None
    start += len(needle)
    key_line, value_line, kind = table[start : table.index("\n", start)].split("\t")
    return (int(key_line) if key_line else None), int(value_line), kind


@dataclass(slots=True)
class FrontMatter(ParsedYaml):
    """Parsed front matter plus the Markdown body after it."""

    body: str = ""
    body_start_line: int = 1  # file line of the first body line
    end_line: int = 1  # file line of the closing '---'
    # Problems that do not stop the file from loading (control characters dropped from the body).
    warnings: list[Diagnostic] = field(default_factory=list)


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


# Characters YAML refuses or reads as a line break although an editor shows none:
# C0/C1 controls (but tab, LF, CR), NEL U+0085, LS U+2028, PS U+2029, a lone CR.
# (The front matter's last line of a CRLF file keeps its '\r': the split was on '\n'.)
_BAD_YAML_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]|\r(?!\n|\Z)")
# In the body only controls are dropped (line separators are harmless in Markdown).
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
# What a double-quoted value may spell with escapes ("\e[31m", "\0") but not as raw text.
_ESCAPED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _position(text: str, index: int) -> tuple[int, int]:
    """0-based line and 1-based column of `index`, counting only '\\n' as a line break (as editors do)."""
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _char_name(char: str) -> str:
    names = {
        "\x00": "a NUL byte",
        "\r": "a carriage return without a line feed",
        "\x85": "a NEXT LINE character",
        "\u2028": "a LINE SEPARATOR character",
        "\u2029": "a PARAGRAPH SEPARATOR character",
    }
    return f"{names.get(char, 'an invisible control character')} (U+{ord(char):04X})"


def _reject_bad_characters(path: str, text: str, offset: int, what: str) -> None:
    match = _BAD_YAML_CHAR.search(text)
    if match is None:
        return
    line, column = _position(text, match.start())
    char = match.group()
    if char in "\x85\u2028\u2029\r":
        fix = "YAML reads it as a line break that your editor does not show; delete it or use a plain space"
    else:
        fix = "YAML does not allow it; delete it (it is usually pasted in by accident)"
    raise _error(path, line + offset, "FM010", f"{_char_name(char)} in the {what}: {fix}", column)


def _reject_anchors(path: str, text: str, offset: int, what: str) -> None:
    """Anchors (&name) and aliases (*name): refused, so no alias tree can grow without end."""
    for event in yaml.parse(text, Loader=_NoTimestampLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            sign = "*" if kind == "alias" else "&"
            raise _error(
                path,
                event.start_mark.line + offset,
                "FM011",
                f"YAML {kind} '{sign}{event.anchor}' in the {what}: anchors (&name) and aliases (*name) are not "
                f"allowed; write the value out in full, or quote it if it is text starting with {sign}",
                event.start_mark.column + 1,
            )


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
    "exceeded maximum nesting depth": "lists and mappings are nested too deeply; write them flat",
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
    end = _closing_fence(lines)
    if end is None:
        raise _error(
            path,
            1,
            "FM003",
            "the front-matter block opened here is never closed: add a line '---' after the last field",
        )
    yaml_lines = lines[1:end]
    _reject_bad_characters(path, "\n".join(yaml_lines), 2, "front matter")
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
    body, warnings = clean_body(path, "\n".join(lines[end + 1 :]), end + 2)
    return FrontMatter(
        data=parsed.data,
        root=parsed.root,
        offset=2,
        body=body,
        body_start_line=end + 2,
        end_line=end + 1,
        warnings=warnings,
    )


def _closing_fence(lines: list[str]) -> int | None:
    return next((i for i in range(1, len(lines)) if lines[i].rstrip("\r ") in (_FENCE, "...")), None)


def split_body(text: str) -> tuple[str, int] | None:
    """The Markdown body after the front-matter block and its first file line, or None without a closed block.

    For a file whose front matter cannot be read (a YAML error): its body can still be linted.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r ") != _FENCE:
        return None
    end = _closing_fence(lines)
    if end is None:
        return None
    body, _ = clean_body("", "\n".join(lines[end + 1 :]), end + 2)
    return body, end + 2


def clean_body(path: str, body: str, first_line: int) -> tuple[str, list[Diagnostic]]:
    """The body without control characters, and a warning for the first one dropped."""
    warnings: list[Diagnostic] = []
    control = _BODY_CONTROL.search(body)
    if control is not None:
        # Dropped, not reported as an error: the page still builds, and nothing invisible reaches the HTML.
        line, column = _position(body, control.start())
        warnings.append(
            Diagnostic(
                path,
                line + first_line,
                Level.WARNING,
                "FM012",
                f"{_char_name(control.group())} in the text: left out of the page and all output; "
                "delete it from the file",
                column,
            )
        )
        body = _BODY_CONTROL.sub("", body)
    return body, warnings


def parse_yaml_mapping(path: str, text: str, offset: int = 1, what: str = "file") -> ParsedYaml:
    """Parse YAML text that must be a mapping; `offset` is the file line of its first line."""
    _reject_bad_characters(path, text, offset, what)
    try:
        if "&" in text or "*" in text:  # the only way to write an anchor or an alias
            _reject_anchors(path, text, offset, what)
        root = yaml.compose(text, Loader=_NoTimestampLoader)  # noqa: S506 - safe loader
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc, offset) from None
    except yaml.YAMLError as exc:  # e.g. a reader error; the characters it refuses were checked above
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
    _check_nodes(path, root, offset)
    try:
        data = _NoTimestampLoader("").construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc, offset) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # not expected after _check_nodes; never a traceback
        raise _error(path, max(1, offset - 1), "FM005", f"the {what} cannot be read: {exc}") from None
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


def _check_nodes(path: str, node: yaml.Node, offset: int) -> None:
    """Duplicate keys, over-long numbers and escaped control characters, in one walk over every node (each collection once)."""
    stack = [node]
    visited: set[int] = set()  # aliases are refused earlier; this keeps the walk finite regardless
    while stack:
        current = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                for child in (key_node, value_node):
                    if isinstance(child, yaml.ScalarNode):
                        _check_scalar(path, child, offset)
                    else:
                        stack.append(child)
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
        elif isinstance(current, yaml.SequenceNode):
            for child in current.value:
                if isinstance(child, yaml.ScalarNode):
                    _check_scalar(path, child, offset)
                else:
                    stack.append(child)
        elif isinstance(current, yaml.ScalarNode):  # the document itself (refused later: not a mapping)
            _check_scalar(path, current, offset)


def _check_scalar(path: str, node: yaml.ScalarNode, offset: int) -> None:
    """A number Python cannot read, or a control character written as an escape."""
    if node.style == '"' and (control := _ESCAPED_CONTROL.search(node.value)):
        raise _error(
            path,
            node.start_mark.line + offset,
            "FM010",
            f"{_char_name(control.group())} written as an escape in a quoted value: it would reach pages "
            "and terminals invisibly; remove the escape",
            node.start_mark.column + 1,
        )
    if len(node.value) > _MAX_NUMBER_CHARS and node.tag == _INT_TAG:
        raise _error(
            path,
            node.start_mark.line + offset,
            "FM013",
            f"a number {len(node.value)} characters long: numbers here have at most "
            f"{_MAX_NUMBER_CHARS}; quote it if it is text",
            node.start_mark.column + 1,
        )
