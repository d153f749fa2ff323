"""Property: whatever text or front-matter structure the loader gets, it returns problems, never raises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkb.knowledge.loader import load_document
from pmkb.settings import Settings

SETTINGS = Settings()
AS_OF = date(2026, 11, 28)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates().map(str),
    st.sampled_from(["SEV1", "published", "2026-03-14T02:10:00Z", "2026-13-01", "PM-2026-001", "db-pool", "[", ":", "*a", "!!python/object"]),
)
keys = st.one_of(
    st.sampled_from(
        ["id", "title", "status", "severity", "incident_type", "services", "teams", "authors", "timestamps",
         "action_items", "started", "detected", "due", "owner", "summary", "ticket", "runbooks", "related",
         "incident_types", "owner_team", "last_reviewed", "customer_impact"]
    ),
    st.text(max_size=12),
)
structures = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)), max_leaves=25)


def _check(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "pm.md"
    path.write_bytes(raw)
    for kind in ("postmortem", "runbook"):
        doc, problems = load_document(path, tmp_path, kind, SETTINGS, AS_OF)  # type: ignore[arg-type]
        assert doc is not None or problems, "an unusable file must come with at least one problem"
        lines = raw.count(b"\n") + 1  # what an editor shows
        for problem in problems:
            assert 1 <= problem.line <= lines, problem.as_text()
            assert problem.file == "pm.md"
            assert problem.message
            assert len(problem.as_text().splitlines()) == 1, problem.as_text()  # one problem, one line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_arbitrary_text(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=200), front=st.text(max_size=300))
def test_arbitrary_text_between_fences(tmp_path: Path, front: str, body: str) -> None:
    _check(tmp_path, f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass"))


@pytest.mark.slow  # 300 nested structures: the one long property test
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(keys, structures, max_size=10))
def test_arbitrary_front_matter_structures(tmp_path: Path, data: dict) -> None:
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _check(tmp_path, f"---\n{front}---\n\n## Summary\n".encode("utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path: Path, raw: bytes) -> None:
    _check(tmp_path, b"---\n" + raw)
