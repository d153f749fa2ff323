"""Similar incidents: TF-IDF vectors over the weighted text, plus type and services.

Each postmortem becomes a sparse vector of its K most distinctive stemmed
words (title and symptom/summary/root-cause text count double), plus two
kinds of pseudo-terms: its incident type and its services. Cosine similarity
of those vectors ranks neighbours, and the terms two vectors share are the
reasons shown ("same incident type", "shared services", "shared terms").

All pages are answered in one pass without comparing every pair: scores are
accumulated through an inverted index whose posting lists keep at most
`POSTINGS` entries per term (the heaviest, then the newest), so the work is
about N x K x POSTINGS, linear in the number of postmortems. On a small KB
no list is cut and the result is the exact cosine ranking.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Iterable

import numpy as np

from .text import SearchText, terms

__all__ = ["Match", "Profile", "SimilarityModel", "own_profile", "profile_terms"]

# A document's weighted stems, and the first word it uses for each (for "shared terms" reasons).
Profile = tuple[Counter, dict[str, str]]

TOP_TERMS = 30
_DENSE_CELLS = 4_000_000  # up to this many (query, document) cells, a block sums into dense rows (32 MB)
POSTINGS = 100
MIN_SCORE = 0.05  # below this, two postmortems only share a stray word
_TYPE_WEIGHT = 0.55  # of the unit-length word vector
_SERVICE_WEIGHT = 0.3
_TYPE = "\x00type:"
_SERVICE = "\x00service:"


@dataclass(frozen=True, slots=True)
class Match:
    rel: str
    score: float
    same_type: bool
    services: tuple[str, ...]
    shared_terms: tuple[str, ...]

    def reasons(self, type_title: str | None = None) -> list[str]:
        out = []
        if self.same_type:
            out.append(f"same incident type{f' ({type_title})' if type_title else ''}")
        if self.services:
            out.append(f"shared service{'s' if len(self.services) > 1 else ''}: {', '.join(self.services)}")
        if self.shared_terms:
            out.append(f"shared terms: {', '.join(self.shared_terms)}")
        return out


def profile_terms(st: SearchText, surface: dict[str, str] | None = None) -> Counter[str]:
    counts: Counter[str] = Counter()
    for weight, part in ((2, st.title), (2, st.symptoms), (2, st.summary), (2, st.root_cause), (1, " ".join(st.tags))):
        for term in terms(part, surface):
            counts[term] += weight
    return counts


def own_profile(st: SearchText) -> Profile:
    """`profile_terms` of one document, with the first word it uses for each stem."""
    words: dict[str, str] = {}
    return profile_terms(st, words), words


class SimilarityModel:
    """Built once from the candidate postmortems (the ones that may be listed as similar)."""

    def __init__(self, candidates: Iterable[SearchText], profile: Callable[[SearchText], Profile] = own_profile):
        # Candidates may come one at a time (a generator): each text is read for its profile, then
        # only a copy without its texts is kept (the texts of a few thousand postmortems are tens of MB).
        self.docs: list[SearchText] = []
        self.surface: dict[str, str] = {}  # stem -> the candidates' first word for it, for reasons
        counts = []
        for st in candidates:
            counted, words = profile(st)
            counts.append(counted)
            for stem, word in words.items():  # the first candidate to use a stem names it
                self.surface.setdefault(stem, word)
            self.docs.append(replace(st, symptoms="", summary="", root_cause="", body=""))
        self.rel_index = {st.rel: i for i, st in enumerate(self.docs)}
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = max(1, len(self.docs))
        self.n = n
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
        self.vocab: dict[str, int] = {}
        rows = [self._vector(c, st) for c, st in zip(counts, self.docs)]
        self.rows = rows
        self._postings = self._build_postings(rows)

    # -- vectors ---------------------------------------------------------------

    def _vector(self, counts: Counter[str], st: SearchText) -> tuple[np.ndarray, np.ndarray]:
        idf, default_idf = self.idf, math.log(1 + self.n) + 1.0
        weighted = [(t, (1 + math.log(c)) * idf.get(t, default_idf)) for t, c in counts.items()]
        weighted.sort(key=lambda tw: -tw[1])
        weighted = weighted[:TOP_TERMS]
        norm = math.sqrt(sum(w * w for _, w in weighted)) or 1.0
        entries = [(t, w / norm) for t, w in weighted]
        entries += [(_TYPE + t, _TYPE_WEIGHT) for t in st.types[:1]]
        entries += [(_SERVICE + s, _SERVICE_WEIGHT) for s in dict.fromkeys(st.services)]
        total = math.sqrt(sum(w * w for _, w in entries)) or 1.0
        ids = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t, _ in entries), dtype=np.int64, count=len(entries))
        weights = np.fromiter((w / total for _, w in entries), dtype=np.float64, count=len(entries))
        return ids, weights

    def _build_postings(self, rows: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per term: (start offsets, doc numbers, weights), each list cut to the POSTINGS heaviest."""
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return np.zeros(1, dtype=np.int64), empty, np.zeros(0)
        term = np.concatenate([ids for ids, _ in rows])
        weight = np.concatenate([w for _, w in rows])
        doc = np.repeat(np.arange(len(rows)), [len(ids) for ids, _ in rows])
        recency = np.array([st.date.timestamp() if st.date else 0.0 for st in self.docs])[doc]
        order = np.lexsort((-recency, -weight, term))
        term, doc, weight = term[order], doc[order], weight[order]
        starts = np.searchsorted(term, np.arange(len(self.vocab) + 1))
        # Rank of each entry within its term's list; keep the first POSTINGS.
        rank = np.arange(len(term)) - starts[term]
        keep = rank < POSTINGS
        term, doc, weight = term[keep], doc[keep], weight[keep]
        return np.searchsorted(term, np.arange(len(self.vocab) + 1)), doc, weight

    def vector_of(self, st: SearchText) -> tuple[np.ndarray, np.ndarray]:
        """A vector for a document outside the candidates (a draft), without growing the vocabulary."""
        entries_ids, entries_w = self._vector_frozen(profile_terms(st), st)
        return entries_ids, entries_w

    def _vector_frozen(self, counts: Counter[str], st: SearchText) -> tuple[np.ndarray, np.ndarray]:
        vocab = self.vocab
        before = len(vocab)
        ids, weights = self._vector(counts, st)
        # Terms no candidate has cannot match: drop the ids just added.
        keep = ids < before
        for t in [t for t, i in vocab.items() if i >= before]:
            del vocab[t]
        return ids[keep], weights[keep]

    # -- queries ---------------------------------------------------------------

    def similar(self, st: SearchText, limit: int = 5) -> list[Match]:
        """The most similar candidates to one document (in the candidates or not)."""
        index = self.rel_index.get(st.rel)
        vector = self.rows[index] if index is not None else self.vector_of(st)
        return self._top([vector], [index if index is not None else -1], limit)[0]

    def all_similar(self, limit: int = 3, block: int = 256) -> dict[str, list[Match]]:
        """Top matches for every candidate, in blocks of queries (vectorised)."""
        out: dict[str, list[Match]] = {}
        for start in range(0, len(self.rows), block):
            chunk = list(range(start, min(start + block, len(self.rows))))
            results = self._top([self.rows[i] for i in chunk], chunk, limit)
            for i, matches in zip(chunk, results):
                out[self.docs[i].rel] = matches
        return out

    def _top(self, vectors: list[tuple[np.ndarray, np.ndarray]], selves: list[int], limit: int) -> list[list[Match]]:
        starts, post_doc, post_w = self._postings
        n_docs = max(1, len(self.rows))
        query_ids, docs, scores = [], [], []
        for q, (ids, weights) in enumerate(vectors):
            lo, hi = starts[ids], starts[ids + 1]
            lengths = hi - lo
            if not lengths.sum():
                continue
            # Gather every posting of the query's terms without a Python loop per posting.
            offsets = np.repeat(lo - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + np.arange(lengths.sum())
            query_ids.append(np.full(len(offsets), q, dtype=np.int64))
            docs.append(post_doc[offsets])
            scores.append(post_w[offsets] * np.repeat(weights, lengths))
        results: list[list[Match]] = [[] for _ in vectors]
        if not docs:
            return results
        keys = np.concatenate(query_ids) * n_docs + np.concatenate(docs)
        weights = np.concatenate(scores)
        if len(vectors) * n_docs <= _DENSE_CELLS:
            # One dense row of scores per query: summing into it needs no sort of the pairs.
            dense = np.bincount(keys, weights=weights, minlength=len(vectors) * n_docs)
            found = np.flatnonzero(dense >= MIN_SCORE)  # stray matches dropped
            summed = dense[found]
        else:
            # Past a few thousand documents, rows of every document for each query would cost
            # more than the pairs themselves (and grow with the square of the KB): sum by pair.
            # Both add each pair's scores in the order of `keys`, so the sums are the same.
            pairs, inverse = np.unique(keys, return_inverse=True)
            totals = np.bincount(inverse, weights=weights)
            kept = totals >= MIN_SCORE
            found, summed = pairs[kept], totals[kept]
        q_of, doc_of = found // n_docs, found % n_docs
        others = doc_of != np.asarray(selves, dtype=np.int64)[q_of]  # never the page itself
        q_of, doc_of, summed = q_of[others], doc_of[others], summed[others]
        # Keep the best `limit` per query, all vectorised.
        order = np.lexsort((doc_of, -summed, q_of))
        q_of, doc_of, summed = q_of[order], doc_of[order], summed[order]
        rank = np.arange(len(q_of)) - np.searchsorted(q_of, q_of, side="left")
        best = rank < limit
        for q, d, score in zip(q_of[best].tolist(), doc_of[best].tolist(), summed[best].tolist()):
            results[q].append(self._match(vectors[q], d, score))
        return results

    def _match(self, vector: tuple[np.ndarray, np.ndarray], d: int, score: float) -> Match:
        # Plain Python on ~30 entries beats numpy's set routines at this size.
        mine = dict(zip(vector[0].tolist(), vector[1].tolist()))
        other_ids, other_w = self.rows[d]
        shared = sorted(
            ((mine[t] * w, t) for t, w in zip(other_ids.tolist(), other_w.tolist()) if t in mine), reverse=True
        )
        names = self._names()
        same_type, services, words = False, [], []
        for _, term_id in shared:
            name = names[term_id]
            if name.startswith(_TYPE):
                same_type = True
            elif name.startswith(_SERVICE):
                services.append(name[len(_SERVICE):])
            elif len(words) < 4:
                words.append(self.surface.get(name, name))
        return Match(self.docs[d].rel, round(score, 4), same_type, tuple(sorted(services)), tuple(words))

    def _names(self) -> list[str]:
        names = getattr(self, "_name_list", None)
        if names is None or len(names) != len(self.vocab):
            names = [""] * len(self.vocab)
            for t, i in self.vocab.items():
                names[i] = t
            self._name_list = names
        return names

