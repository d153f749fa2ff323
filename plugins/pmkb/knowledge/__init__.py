"""The knowledge layer: content files -> validated documents -> the knowledge base and its derived facts.

Read it bottom up: `files` (what may be read), `frontmatter` (YAML with line marks),
`models` (pydantic front-matter models) and `schema_errors` (their errors at file:line),
`sections`, `documents`, `loader` (one file, never raises), `rules` and `crossref`
(per-document and whole-KB rules), `base` (`KnowledgeBase`), `public_edition`,
then the derived facts: `durations`, `distribution`, `recurrence`, `facts`
(`KnowledgeFacts`: types, repeats, gaps) and `stats` (the `pmkb stats` report).
It imports no capability (actions, search, lint, reviews, oncall) and no adapter.

`from pmkb.knowledge import KnowledgeBase` works (the re-export below); nothing
below `base` imports this package's names, so importing `knowledge.models` first
(as `pmkb.settings` may, through a capability's settings) stays cycle-free:
tests/test_architecture.py imports every module on its own to keep it so.
"""

from .base import IncidentType, KnowledgeBase, content_files, kept_in_build

__all__ = ["IncidentType", "KnowledgeBase", "content_files", "kept_in_build"]
