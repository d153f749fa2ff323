"""Snippets under search hits: whoosh marks the matched words, we keep them apart from the text.

Both ways of searching (whoosh ranking, and the numpy ranking of `ranking.py`)
end here: `_Marker` wraps each match in control characters, `_snippet` turns the
marked text into a `Snippet` of (text, is_match) parts, and the CLI and site
mark them for a terminal, a pipe or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from whoosh import highlight
from whoosh.analysis import Analyzer

from .schema import SNIPPET_FIELDS

__all__ = ["Snippet", "fragmenter", "marker", "marked_text", "pick_snippets"]


@dataclass(frozen=True, slots=True)
class Snippet:
    field: str
    # Alternating plain and matched text: (text, is_match).
    parts: tuple[tuple[str, bool], ...]

    def render(self, mark: Callable[[str], str], other: Callable[[str], str] = lambda text: text) -> str:
        """The snippet with `mark` applied to matched words and `other` to the rest."""
        return "".join(mark(text) if matched else other(text) for text, matched in self.parts)


class _Marker(highlight.Formatter):
    """Keeps matches apart from the text so the CLI can mark them for a terminal or a pipe."""

    between = "\x00"

    def format_token(self, text, token, replace=False):  # type: ignore[no-untyped-def]
        return "\x01" + highlight.get_text(text, token, replace) + "\x02"


def marker() -> highlight.Formatter:
    return _Marker()


def fragmenter() -> highlight.Fragmenter:
    """One fragment of about 160 characters around the matches."""
    return highlight.ContextFragmenter(maxchars=160, surround=50)


def marked_text(analyzer: Analyzer, text: str, words: frozenset[str]) -> str:
    """`text` with `words` (analysed terms) marked, as whoosh's `Hit.highlights` marks a field without stored offsets.

    `Hit.highlights` needs a whoosh `Hit`, and hits ranked by `ranking.py` have
    none, so its steps are repeated here. One of them, merging adjacent matched
    tokens, is whoosh's private `Highlighter._merge_matched_tokens` (a
    staticmethod, unchanged in whoosh3 3.54.0, the pinned version): using it
    keeps both ways of searching byte-for-byte alike. This function is the only
    use of a whoosh private name; the snippet tests fail if an upgrade drops it.
    """
    highlighter = highlight.Highlighter(fragmenter=fragmenter(), formatter=marker())
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.Highlighter._merge_matched_tokens(highlight.set_matched_filter(tokens, words))
    fragments = highlight.top_fragments(
        highlighter.fragmenter.fragment_tokens(text, tokens), 1, highlighter.scorer, highlighter.order, minscore=1
    )
    return highlighter.formatter.format(fragments)


def _snippet(fieldname: str, marked: str) -> Snippet | None:
    if not marked:
        return None
    parts: list[tuple[str, bool]] = []
    text = " … ".join(" ".join(f.split()) for f in marked.split("\x00"))
    for chunk in text.split("\x01"):
        if "\x02" in chunk:
            matched, rest = chunk.split("\x02", 1)
            parts.append((matched, True))
            if rest:
                parts.append((rest, False))
        elif chunk:
            parts.append((chunk, False))
    return Snippet(fieldname, tuple(parts))


def pick_snippets(stored: dict, highlights: Callable[[str, str], str]) -> list[Snippet]:
    """Up to two snippets, symptoms first; `highlights(scored field, text)` marks the matched words."""
    found: list[Snippet] = []
    for name in SNIPPET_FIELDS:
        if len(found) >= 2:
            break
        stored_text = stored.get(f"snip_{name}") or ""
        scored_in = "key" if name != "body" else "body"
        made = _snippet(name, highlights(scored_in, stored_text)) if stored_text else None
        if made:
            found.append(made)
    return found
