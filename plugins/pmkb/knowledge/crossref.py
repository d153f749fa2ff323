"""Rules across documents: unique ids and references that must resolve.

Each check is a dictionary lookup per reference, so the whole pass is linear
in the size of the knowledge base.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..diagnostics import Diagnostic, Level
from .documents import PostmortemDoc, RunbookDoc
from .suggest import did_you_mean

__all__ = ["cross_reference_rules", "first_of_each_id"]


def first_of_each_id(docs: Sequence[PostmortemDoc | RunbookDoc]) -> tuple[dict[str, object], list[Diagnostic]]:
    """id -> first document (in path order); later documents with the same id are errors."""
    seen: dict[str, PostmortemDoc | RunbookDoc] = {}
    problems: list[Diagnostic] = []
    for doc in docs:
        first = seen.get(doc.id)
        if first is None:
            seen[doc.id] = doc
            continue
        problems.append(
            Diagnostic(
                doc.rel,
                doc.line_of("id"),
                Level.ERROR,
                "XR001",
                f"id '{doc.id}' is already used by {first.rel}:{first.line_of('id')}; ids must be unique, "
                "pick the next free one (pmkb new finds it)",
            )
        )
    return seen, problems


def cross_reference_rules(
    postmortems: Iterable[PostmortemDoc],
    known_types: Iterable[str],
    runbook_ids: Iterable[str],
    postmortem_ids: Iterable[str],
) -> Iterator[Diagnostic]:
    types = set(known_types)
    runbooks = set(runbook_ids)
    pm_ids = set(postmortem_ids)
    # Lists for "did you mean"; built once, not per reference.
    type_list, runbook_list, pm_list = sorted(types), sorted(runbooks), sorted(pm_ids)
    for doc in postmortems:
        pm = doc.meta
        if pm.incident_type not in types:
            yield _unknown(
                doc,
                doc.line_of("incident_type"),
                "XR002",
                f"unknown incident_type '{pm.incident_type}'",
                pm.incident_type,
                type_list,
                "add it to incident-types.yml or to a runbook's incident_types",
            )
        for index, runbook in enumerate(pm.runbooks):
            if runbook not in runbooks:
                yield _unknown(
                    doc,
                    doc.item_line("runbooks", index),
                    "XR003",
                    f"runbooks[{index}]: no runbook has the id '{runbook}'",
                    runbook,
                    runbook_list,
                    "use the id from a runbook's front matter",
                )
        for index, other in enumerate(pm.related):
            if other == pm.id:
                yield Diagnostic(
                    doc.rel, doc.item_line("related", index), Level.ERROR, "XR005",
                    f"related[{index}]: a postmortem cannot be related to itself; remove '{other}'",
                )
            elif other not in pm_ids:
                yield _unknown(
                    doc,
                    doc.item_line("related", index),
                    "XR004",
                    f"related[{index}]: no postmortem has the id '{other}'",
                    other,
                    pm_list,
                    "use the id of an existing postmortem",
                )


def _unknown(
    doc: PostmortemDoc, line: int, code: str, message: str, word: str, candidates: list[str], fix: str
) -> Diagnostic:
    hint = did_you_mean(word, candidates)
    text = f"{message}; did you mean '{hint}'?" if hint else f"{message}; {fix}"
    return Diagnostic(doc.rel, line, Level.ERROR, code, text)
