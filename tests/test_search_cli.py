"""`pmkb search`: text with highlighted snippets, JSON as SPEC, filters, fielded queries, bad syntax."""

from __future__ import annotations

from .conftest import KB
from .helpers import run, run_json
from .search_support import add_disk_incidents, add_hostile_incident


def test_json_is_a_list_of_id_kind_title_url_score(kb: KB) -> None:
    code, hits = run_json(kb.root, "search", "connection is not available")
    assert code == 0
    assert {h["id"] for h in hits} == {"db-pool", "PM-2026-001"}  # type: ignore[union-attr]
    for hit in hits:  # type: ignore[union-attr]
        assert set(hit) == {"id", "kind", "title", "url", "score"}
        assert isinstance(hit["score"], float) and hit["score"] > 0
    urls = {h["id"]: h["url"] for h in hits}  # type: ignore[union-attr]
    assert urls == {"db-pool": "runbooks/db-pool/", "PM-2026-001": "postmortems/2026/pm-2026-001/"}


def test_url_uses_site_url_when_configured(kb: KB) -> None:
    kb.write("mkdocs.yml", "site_url: https://kb.example.com/docs/\n" + (kb.root / "mkdocs.yml").read_text())
    _, hits = run_json(kb.root, "search", "HikariPool")
    assert hits[0]["url"] == "https://kb.example.com/docs/runbooks/db-pool/"  # type: ignore[index]


def test_text_output_highlights_the_matched_words(kb: KB) -> None:
    result = run(kb.root, "search", "leak refund")
    assert result.exit_code == 0
    assert "PM-2026-001  Checkout errors from pool exhaustion" in result.output
    assert "postmortems/2026/pm-2026-001.md" in result.output
    assert "… A **leak** in the **refund** path …" in result.output


def test_no_match_says_so_and_succeeds(kb: KB) -> None:
    result = run(kb.root, "search", "kangaroo")
    assert result.exit_code == 0
    assert "No postmortem or runbook matches 'kangaroo'" in result.output


def test_fielded_query_filters(kb: KB) -> None:
    add_disk_incidents(kb)
    _, hits = run_json(kb.root, "search", "severity:SEV1 service:checkout")
    assert [h["id"] for h in hits] == ["PM-2026-003"]  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "type:disk-full")
    assert [h["id"] for h in hits] == ["PM-2026-003", "PM-2026-002"]  # type: ignore[union-attr]  # newest first
    _, hits = run_json(kb.root, "search", "space left kind:postmortem type:disk-full severity:sev3")
    assert [h["id"] for h in hits] == ["PM-2026-002"]  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "kind:runbook")
    assert [h["id"] for h in hits] == ["db-pool"]  # type: ignore[union-attr]


def test_date_ranges(kb: KB) -> None:
    add_disk_incidents(kb)
    _, hits = run_json(kb.root, "search", "date:2026-06")
    assert [h["id"] for h in hits] == ["PM-2026-002"]  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "kind:postmortem date:[2026-03-01 to 2026-06-30]")
    assert {h["id"] for h in hits} == {"PM-2026-001", "PM-2026-002"}  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "kind:postmortem date:>2026-06-03")
    assert [h["id"] for h in hits] == ["PM-2026-003"]  # type: ignore[union-attr]


def test_filter_options(kb: KB) -> None:
    add_disk_incidents(kb)
    _, hits = run_json(kb.root, "search", "no space left on device", "--type", "disk-full", "--since", "2026-07-01")
    assert [h["id"] for h in hits] == ["PM-2026-003"]  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "checkout", "--severity", "SEV2", "--service", "checkout")
    assert [h["id"] for h in hits] == ["PM-2026-001"]  # type: ignore[union-attr]
    _, hits = run_json(kb.root, "search", "failed", "--limit", "1")
    assert len(hits) == 1  # type: ignore[arg-type]


def test_free_words_need_not_all_match(kb: KB) -> None:
    # An engineer types what they see; a document matching most of it still ranks.
    _, hits = run_json(kb.root, "search", "checkout pool exhausted giraffe")
    assert hits and hits[0]["id"] in {"PM-2026-001", "db-pool"}  # type: ignore[index]


def test_unknown_type_or_severity_is_a_usage_error_with_suggestion(kb: KB) -> None:
    result = run(kb.root, "search", "x", "--type", "db-pol")
    assert result.exit_code == 2
    assert "--type db-pol: no such type" in result.output and "did you mean 'db-pool'" in result.output
    result = run(kb.root, "search", "x", "--severity", "SEV9")
    assert result.exit_code == 2 and "no such severity" in result.output


def _error(kb: KB, query: str) -> str:
    result = run(kb.root, "search", query)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output.strip()


def test_bad_syntax_names_the_offending_part(kb: KB) -> None:
    assert "unknown field 'sevrity' in 'sevrity:SEV1' (did you mean 'severity'?)" in _error(kb, "sevrity:SEV1 pool")
    assert "unclosed '(' at column 10: '(checkout OR payments'" in _error(kb, "pool AND (checkout OR payments")
    assert "unmatched ')' at column 5" in _error(kb, "pool) leak")
    assert "unclosed quote at column 1" in _error(kb, '"connection pool')
    assert "OR needs a term on both sides" in _error(kb, "pool OR")
    assert "severity: needs a value right after the colon, e.g. severity:SEV1" in _error(kb, "severity: SEV1")
    assert "cannot read the date 'banana'" in _error(kb, "date:banana")
    assert "cannot read the date '2026-99-99' in 'date:[2026-01-01 to 2026-99-99]'" in _error(kb, "date:[2026-01-01 to 2026-99-99]")


def test_a_log_line_with_colons_is_just_text(kb: KB) -> None:
    # "FATAL:" is not a field (and not close to one): pasted log lines must just work.
    result = run(kb.root, "search", "FATAL: HikariPool-1 - Connection is not available")
    assert result.exit_code == 0 and "db-pool" in result.output


def test_text_output_strips_terminal_escapes_from_author_text_and_json_keeps_them(kb: KB) -> None:
    add_hostile_incident(kb)
    result = run(kb.root, "search", "buffer volume late")
    assert result.exit_code == 0
    assert "PM-2026-003  Log shipping delayed" in result.output
    assert "Logs were **late**; the **buffer** **volume**" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b\x9d") and "pwned" not in result.output
    _, hits = run_json(kb.root, "search", "buffer volume late")
    assert "pm-2026-003\x1b[31m" in hits[0]["url"]  # type: ignore[index]  # JSON keeps the exact name
