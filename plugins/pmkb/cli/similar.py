"""`pmkb similar ID_OR_PATH`: the postmortems most like one postmortem or a draft file.

Uses the same model as the site's "Similar incidents" section
(`pmkb.search.similar`), so the page and the command agree. A PATH may be a
draft outside the content folders; when its front matter cannot be used yet,
its title and body text are still compared (with a notice).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from ..knowledge.frontmatter import FrontMatterError, parse_document
from ..knowledge.base import KnowledgeBase
from ..knowledge.documents import PostmortemDoc
from ..knowledge.files import relative_name
from ..knowledge.loader import read_text
from ..search import SearchText, SimilarityModel, page_url, search_text, site_options
from ..search.text import split_sections
from ..knowledge.suggest import with_suggestion
from ..terminal import plain
from .common import EXIT_OK, config_option, emit_json, open_project, usage_error
from .search import notice

__all__ = ["register"]


def register(group: click.Group) -> None:
    group.add_command(similar)


@click.command()
@click.argument("target", metavar="ID_OR_PATH")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def similar(target: str, limit: int, fmt: str, config_file: Path) -> None:
    """The published postmortems most similar to postmortem ID, or to the Markdown file at PATH."""
    project = open_project(config_file)
    path = Path(target)
    is_path = target.endswith(".md") or path.exists()
    if is_path and not path.is_file():
        raise usage_error(f"no such file: {target}")
    kb = project.load(extra_files=[path] if is_path else None)
    query = _query_text(kb, target, path) if is_path else None
    if query is None and not is_path:
        doc = kb.postmortem(target)
        if doc is None:
            known = [d.id for d in kb.postmortems]
            raise usage_error(plain(with_suggestion(f"no postmortem with id {target}", target, known)))
        query = search_text(doc)
    assert query is not None
    model = SimilarityModel([search_text(d) for d in kb.published])
    matches = [m for m in model.similar(query, limit + 1) if m.rel != query.rel][:limit]
    options = site_options(project.config_file)
    results = []
    for match in matches:
        other = kb.document(match.rel)
        assert isinstance(other, PostmortemDoc)  # the model holds published postmortems only
        known_type = kb.incident_types.get(other.meta.incident_type)
        results.append(
            SimilarResult(
                doc=other,
                url=page_url(other.rel, options),
                score=match.score,
                reasons=match.reasons(known_type.title if known_type else None),
            )
        )
    if fmt == "json":
        emit_json([r.as_json() for r in results])
    elif not results:
        click.echo(plain(f"No published postmortem is similar to {query.id or target}."), err=True)
    else:
        # Every author-written value is made `plain` for the terminal; JSON above keeps it exact.
        for number, r in enumerate(results, start=1):
            meta = r.doc.meta
            click.echo(plain(f"{number}. {r.doc.id}  {meta.title}"))
            click.echo(
                plain(
                    f"   {meta.severity} · {meta.incident_type} · {', '.join(meta.services)} · "
                    f"{meta.timestamps.started:%Y-%m-%d} · score {r.score:g}"
                )
            )
            click.echo(plain(f"   {r.doc.rel}"))
            click.echo(plain(f"   why: {'; '.join(r.reasons)}"))
            click.echo("")
    raise click.exceptions.Exit(EXIT_OK)


@dataclass(frozen=True, slots=True)
class SimilarResult:
    """One similar postmortem: the JSON fields (`as_json`) and the document the text output reads."""

    doc: PostmortemDoc
    url: str
    score: float
    reasons: list[str]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.doc.id,
            "kind": "postmortem",
            "title": self.doc.meta.title,
            "url": self.url,
            "score": self.score,
            "reasons": self.reasons,
        }


def _query_text(kb: KnowledgeBase, target: str, path: Path) -> SearchText:
    """The file as loaded by the KB, or, when its front matter is not usable yet, its raw text."""
    rel = relative_name(path, kb.root)
    doc = kb.document(rel)
    if doc is not None:
        return search_text(doc)
    notice(plain(f"{rel} has problems (see `pmkb check {target}`); comparing its title and text only"))
    data: dict = {}
    try:
        # The loader's own read: inside the repository, within the size limit, UTF-8.
        text = read_text(path, rel, kb.root, kb.settings.max_file_bytes)
    except FrontMatterError:
        text = ""
    try:
        front = parse_document(rel, text)
        data, body = front.data, front.body
    except FrontMatterError:
        body = text
    parts = split_sections(body, "postmortem")

    def strings(key: str) -> list[str]:
        value = data.get(key)
        return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])

    return SearchText(
        rel=rel,
        kind="postmortem",
        id=str(data.get("id") or ""),
        title=str(data.get("title") or ""),
        types=strings("incident_type"),
        services=strings("services"),
        tags=strings("tags"),
        **{role: "\n".join(lines) for role, lines in parts.items()},
    )
