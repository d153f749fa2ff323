"""The loaded knowledge base: every postmortem, runbook and incident type, validated and cross-referenced.

`KnowledgeBase.load()` is called once per build (by the MkDocs plugin in
`on_files`) or once per command (by the CLI). Pages, CLI output and JSON
exports all read this one object, so they cannot disagree.

It keeps every document whose front matter is usable, even when a rule
failed for it (the page still renders and the problem is reported); a file
whose front matter cannot be read is left out and reported (its body, when
readable, is kept in `unvalidated` for the body-only checks). Checks of other
capabilities (blameless language) run from their callers, over this object:
the knowledge layer imports no capability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..asof import as_of_date
from .crossref import cross_reference_rules, first_of_each_id
from ..diagnostics import Diagnostic, Level
from .documents import IncidentType, PostmortemDoc, RunbookDoc, UnvalidatedDoc
from .files import content_files as find_content_files
from .files import inside
from .facts import KnowledgeFacts
from .load_cache import LoadCache
from .loader import Kind, load_files, load_taxonomy
from .models import IncidentTypeDef
from .public_edition import Doc, InternalReferences
from ..settings import Settings

__all__ = ["IncidentType", "KnowledgeBase", "content_files", "kept_in_build"]


@dataclass(slots=True)
class KnowledgeBase:
    root: Path
    settings: Settings
    as_of: date
    postmortems: list[PostmortemDoc] = field(default_factory=list)
    runbooks: list[RunbookDoc] = field(default_factory=list)
    incident_types: dict[str, IncidentType] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Files under the content folders whose front matter could not be used.
    broken_files: list[str] = field(default_factory=list)
    # Their bodies, where readable: the blameless check lints them in the same run as the errors.
    unvalidated: list[UnvalidatedDoc] = field(default_factory=list)
    # Public builds: what was left out, and how many mentions of it public documents lost.
    internal: InternalReferences = field(default_factory=lambda: InternalReferences.of([]))
    internal_mentions: int = 0
    # Every postmortem id loaded, internal ones included even in a public build
    # (`pmkb new` must never hand out an id an internal postmortem already has).
    all_postmortem_ids: list[str] = field(default_factory=list)
    _postmortem_by_id: dict[str, PostmortemDoc] = field(default_factory=dict)
    _runbook_by_id: dict[str, RunbookDoc] = field(default_factory=dict)
    _by_rel: dict[str, PostmortemDoc | RunbookDoc] = field(default_factory=dict)
    _facts: KnowledgeFacts | None = None
    # Loaded with the check cache (`.pmkb/check/`): the checks of other capabilities may use it too.
    cached: bool = False

    # -- loading --------------------------------------------------------------

    @classmethod
    def load(
        cls,
        root: Path,
        settings: Settings,
        as_of: date | None = None,
        extra_files: list[Path] | None = None,
        cache: bool = True,
        jobs: int = 1,
    ) -> KnowledgeBase:
        """Load, validate and cross-reference everything under the content folders.

        `extra_files` are checked too (e.g. `pmkb check draft.md` on a file
        outside the folders), treated as postmortems unless under runbooks_dir.
        With `cache`, each file's own work comes from `.pmkb/check/` when its bytes
        (and the settings and code) were seen before; the checks across files always run.
        `jobs` > 1 loads the files the cache does not hold over that many processes (the CLI).
        """
        root = root.resolve()
        kb = cls(root=root, settings=settings, as_of=as_of_date(as_of), cached=cache)
        rb_dir = root / settings.runbooks_dir
        files, skipped = content_files(root, settings)
        kb.diagnostics.extend(skipped)
        known = {p.resolve() for p, _ in files} if extra_files else set()  # a resolve() per file costs
        for extra in extra_files or []:
            if extra.resolve() not in known:
                kind: Kind = "runbook" if rb_dir in extra.resolve().parents else "postmortem"
                files.append((extra, kind))

        load_cache = LoadCache(root, settings) if cache else None
        for (path, _), (doc, body_only, problems) in zip(files, load_files(files, root, settings, kb.as_of, load_cache, jobs)):
            kb.diagnostics.extend(problems)
            if doc is None:
                kb.broken_files.append(problems[0].file if problems else str(path))
                if body_only is not None:
                    kb.unvalidated.append(body_only)
            elif isinstance(doc, PostmortemDoc):
                kb.postmortems.append(doc)
            else:
                kb.runbooks.append(doc)

        if load_cache is not None:
            load_cache.save()
        kb.all_postmortem_ids = [d.id for d in kb.postmortems]
        taxonomy, _, taxonomy_problems = load_taxonomy(root / settings.incident_types_file, root, settings.max_file_bytes)
        kb.diagnostics.extend(taxonomy_problems)
        kb._index(taxonomy)
        kb.diagnostics.extend(
            cross_reference_rules(kb.postmortems, kb.incident_types, kb._runbook_by_id, kb._postmortem_by_id)
        )
        if settings.is_public_build:
            kb._drop_internal()
        return kb

    def _index(self, taxonomy: dict[str, IncidentTypeDef]) -> None:
        pm_first, pm_dupes = first_of_each_id(self.postmortems)
        rb_first, rb_dupes = first_of_each_id(self.runbooks)
        self.diagnostics.extend(pm_dupes + rb_dupes)
        self._postmortem_by_id = pm_first  # type: ignore[assignment]
        self._runbook_by_id = rb_first  # type: ignore[assignment]
        self._by_rel = {d.rel: d for d in [*self.postmortems, *self.runbooks]}

        runbooks_for: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for runbook in self._runbook_by_id.values():
            for slug in runbook.meta.incident_types:
                runbooks_for.setdefault(slug, []).append(runbook.id)
                titles.setdefault(slug, runbook.meta.title)
        for slug in sorted(set(taxonomy) | set(runbooks_for)):
            definition = taxonomy.get(slug)
            self.incident_types[slug] = IncidentType(
                slug=slug,
                title=definition.title if definition else titles[slug],
                description=definition.description if definition else "",
                runbook_ids=tuple(sorted(runbooks_for.get(slug, []))),
            )

    def _drop_internal(self) -> None:
        """Public builds leave internal postmortems out entirely, and every mention of them (SPEC "Site")."""
        self.internal = InternalReferences.of([d for d in self.postmortems if not kept_in_build(d, self.settings)])
        # A file that failed validation has no trusted visibility: its text stays out of a public build's output.
        self.unvalidated = []
        self.postmortems = [self._cleaned(d) for d in self.postmortems if kept_in_build(d, self.settings)]
        self.runbooks = [self._cleaned(d) for d in self.runbooks]
        self._by_rel = {d.rel: d for d in [*self.postmortems, *self.runbooks]}
        # The first document of each id stays the one looked up (duplicates are reported, not chosen).
        self._postmortem_by_id = {k: self._by_rel[v.rel] for k, v in self._postmortem_by_id.items() if v.rel in self._by_rel}  # type: ignore[misc]
        self._runbook_by_id = {k: self._by_rel[v.rel] for k, v in self._runbook_by_id.items()}  # type: ignore[misc]

    def _cleaned(self, doc: Doc) -> Doc:
        cleaned, mentions = self.internal.clean(doc)
        self.internal_mentions += mentions
        return cleaned

    # -- lookups --------------------------------------------------------------

    def postmortem(self, pm_id: str) -> PostmortemDoc | None:
        return self._postmortem_by_id.get(pm_id)

    def runbook(self, runbook_id: str) -> RunbookDoc | None:
        return self._runbook_by_id.get(runbook_id)

    def document(self, rel: str) -> PostmortemDoc | RunbookDoc | None:
        """The document at a path relative to the root (e.g. 'postmortems/2026/x.md')."""
        return self._by_rel.get(rel)

    @property
    def facts(self) -> KnowledgeFacts:
        """The derived facts (types, repeats, gaps, durations), built once on first use."""
        if self._facts is None:
            self._facts = KnowledgeFacts.build(
                self.postmortems, self.runbooks, self.incident_types, self.settings, self.as_of
            )
        return self._facts

    @property
    def published(self) -> list[PostmortemDoc]:
        return [d for d in self.postmortems if d.meta.is_published]

    @property
    def counted(self) -> list[PostmortemDoc]:
        """Postmortems that count in metrics, reviews and recurrence (published, not drills)."""
        return [d for d in self.postmortems if d.meta.counts_in_metrics]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level is Level.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level is Level.WARNING]


def content_files(root: Path, settings: Settings) -> tuple[list[tuple[Path, Kind]], list[Diagnostic]]:
    """Every postmortem and runbook file pmkb may read, in a stable order, and a problem for each one skipped.

    The one discovery the KB and the search index share: only files inside the repository
    (`pmkb.files`); a content folder outside it is an error against mkdocs.yml.
    """
    files: list[tuple[Path, Kind]] = []
    problems: list[Diagnostic] = []
    for key, kind in (("postmortems_dir", "postmortem"), ("runbooks_dir", "runbook")):
        folder = root / getattr(settings, key)
        if folder.is_dir() and not inside(folder.resolve(), root):
            problems.append(
                Diagnostic(
                    "mkdocs.yml", 1, Level.ERROR, "FM015",
                    f"plugins.pmkb.{key} ({getattr(settings, key)}) is outside the repository; "
                    "pmkb reads only files inside it: move the folder in",
                )
            )  # fmt: skip
            continue
        found, skipped = find_content_files(folder, root)
        files += [(path, kind) for path in found]
        problems += skipped
    return files, problems


def kept_in_build(doc: PostmortemDoc | RunbookDoc, settings: Settings) -> bool:
    """Whether this build shows the document: a public build drops internal postmortems entirely."""
    return not (settings.is_public_build and isinstance(doc, PostmortemDoc) and doc.meta.visibility != "public")
