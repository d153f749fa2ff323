"""Read the pager files under `oncall/` into `PagerRecord`s; never raises on bad input.

- `*.json`: PagerDuty REST API v2 `GET /incidents` answers (`{"incidents": [...]}`),
  one per file or several concatenated (as pages of the API arrive).
- `*.csv`: header `created_at,rotation,service,urgency,assignee,title,id` (any order),
  `created_at` ISO 8601 with an offset, `urgency` high|low (empty = high).

A file or row that cannot be used becomes a warning with file:line naming the fix
(code OC001-OC004); the rest is still read, so one bad export never stops a build.
Hidden files and folders are skipped, like the content folders.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Level
from .models import PagerLoad, PagerRecord

__all__ = ["CSV_COLUMNS", "load_pager_dir", "parse_time"]

CSV_COLUMNS = ("created_at", "rotation", "service", "urgency", "assignee", "title", "id")


def _warn(file: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=file, line=line, level=Level.WARNING, code=code, message=message)


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 time with an offset; None when unparsable or without offset (we never guess a zone)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not take 'Z'
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and moment.utcoffset() is not None else None


def _pager_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in (".json", ".csv")
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found)


def load_pager_dir(root: Path, oncall_dir: str) -> PagerLoad:
    """Every pager file under root/oncall_dir, in path order (the first copy of an id wins later)."""
    load = PagerLoad()
    for path in _pager_files(root / oncall_dir):
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        load.files.append(rel)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            load.diagnostics.append(_warn(rel, 1, "OC001", f"not UTF-8 (byte {exc.start}); save the export as UTF-8"))
            continue
        except OSError as exc:
            load.diagnostics.append(_warn(rel, 1, "OC001", f"cannot be read: {exc.strerror}"))
            continue
        reader = _read_json if path.suffix.lower() == ".json" else _read_csv
        records, problems = reader(text, rel)
        load.records.extend(records)
        load.diagnostics.extend(problems)
    return load


# -- PagerDuty JSON ----------------------------------------------------------------------


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _json_documents(text: str, rel: str) -> tuple[list[tuple[Any, int]], list[Diagnostic]]:
    """The JSON documents of a file, one or several back to back, each with its start offset."""
    decoder = json.JSONDecoder()
    documents: list[tuple[Any, int]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            document, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            return documents, [_warn(rel, exc.lineno, "OC001",
                                     f"broken JSON: {exc.msg} (column {exc.colno}); re-run `pmkb oncall sync` "
                                     "or fix the file (a PagerDuty GET /incidents answer: {\"incidents\": [...]})")]
        documents.append((document, position))
        position = end
    if not documents:
        return [], [_warn(rel, 1, "OC001", "empty file; delete it or put a PagerDuty GET /incidents answer in it")]
    return documents, []


def _summary(value: Any) -> str:
    """A PagerDuty reference's `summary` (service, escalation_policy, assignee)."""
    return str(value.get("summary") or "").strip() if isinstance(value, dict) else ""


def _read_json(text: str, rel: str) -> tuple[list[PagerRecord], list[Diagnostic]]:
    documents, problems = _json_documents(text, rel)
    records: list[PagerRecord] = []
    for document, start in documents:
        incidents = document.get("incidents") if isinstance(document, dict) else None
        if not isinstance(incidents, list):
            problems.append(_warn(rel, _line_at(text, start), "OC001",
                                  "not a PagerDuty GET /incidents answer: expected an object with an \"incidents\" list"))
            continue
        cursor = start
        for incident in incidents:
            if not isinstance(incident, dict):
                problems.append(_warn(rel, _line_at(text, start), "OC003", "an entry of \"incidents\" is not an object"))
                continue
            incident_id = str(incident.get("id") or "").strip()
            # Point at the incident's own line: its id appears after the previous one's.
            found = text.find(json.dumps(incident_id), cursor) if incident_id else -1
            if found >= 0:
                cursor = found
            line = _line_at(text, cursor)
            record, problem = _incident(incident, incident_id, rel, line)
            if problem:
                problems.append(problem)
            if record:
                records.append(record)
    return records, problems


