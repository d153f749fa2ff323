"""The knowledge layer: content files -> validated documents -> the knowledge base and its derived facts.

Read it bottom up: `files` (what may be read), `frontmatter` (YAML with line marks),
`models` (pydantic front-matter models) and `schema_errors` (their errors at file:line),
`sections`, `documents`, `loader` (one file, never raises), `rules` and `crossref`
(per-document and whole-KB rules), `base` (`KnowledgeBase`), `public_edition`,
then the derived facts: `durations`, `distribution`, `recurrence`, `facts`
(`KnowledgeFacts`: types, repeats, gaps) and `stats` (the `pmkb stats` report).
It imports no capability (actions, search, lint, reviews, oncall) and no adapter.

Import from the modules (`from pmkb.knowledge.base import KnowledgeBase`): this
package file imports nothing, so importing `knowledge.models` (as the lint
settings do, for `pmkb.settings`) does not pull in `base`, which needs
`pmkb.settings` itself; re-exports here made `import pmkb.settings` (and
anything importing it first) fail on a circular import.
"""
