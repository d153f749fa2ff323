"""`pmkb new` and `pmkb schema`."""

from __future__ import annotations

import json

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
    # The same id again (the file exists under that name): simulate by writing a file where the next one would go.
    clash = kb.root / "postmortems/2026/pm-2026-003-same.md"
    clash.write_text("keep me\n")
    second = run(kb.root, "new", "postmortem", "--type", "db-pool", "--severity", "SEV3", "--title", "Same")
    assert second.exit_code == 1
    assert "already exists; not overwriting it" in second.stderr
    assert clash.read_text() == "keep me\n"
    assert path.read_text().endswith("My notes.\n")


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