def _incident(incident: dict[str, Any], incident_id: str, rel: str, line: int) -> tuple[PagerRecord | None, Diagnostic | None]:
    if not incident_id:
        return None, _warn(rel, line, "OC003", "incident without \"id\"; every GET /incidents entry has one")
    raw_time = incident.get("created_at")
    created = parse_time(raw_time) if isinstance(raw_time, str) else None
    if created is None:
        return None, _warn(rel, line, "OC003",
                           f"incident {incident_id}: created_at {raw_time!r} is not an ISO 8601 time with an offset "
                           "(e.g. '2026-05-04T13:42:00Z')")
    urgency = str(incident.get("urgency") or "high").strip().lower()
    if urgency not in ("high", "low"):
        return None, _warn(rel, line, "OC004", f"incident {incident_id}: urgency {urgency!r} must be 'high' or 'low'")
    service = _summary(incident.get("service"))
    policy = _summary(incident.get("escalation_policy"))
    assignments = incident.get("assignments") or []
    assignees = [_summary(a.get("assignee")) for a in assignments if isinstance(a, dict)]
    number = incident.get("incident_number")
    return PagerRecord(
        id=incident_id,
        created_at=created,
        urgency=urgency,  # type: ignore[arg-type]
        service=service or "(no service)",
        title=str(incident.get("title") or "").strip() or "(no title)",
        rotation=policy or service or "(no service)",
        assignee=", ".join(a for a in assignees if a),
        status=str(incident.get("status") or ""),
        number=number if isinstance(number, int) else None,
        source=f"{rel}:{line}",
    ), None


# -- generic CSV -------------------------------------------------------------------------


def _read_csv(text: str, rel: str) -> tuple[list[PagerRecord], list[Diagnostic]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [_warn(rel, 1, "OC002", f"not a CSV file: {exc}")]
    if header is None:
        return [], [_warn(rel, 1, "OC002", f"empty file; the first line must be {','.join(CSV_COLUMNS)}")]
    names = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in names]
    unknown = [h for h in names if h not in CSV_COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        detail = "; ".join(part for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(repr(u) for u in unknown)}" if unknown else "",
            "a column appears twice" if len(set(names)) != len(names) else "",
        ) if part)
        return [], [_warn(rel, 1, "OC002", f"bad header ({detail}); the first line must be {','.join(CSV_COLUMNS)}")]
    column = {name: i for i, name in enumerate(names)}
    records: list[PagerRecord] = []
    problems: list[Diagnostic] = []
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                problems.append(_warn(rel, line, "OC003", f"{len(row)} values for {len(names)} columns; quote values that contain commas"))
                continue
            record, problem = _row({name: row[i].strip() for name, i in column.items()}, rel, line)
            if problem:
                problems.append(problem)
            if record:
                records.append(record)
    except csv.Error as exc:
        problems.append(_warn(rel, reader.line_num or line, "OC003", f"unreadable CSV: {exc}"))
    return records, problems


def _row(values: dict[str, str], rel: str, line: int) -> tuple[PagerRecord | None, Diagnostic | None]:
    created = parse_time(values["created_at"])
    if created is None:
        return None, _warn(rel, line, "OC003",
                           f"created_at {values['created_at']!r} is not an ISO 8601 time with an offset; "
                           "add 'Z' or an offset such as '+02:00' (pmkb never guesses a time zone)")
    urgency = values["urgency"].lower() or "high"
    if urgency not in ("high", "low"):
        return None, _warn(rel, line, "OC004", f"urgency {values['urgency']!r} must be 'high', 'low' or empty (= high)")
    service = values["service"] or "(no service)"
    return PagerRecord(
        # Rows without an id cannot be told apart from re-exports: the row's facts stand in.
        id=values["id"] or f"{values['created_at']}|{service}|{values['title']}",
        created_at=created,
        urgency=urgency,  # type: ignore[arg-type]
        service=service,
        title=values["title"] or "(no title)",
        rotation=values["rotation"] or service,
        assignee=values["assignee"],
        source=f"{rel}:{line}",
    ), None
