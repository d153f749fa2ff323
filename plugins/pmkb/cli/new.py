"""`pmkb new postmortem|runbook`: write a new file from the template; never overwrite."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from jinja2 import Environment, PackageLoader, StrictUndefined

from ..knowledge.files import inside
from ..knowledge.leftovers import (
    SCAFFOLD_ACTION_SUMMARY,
    SCAFFOLD_IMPACT_SUMMARY,
    SCAFFOLD_NAME,
    SCAFFOLD_SERVICE,
    SCAFFOLD_TEAM,
    SCAFFOLD_TICKET,
)
from ..knowledge.base import KnowledgeBase
from ..knowledge.models import SLUG_PATTERN
from ..knowledge.suggest import did_you_mean
from .common import EXIT_OK, EXIT_PROBLEMS, config_option, echo, open_project, usage_error

__all__ = ["looks_shared", "register", "next_postmortem_id", "slugify"]


def register(group: click.Group) -> None:
    group.add_command(new)


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "untitled"


_ID_IN_NAME = re.compile(r"([a-z][a-z0-9]*)-(\d{4})-(\d+)", re.IGNORECASE)


def next_postmortem_id(kb: KnowledgeBase, year: int) -> str:
    """The next free id for the year, with the prefix most ids already use (PM by default).

    Every postmortem counts: internal ones in a public build, and files whose front
    matter cannot be read yet (by the id at the start of their file name).
    """
    prefixes: dict[str, int] = {}
    highest: dict[str, int] = {}
    for pm_id in kb.all_postmortem_ids:
        prefix, doc_year, number = pm_id.rsplit("-", 2)
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if int(doc_year) == year:
            highest[prefix] = max(highest.get(prefix, 0), int(number))
    for rel in kb.broken_files:
        found = _ID_IN_NAME.match(rel.rsplit("/", 1)[-1])
        if found and int(found.group(2)) == year:
            prefix = found.group(1).upper()
            highest[prefix] = max(highest.get(prefix, 0), int(found.group(3)))
    prefix = max(prefixes, key=lambda p: (prefixes[p], p)) if prefixes else "PM"
    return f"{prefix}-{year}-{highest.get(prefix, 0) + 1:03d}"


# A line break would end the YAML value (and the file's structure) early; other
# control characters are refused by `pmkb check`. Either way the file would be broken.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _check_text_options(**options: str | None) -> None:
    """Every free-text option: one line, not blank. A usage error (exit 2) before anything is read or written."""
    for name, value in options.items():
        if value is None:
            continue
        flag = "--" + name
        if not value.strip():
            raise usage_error(f"{flag} is empty; give it a value, e.g. {flag} \"{_EXAMPLES[name]}\"")
        bad = _NOT_ONE_LINE.search(value)
        if bad:
            what = "a line break" if bad.group() in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" else "a control character"
            raise usage_error(
                f"{flag} contains {what} (U+{ord(bad.group()):04X}); give it on one line without control characters"
            )


_EXAMPLES = {
    "title": "Checkout errors from pool exhaustion",
    "team": "payments",
    "service": "checkout",
    "author": "Dana Ortiz",
}


def _git_user() -> str:
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name


# git's user.name on CI runners, build machines and shared accounts: not the person writing.
_SHARED_ACCOUNT = re.compile(
    r"\[bot\]|(?:^|[\W_])(?:bot|bots|ci|cd|jenkins|buildbot|automation|automated|deploy(?:er)?|build|runner|"
    r"actions|github|gitlab|service|svc|root|admin|administrator|ubuntu|ec2-user|user|default|shared|team)(?:$|[\W_])"
    r"|dependabot|renovatebot",
    re.IGNORECASE,
)


def looks_shared(name: str) -> bool:
    """Whether a git user.name looks like a bot, a CI runner or a shared account rather than a person."""
    return bool(_SHARED_ACCOUNT.search(name))


def _author(given: str | None) -> tuple[str, str]:
    """The author to write, and a YAML comment when it is a placeholder the author must replace."""
    if given is not None:
        return given, ""
    name = _one_line(_git_user())
    if not name:
        return SCAFFOLD_NAME, "git config user.name is not set: write your name (pmkb check flags the placeholder)"
    if looks_shared(name):
        # A bot's name would be published as the author: leave the placeholder and say why.
        quoted = json.dumps(name, ensure_ascii=False)
        return SCAFFOLD_NAME, (
            f"git config user.name is {quoted}, which looks like a bot or shared account: "
            "write the real author's name (pmkb check flags the placeholder)"
        )
    return name, ""


def _one_line(text: str) -> str:
    return _NOT_ONE_LINE.sub(" ", text).strip()


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pmkb", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - YAML/Markdown scaffolds; values go through |yaml
    )
    # A JSON string is a valid YAML double-quoted scalar: safe for any title.
    env.filters["yaml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def _write_new(path: Path, text: str, root: Path) -> None:
    if not inside(path.resolve(), root):  # a content folder configured or linked outside the repository
        raise usage_error(f"{path.parent} is outside the repository; pmkb writes only inside it")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        echo(f"pmkb: {path.relative_to(root).as_posix()} already exists; not overwriting it", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    echo(path.relative_to(root).as_posix())


@click.group()
def new() -> None:
    """Scaffold a new postmortem or runbook."""


@new.command("postmortem")
@click.option("--type", "incident_type", required=True, help="Incident type slug (see incident-types.yml).")
@click.option("--severity", required=True, help="Severity level, e.g. SEV2.")
@click.option("--title", required=True)
@click.option("--team", default=SCAFFOLD_TEAM, show_default=True, help="Owning team.")
@click.option("--service", default=SCAFFOLD_SERVICE, show_default=True, help="Affected service.")
@click.option("--author", default=None, help="Author (default: git config user.name).")
@config_option
def new_postmortem(
    incident_type: str, severity: str, title: str, team: str, service: str, author: str | None, config_file: Path
) -> None:
    """Write postmortems/<year>/<id>-<title>.md as a draft with the next free id."""
    _check_text_options(title=title, team=team, service=service, author=author)
    project = open_project(config_file)
    settings = project.settings
    if severity not in settings.severities:
        hint = did_you_mean(severity, settings.severities)
        raise usage_error(
            f"--severity {severity!r} is not a configured level ({', '.join(settings.severities)})"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    kb = project.load()
    known = kb.incident_types.get(incident_type)
    if known is None:
        hint = did_you_mean(incident_type, kb.incident_types)
        raise usage_error(
            f"--type {incident_type!r} is not a known incident type"
            + (f"; did you mean {hint!r}?" if hint else f"; add it to {settings.incident_types_file} first")
        )
    written_author, author_note = _author(author)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    pm_id = next_postmortem_id(kb, kb.as_of.year)
    level = settings.severities[severity]
    due_days = level.action_items_due_days
    text = _environment().get_template("scaffold/postmortem.md.j2").render(
        id=pm_id,
        title=title,
        severity=severity,
        incident_type=incident_type,
        service=service,
        team=team,
        author=written_author,
        author_note=author_note,
        action_placeholder=SCAFFOLD_ACTION_SUMMARY,
        impact_placeholder=SCAFFOLD_IMPACT_SUMMARY,
        ticket_placeholder=SCAFFOLD_TICKET,
        needs_commander=level.needs_incident_commander,
        now=now.isoformat().replace("+00:00", "Z"),
        due=(kb.as_of + timedelta(days=due_days or 30)).isoformat(),
        due_days=due_days,
        runbooks=list(known.runbook_ids),
    )
    path = project.root / settings.postmortems_dir / str(kb.as_of.year) / f"{pm_id.lower()}-{slugify(title)}.md"
    _write_new(path, text, project.root)
    raise click.exceptions.Exit(EXIT_OK)


@new.command("runbook")
@click.option("--type", "incident_type", required=True, help="Incident type slug this runbook handles.")
@click.option("--title", required=True)
@click.option("--team", default="your-team", show_default=True, help="Owning team.")
@click.option("--id", "runbook_id", default=None, help="Runbook id (default: from the title).")
@config_option
def new_runbook(incident_type: str, title: str, team: str, runbook_id: str | None, config_file: Path) -> None:
    """Write runbooks/<id>.md from the runbook template."""
    _check_text_options(title=title, team=team)
    # fullmatch: with re.match, '$' would also accept a trailing newline.
    if not re.fullmatch(SLUG_PATTERN, incident_type):
        raise usage_error(f"--type {incident_type!r} is not kebab-case, e.g. db-connection-pool-exhaustion")
    if runbook_id is not None and not re.fullmatch(SLUG_PATTERN, runbook_id):
        raise usage_error(f"--id {runbook_id!r} is not kebab-case, e.g. db-connection-pool-exhaustion")
    project = open_project(config_file)
    runbook_id = runbook_id or slugify(title)
    kb = project.load()
    if kb.runbook(runbook_id) is not None:
        echo(f"pmkb: a runbook with id {runbook_id!r} already exists ({kb.runbook(runbook_id).rel})", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS)
    text = _environment().get_template("scaffold/runbook.md.j2").render(
        id=runbook_id, title=title, incident_type=incident_type, team=team, today=kb.as_of.isoformat()
    )
    _write_new(project.root / project.settings.runbooks_dir / f"{runbook_id}.md", text, project.root)
    raise click.exceptions.Exit(EXIT_OK)
