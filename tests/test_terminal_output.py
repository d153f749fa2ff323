"""Text printed for a person cannot drive their terminal: escape sequences that arrive in pager alerts,
Slack messages or file names are removed from every command's text output (JSON keeps exact text)."""

from __future__ import annotations

import json

from .conftest import KB, VALID_PM
from .helpers import run
from .timeline_support import ANA, CHANNEL, msg, write_export

# Retitle the window (OSC 0), clear the screen (CSI 2J), recolour (SGR), ring the bell.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"
CONTROL = ("\x1b", "\x07", "\x9b", "\r")


def _clean(text: str) -> None:
    assert not any(c in text for c in CONTROL), repr(text)


def test_pager_alert_titles_reach_the_terminal_inert(kb: KB) -> None:
    title = f"Disk full {ESCAPES}on db-1\r"
    kb.write("oncall/pages.csv", "created_at,rotation,service,urgency,assignee,title,id\n"
             f'2026-03-14T01:45:00Z,Checkout primary,checkout,high,Ana,"{title}",S1\n')  # fmt: skip
    text = run(kb.root, "oncall")
    assert text.exit_code == 0, text.output
    assert "Disk full" in text.stdout
    _clean(text.stdout + text.stderr)
    data = json.loads(run(kb.root, "oncall", "--format", "json").stdout)
    # JSON keeps exactly what the pager sent (the JSON encoding escapes it for any reader).
    assert [alert["example"] for alert in data["noisy_alerts"]] == [title.rstrip("\r")]


def test_slack_messages_reach_the_terminal_inert(kb: KB) -> None:
    folder = write_export(kb.root / "export")
    day = folder / CHANNEL / "2026-11-17.json"
    messages = json.loads(day.read_text(encoding="utf-8"))
    messages.append(msg(ANA, "2026-11-17T23:00:00", f"timeline: rollback done {ESCAPES}ok"))
    day.write_text(json.dumps(messages), encoding="utf-8")
    result = run(kb.root, "timeline", str(folder), "--channel", CHANNEL)
    assert result.exit_code == 0, result.output
    assert "rollback done" in result.stdout.lower()
    _clean(result.stdout + result.stderr)


def test_file_names_reach_the_terminal_inert(kb: KB) -> None:
    kb.write(f"postmortems/2026/evil{ESCAPES}.md", VALID_PM.replace("PM-2026-001", "PM-2026-009").replace("SEV2", "SEV9"))
    result = run(kb.root, "check")
    assert result.exit_code == 1
    assert "postmortems/2026/evil" in result.stdout
    _clean(result.stdout + result.stderr)
