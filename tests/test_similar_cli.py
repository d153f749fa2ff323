"""`pmkb similar ID_OR_PATH`: ranked past postmortems with reasons, also for a draft file."""

from __future__ import annotations

from .conftest import KB
from .helpers import run, run_json
from .search_support import add_disk_incidents, add_hostile_incident, postmortem


def test_json_lists_similar_postmortems_with_reasons(kb: KB) -> None:
    add_disk_incidents(kb)
    code, found = run_json(kb.root, "similar", "PM-2026-002")
    assert code == 0
    assert [f["id"] for f in found] == ["PM-2026-003"]  # type: ignore[union-attr]
    first = found[0]  # type: ignore[index]
    assert set(first) == {"id", "kind", "title", "url", "score", "reasons"}
    assert first["kind"] == "postmortem" and first["url"] == "postmortems/2026/pm-2026-003/"
    assert first["reasons"][0] == "same incident type (Disk or volume full)"
    assert any(r.startswith("shared terms: ") and "space" in r for r in first["reasons"])


def test_other_incident_types_can_be_similar(kb: KB) -> None:
    add_disk_incidents(kb)
    # PM-2026-003 (disk-full) shares the checkout service with PM-2026-001 (db-pool).
    _, found = run_json(kb.root, "similar", "PM-2026-001")
    assert [f["id"] for f in found] == ["PM-2026-003"]  # type: ignore[union-attr]
    reasons = found[0]["reasons"]  # type: ignore[index]
    assert "shared service: checkout" in reasons
    assert not any(r.startswith("same incident type") for r in reasons)


def test_a_draft_outside_the_kb_is_compared_by_its_text(kb: KB) -> None:
    add_disk_incidents(kb)
    draft = kb.write(
        "drafts/new.md",
        postmortem(
            "PM-2026-050",
            "Builds failing again",
            incident_type="disk-full",
            services="build-runners",
            status="draft",
            impact="No space left on device on the docker runners.",
        ),
    )
    result = run(kb.root, "similar", str(draft), "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "1. PM-2026-002  CI runners stopped building" in result.output
    assert "why: same incident type (Disk or volume full); shared service: build-runners; shared terms:" in result.output


def test_a_draft_with_broken_front_matter_still_gets_matches(kb: KB) -> None:
    add_disk_incidents(kb)
    draft = kb.write("drafts/wip.md", "---\ntitle: runner disk full\nseverity: [\n---\n\n## Impact\n\nNo space left on device.\n")
    result = run(kb.root, "similar", str(draft), "--format", "json")
    assert result.exit_code == 0
    assert "comparing its title and text only" in result.stderr
    assert '"id": "PM-2026-002"' in result.stdout or '"id": "PM-2026-003"' in result.stdout


def test_unknown_id_is_a_usage_error_with_suggestion(kb: KB) -> None:
    result = run(kb.root, "similar", "PM-2026-01")
    assert result.exit_code == 2
    assert "no postmortem with id PM-2026-01 (did you mean 'PM-2026-001'?)" in result.output
    result = run(kb.root, "similar", "missing/file.md")
    assert result.exit_code == 2 and "no such file: missing/file.md" in result.output


def test_nothing_similar_is_said_plainly(kb: KB) -> None:
    result = run(kb.root, "similar", "PM-2026-001")
    assert result.exit_code == 0
    assert "No published postmortem is similar to PM-2026-001." in result.output


def test_text_output_strips_terminal_escapes_from_author_text_and_json_keeps_them(kb: KB) -> None:
    add_hostile_incident(kb)
    result = run(kb.root, "similar", "PM-2026-002")
    assert result.exit_code == 0
    assert "1. PM-2026-003  Log shipping delayed" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b\x9d") and "pwned" not in result.output
    _, found = run_json(kb.root, "similar", "PM-2026-002")
    assert "pm-2026-003\x1b[31m" in found[0]["url"]  # type: ignore[index]  # JSON keeps the exact name


def test_shared_terms_are_the_kbs_own_words_whatever_ran_before(kb: KB, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The word shown for a stem is this KB's, not one an earlier run in the same process (a `mkdocs serve`
    rebuild, another test) happened to see first."""
    add_disk_incidents(kb)
    other = KB(tmp_path / "other")
    other.root.mkdir()
    for rel in ("mkdocs.yml", "incident-types.yml", "docs/index.md", "runbooks/db-pool.md"):
        other.write(rel, (kb.root / rel).read_text(encoding="utf-8"))
    for number in ("002", "003"):  # the same incidents, but writing "spaces" and "devices"
        text = (kb.root / f"postmortems/2026/pm-2026-{number}.md").read_text(encoding="utf-8")
        other.write(f"postmortems/2026/pm-2026-{number}.md", text.replace("space left on device", "spaces left on devices"))
    _, seen_first = run_json(other.root, "similar", "PM-2026-002")
    assert any("spaces" in r for r in seen_first[0]["reasons"])  # type: ignore[index]
    _, found = run_json(kb.root, "similar", "PM-2026-002")
    terms = next(r for r in found[0]["reasons"] if r.startswith("shared terms: "))  # type: ignore[index]
    assert "space" in terms.removeprefix("shared terms: ").split(", ")
    assert "spaces" not in terms and "devices" not in terms
