"""Free-word ranking in numpy: whoosh's BM25F and coordination bonus, without a Python loop per posting.

whoosh scores in pure Python and visits every posting of every OR-ed query
word: at 5,000 postmortems a query of four common words costs 100-300 ms.
This model keeps, per scored field (title, key, body), an inverted index of
term frequencies as flat numpy arrays (one slice per term), built from the
same analysed text (whoosh's tokenizer, stop words and Porter stemmer) and
scores the same way: BM25F (B 0.75, K1 1.2, whoosh's one-byte field lengths),
the field boost of each query term, then the "SQR" coordination bonus of an
OR with `scale`. whoosh still parses the query, evaluates fielded filters and
makes the snippets of the top hits; phrases, prefixes, NOT and AND between
words are still ranked by whoosh.

Where the scores differ from whoosh's, on purpose: filters restrict without
adding to the score (whoosh adds a constant per filter term); the coordination
bonus counts every query term the index has (whoosh recounts as its matchers
run out, so its bonus depends on document order); and document counts are of
live documents (whoosh counts deleted ones until a merge), so an index updated
file by file ranks exactly like a fresh one.

The arrays are stored in `.pmkb/search/ranking.npz` next to the whoosh index,
in whoosh's document-number order, and rebuilt from themselves plus the
changed files after each index change (never from all files again), so a CLI
call only loads them.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
from whoosh import query
from whoosh.analysis import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem
from whoosh.util.numeric import byte_to_length

__all__ = ["FIELDS", "RankModel", "FieldCounts", "field_counts", "plan", "terms_of"]

FIELDS = ("title", "key", "body")
_B, _K1 = 0.75, 1.2  # whoosh's BM25F defaults

# whoosh's StemmingAnalyzer: its RegexTokenizer (this fork's default pattern keeps "*" in words,
# so "**bold**" gives "**bold**"), lower case, stop words and words shorter than 2 removed,
# Porter stem. Same tokens, so the query's terms (analysed by whoosh's parser) find the same entries.
_TOKEN = re.compile(default_pattern.pattern.replace("(", "(?:"))
_STOP = frozenset(STOP_WORDS)
_stems: dict[str, str] = {}

FieldCounts = tuple[Counter, Counter, Counter]  # title, key, body


def terms_of(text: str) -> Counter:
    counts: Counter = Counter()
    cache = _stems
    for word in _TOKEN.findall(text.lower()):
        stemmed = cache.get(word)
        if stemmed is None:
            stemmed = "" if len(word) < 2 or word in _STOP else stem(word)
            cache[word] = stemmed
        if stemmed:
            counts[stemmed] += 1
    return counts


def field_counts(values: Mapping[str, str]) -> FieldCounts:
    """Term frequencies of the three scored fields of one whoosh document."""
    return (terms_of(values["title"]), terms_of(values["key"]), terms_of(values["body"]))


# Lengths as whoosh stores them: one byte, rounded up to the next step of its table.
_LENGTH_STEPS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _quantised(lengths: np.ndarray) -> np.ndarray:
    # length_to_byte is bisect_left on the table, capped at 255.
    return _LENGTH_STEPS[np.minimum(np.searchsorted(_LENGTH_STEPS, lengths, side="left"), 255)]


@dataclass(slots=True)
class _Field:
    starts: np.ndarray  # per term id: offset into docs/tf (len vocab + 1)
    docs: np.ndarray  # whoosh document numbers, ascending within a term
    tf: np.ndarray
    lengths: np.ndarray  # raw token count per document number
    qlengths: np.ndarray  # whoosh's quantised length per document number
    avg: float


class RankModel:
    """The scored fields of every document, by whoosh document number (deleted ones empty)."""

    def __init__(self, vocab: np.ndarray, rels: np.ndarray, fields: dict[str, _Field]):
        self.vocab = vocab  # sorted terms
        self.rels = rels  # per document number; "" for a deleted document
        self.fields = fields
        self.size = len(rels)
        self.live = rels != ""
        self.n_live = int(self.live.sum())

    # -- building ----------------------------------------------------------------

    @classmethod
    def empty(cls) -> RankModel:
        zero = np.zeros(0, dtype=np.int64)
        field = _Field(np.zeros(1, dtype=np.int64), zero.astype(np.int32), zero.astype(np.float32), zero, zero.astype(np.float64), 1.0)
        return cls(np.array([], dtype=str), np.array([], dtype=str), {name: field for name in FIELDS})

    def updated(self, rels: list[str], fresh: Mapping[str, FieldCounts]) -> RankModel:
        """The model for the whoosh documents `rels` (by number, "" if deleted): `fresh` ones re-read, the rest kept."""
        new_number = {rel: number for number, rel in enumerate(rels) if rel}
        old_to_new = np.array(
            [-1 if (not rel or rel in fresh) else new_number.get(rel, -1) for rel in self.rels.tolist()], dtype=np.int64
        )
        added = [(new_number[rel], counts) for rel, counts in fresh.items() if rel in new_number]
        known = set(self.rels.tolist())
        missing = [rel for rel in new_number if rel not in fresh and rel not in known]
        if missing:
            raise ValueError(f"ranking model lacks {len(missing)} documents")
        new_words = sorted({t for _, counts in added for c in counts for t in c})
        vocab = np.union1d(self.vocab, np.array(new_words, dtype=str)) if new_words else self.vocab
        remap = np.searchsorted(vocab, self.vocab) if len(self.vocab) else np.zeros(0, dtype=np.int64)
        size = len(rels)
        fields: dict[str, _Field] = {}
        for position, name in enumerate(FIELDS):
            old = self.fields[name]
            term = np.repeat(np.arange(len(self.vocab)), np.diff(old.starts))
            doc = old_to_new[old.docs] if len(old.docs) else old.docs.astype(np.int64)
            keep = doc >= 0
            term, doc, tf = [remap[term[keep]]], [doc[keep]], [old.tf[keep]]
            lengths = np.zeros(size, dtype=np.int64)
            moved = old_to_new >= 0
            lengths[old_to_new[moved]] = old.lengths[moved]
            for number, counts in added:
                c = counts[position]
                lengths[number] = sum(c.values())
                if c:
                    words = np.array(list(c), dtype=str)
                    term.append(np.searchsorted(vocab, words))
                    doc.append(np.full(len(c), number, dtype=np.int64))
                    tf.append(np.fromiter(c.values(), dtype=np.float32, count=len(c)))
            t, d, f = np.concatenate(term), np.concatenate(doc), np.concatenate(tf)
            # One key per entry, sorted stably: the kept entries are already in order and the new
            # ones follow, so timsort merges two runs instead of sorting a million entries.
            order = np.argsort(t.astype(np.int64) * (size + 1) + d, kind="stable")
            t, d, f = t[order], d[order], f[order]
            starts = np.searchsorted(t, np.arange(len(vocab) + 1))
            avg = float(lengths.sum()) / (len(new_number) or 1) or 1.0
            fields[name] = _Field(starts, d.astype(np.int32), f.astype(np.float32), lengths, _quantised(lengths), avg)
        return RankModel(vocab, np.array(rels, dtype=str), fields)

    # -- storing -----------------------------------------------------------------

    def save(self, path: Path, stamp: str) -> None:
        arrays: dict[str, np.ndarray] = {"vocab": self.vocab, "rels": self.rels, "stamp": np.array(stamp)}
        for name, f in self.fields.items():
            arrays |= {f"{name}_starts": f.starts, f"{name}_docs": f.docs, f"{name}_tf": f.tf, f"{name}_lengths": f.lengths}
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, stamp: str) -> RankModel:
        """Raises ValueError (or OSError) when the file is missing, damaged or not of this index state."""
        with np.load(path, allow_pickle=False) as data:
            if str(data["stamp"]) != stamp:
                raise ValueError("ranking model out of step with the index")
            rels = data["rels"]
            fields = {}
            for name in FIELDS:
                lengths = data[f"{name}_lengths"]
                fields[name] = _Field(
                    data[f"{name}_starts"], data[f"{name}_docs"], data[f"{name}_tf"], lengths, _quantised(lengths),
                    float(lengths.sum()) / (int((rels != "").sum()) or 1) or 1.0,
                )
            return cls(data["vocab"], rels, fields)

    # -- scoring -----------------------------------------------------------------

    def term_id(self, text: str) -> int:
        at = int(np.searchsorted(self.vocab, text))
        return at if at < len(self.vocab) and self.vocab[at] == text else -1

    def score(self, terms: Iterable[query.Term], scale: float | None) -> tuple[np.ndarray, np.ndarray]:
        """(score, number of matching field-terms) per document number."""
        scores = np.zeros(self.size)
        matching = np.zeros(self.size, dtype=np.int64)
        termcount = 0
        for term in terms:
            at = self.term_id(term.text)
            if at < 0:
                continue
            f = self.fields[term.fieldname]
            lo, hi = int(f.starts[at]), int(f.starts[at + 1])
            if lo == hi:
                continue
            termcount += 1
            docs, tf = f.docs[lo:hi], f.tf[lo:hi].astype(np.float64)
            # Counts of live documents only (whoosh counts deleted ones until a merge), so an
            # incrementally updated index ranks exactly like a fresh one.
            idf = math.log(self.n_live / (hi - lo + 1)) + 1
            bm25 = idf * ((tf * (_K1 + 1)) / (tf + _K1 * ((1 - _B) + _B * f.qlengths[docs] / f.avg)))
            scores[docs] += bm25 * term.boost
            matching[docs] += 1
        if scale and termcount > 1 and termcount != scale:
            # whoosh's CoordMatcher ("SQR" of V-Twin): more matching terms, higher score.
            hit = matching > 0
            scores[hit] = (scores[hit] + (matching[hit] - 1) / (termcount - scale) ** 2) * ((termcount - 1) / termcount)
        return scores, matching


def plan(q: query.Query, text_fields: Iterable[str], is_filter) -> tuple[list[query.Term], list[query.Query], float | None] | None:  # type: ignore[no-untyped-def]
    """(scored terms, filters, coordination scale) when the model can rank `q`; None leaves it to whoosh.

    Handled: free words (a flat OR of field terms) with optional filters; phrases, prefixes,
    NOT and AND between words go to whoosh.
    """
    fields = set(text_fields)

    def words(part: query.Query) -> tuple[list[query.Term], float | None] | None:
        if type(part) is query.Term and part.fieldname in fields and isinstance(part.text, str):
            return [part], None
        if type(part) is query.Or and part.boost == 1 and not part.minmatch and all(
            type(s) is query.Term and s.fieldname in fields and isinstance(s.text, str) for s in part.subqueries
        ):
            return list(part.subqueries), part.scale
        return None

    found = words(q)
    if found:
        return found[0], [], found[1]
    if type(q) is query.And and q.boost == 1:
        scored = [s for s in q.subqueries if not is_filter(s)]
        if len(scored) == 1:
            found = words(scored[0])
            if found:
                return found[0], [s for s in q.subqueries if s is not scored[0]], found[1]
    return None
