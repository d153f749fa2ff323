"""Turn pydantic validation errors into messages a tired responder understands.

pydantic knows the path of a bad value (`action_items[2].due`) but not its
line; `ParsedYaml.line_of` maps the path back to the YAML node. Each message
says what is wrong and how to fix it, with a "did you mean" where a near
miss is likely.
"""

from __future__ import annotations

import typing
from typing import Any, Sequence

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, Level
from .frontmatter import ParsedYaml
from .suggest import did_you_mean

__all__ = ["field_path", "validation_diagnostics"]


def field_path(loc: Sequence[str | int]) -> str:
    """('action_items', 2, 'due') -> 'action_items[2].due'."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PATTERN_HINTS = {
    "id": "use the form PREFIX-YEAR-NUMBER, e.g. PM-2026-014",
    "related": "use postmortem ids of the form PM-2026-014",
    "ticket": "use a Jira issue key such as PAY-123",
}
_SLUG_HINT = "use lowercase words joined by hyphens, e.g. db-connection-pool-exhaustion"
_DATE_TYPES = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}
_DATETIME_TYPES = {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}


def validation_diagnostics(
    file: str, exc: ValidationError, parsed: ParsedYaml, model: type[BaseModel]
) -> list[Diagnostic]:
    errors = exc.errors(include_url=False)
    # A misspelt required key yields "unknown field" and "missing field": report it once,
    # as the unknown field with its "did you mean".
    misspelt = {
        (tuple(err["loc"][:-1]), hint)
        for err in errors
        if err["type"] == "extra_forbidden"
        for hint in [did_you_mean(str(err["loc"][-1]), _known_fields(model, err["loc"][:-1]))]
        if hint
    }
    return [
        _diagnostic(file, err, parsed, model)
        for err in errors
        if not (err["type"] == "missing" and (tuple(err["loc"][:-1]), err["loc"][-1]) in misspelt)
    ]


def _diagnostic(file: str, err: Any, parsed: ParsedYaml, model: type[BaseModel]) -> Diagnostic:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    path = field_path(loc)
    kind = err["type"]
    value = err.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str) and p != "[key]"), path)

    def diag(code: str, message: str, line: int | None = None) -> Diagnostic:
        return Diagnostic(file, line or parsed.line_of(loc), Level.ERROR, code, message)

    if kind == "missing":
        where = f" in {field_path(loc[:-1])}" if len(loc) > 1 else ""
        return diag("SC001", f"missing required field '{loc[-1]}'{where}; add a line '{loc[-1]}: ...'")
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known)
        fix = f"did you mean '{hint}'?" if hint else f"known fields here: {', '.join(known)}"
        return diag("SC002", f"unknown field '{path}'; {fix}")
    if kind == "timezone_aware":
        return diag(
            "SC004",
            f"{path}: the time '{value}' has no UTC offset; add 'Z' or an offset such as '+02:00' "
            "(pmkb never guesses a time zone)",
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), options)
        suffix = f" (did you mean '{hint}'?)" if hint else ""
        return diag("SC003", f"{path}: '{value}' is not allowed; use one of {', '.join(options)}{suffix}")
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(name, _SLUG_HINT)
        return diag("SC003", f"{path}: '{value}' is not valid; {hint}")
    if kind in _DATE_TYPES:
        return diag("SC003", f"{path}: '{value}' is not a valid date; write it as YYYY-MM-DD, e.g. 2026-04-01")
    if kind in _DATETIME_TYPES:
        return diag(
            "SC003",
            f"{path}: '{value}' is not a valid time; write it as ISO 8601 with an offset, e.g. 2026-03-14T02:10:00Z",
        )
    if kind in {"bool_type", "bool_parsing"}:
        return diag("SC003", f"{path}: '{value}' is not true or false; write true or false without quotes")
    if kind == "list_type":
        return diag("SC003", f"{path}: must be a list, e.g. {name}: [first, second]")
    if kind == "too_short":
        return diag("SC003", f"{path}: needs at least one entry")
    if kind in {"string_too_short"} or (kind == "string_type" and value is None):
        return diag("SC003", f"{path}: is empty; write a value")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return diag("SC003", f"{path}: must be a group of 'key: value' lines, not {type(value).__name__}")
    if kind == "string_type":
        return diag("SC003", f"{path}: must be text, not {_yaml_type(value)}; put the value in quotes")
    if kind.startswith("int_"):
        return diag("SC003", f"{path}: '{value}' is not a whole number")
    return diag("SC003", f"{path}: {err['msg']}")


def _yaml_type(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def _known_fields(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the (sub)model at `loc`, for the "did you mean" of an unknown key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is not None:  # other parts are mapping keys, e.g. a taxonomy slug
            current = _inner_model(field.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _inner_model(annotation: Any) -> Any:
    """list[ActionItem] / ActionItem | None / Annotated[...] -> ActionItem."""
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
