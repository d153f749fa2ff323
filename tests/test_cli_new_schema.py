"""`pmkb new` and `pmkb schema`."""

from __future__ import annotations

import json

import pytest

from .conftest import KB
from .helpers import load, run


def test_new_postmortem_takes_the_next_free_id_and_passes_check(kb: KB) -> None:
    result = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV1", "--title", 'Checkout: "pool" <gone>')
    assert result.exit_code == 0, result.output
    rel = result.stdout.strip()
    assert rel == "postmortems/2026/pm-2026-002-checkout-pool-gone.md"
    text = (kb.root / rel).read_text()
    assert "runbooks: [db-pool]" in text
    assert "incident_commander:" in text  # SEV1 needs one
    doc = load(kb.root).postmortem("PM-2026-002")
    assert doc is not None and doc.meta.title == 'Checkout: "pool" <gone>' and doc.meta.status == "draft"
    assert run(kb.root, "check").exit_code == 0


def test_new_postmortem_never_overwrites(kb: KB) -> None:
    first = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "Same")
    path = kb.root / first.stdout.strip()
    path.write_text(path.read_text() + "\nMy notes.\n")
    # A link where the next file would go (pmkb skips it when reading): the exclusive open
    # refuses it rather than writing through it.
    clash = kb.root / "postmortems/2026/pm-2026-003-same.md"
    target = kb.root / "elsewhere.md"
    clash.symlink_to(target)
    second = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "Same")
    assert second.exit_code == 1
    assert "already exists; not overwriting it" in second.stderr
    assert not target.exists()
    assert path.read_text().endswith("My notes.\n")


def test_new_postmortem_id_skips_a_file_that_cannot_be_read_yet(kb: KB) -> None:
    kb.write("postmortems/2026/pm-2026-002-half-written.md", "keep me\n")
    result = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "Next")
    assert result.stdout.strip() == "postmortems/2026/pm-2026-003-next.md"
    assert (kb.root / "postmortems/2026/pm-2026-002-half-written.md").read_text() == "keep me\n"


def test_new_postmortem_unknown_type_suggests(kb: KB) -> None:
    result = run(kb.root, "new", "postmortem", "--type", "db-poll", "--severity", "SEV2", "--title", "x")
    assert result.exit_code == 2
    assert "--type 'db-poll' is not a known incident type; did you mean 'db-pool'?" in result.stderr


def test_new_postmortem_unknown_severity(kb: KB) -> None:
    result = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "P1", "--title", "x")
    assert result.exit_code == 2
    assert "--severity 'P1' is not a configured level" in result.stderr


def test_new_runbook(kb: KB) -> None:
    result = run(kb.root, "new", "runbook", "--type", "cache-stale", "--title", "Stale Cache Entries")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "runbooks/stale-cache-entries.md"
    assert load(kb.root).runbook("stale-cache-entries").meta.incident_types == ["cache-stale"]
    assert run(kb.root, "check").exit_code == 0
    again = run(kb.root, "new", "runbook", "--type", "cache-stale", "--title", "Stale Cache Entries")
    assert again.exit_code == 1


def test_schema_postmortem_lists_configured_severities(kb: KB) -> None:
    result = run(kb.root, "schema", "postmortem")
    schema = json.loads(result.stdout)
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert set(schema["required"]) >= {"id", "title", "status", "severity", "incident_type", "timestamps"}
    assert schema["additionalProperties"] is False


def test_schema_runbook(kb: KB) -> None:
    schema = json.loads(run(kb.root, "schema", "runbook").stdout)
    assert set(schema["required"]) == {"id", "title", "incident_types", "owner_team", "last_reviewed"}


def _files(kb: KB) -> set[str]:
    return {p.relative_to(kb.root).as_posix() for p in kb.root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["postmortem", "--author", "Dana\nid: PM-2026-001"],
            "--author contains a line break (U+000A); give it on one line without control characters",
        ),
        (["postmortem", "--title", "   "], '--title is empty; give it a value, e.g. --title "Checkout errors'),
        (["postmortem", "--team", ""], "--team is empty"),
        (["postmortem", "--service", "check\u2028out"], "--service contains a line break (U+2028)"),
        (["postmortem", "--title", "Red \x1b[31m"], "--title contains a control character (U+001B)"),
        (["runbook", "--id", "cache-stale\n"], "--id 'cache-stale\\n' is not kebab-case"),
        (["runbook", "--type", "cache-stale\n"], "--type 'cache-stale\\n' is not kebab-case"),
        (["runbook", "--title", ""], "--title is empty"),
    ],
)
def test_new_bad_argument_is_a_usage_error_and_writes_nothing(kb: KB, args: list[str], message: str) -> None:
    base = {
        "postmortem": ["--type", "db-pool", "--severity", "SEV3", "--title", "Fine"],
        "runbook": ["--type", "cache-stale", "--title", "Fine"],
    }[args[0]]
    before = _files(kb)
    option = args[1]
    rest = [a for i, a in enumerate(base) if a != option and (i == 0 or base[i - 1] != option)]
    result = run(kb.root, "new", args[0], *rest, *args[1:])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert _files(kb) == before


def test_new_postmortem_in_a_public_build_still_skips_internal_ids(kb: KB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMKB_PUBLIC_BUILD", "1")  # PM-2026-001 is internal, so a public build leaves it out
    result = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "Public")
    assert result.stdout.strip() == "postmortems/2026/pm-2026-002-public.md"
