"""The site's search index: pmkb's BM25F ranking, precomputed and cut into static shards.

The header search box (assets/pmkb/search-client.js) ranks like `pmkb search`:
the same three scored fields (title x3; symptoms, summary and root cause x2;
the rest x1), whoosh's analyser (tokens, stop words, Porter stems) and BM25F
with its "SQR" coordination bonus, so a long symptom phrase ranks the documents
matching most of it first. Everything that depends only on the KB is computed
here at build time; the browser adds up per-term impacts.

Layout under `search/pmkb/` (all site-relative, fetched on demand, no server):

- `manifest.json`: counts, shard count, ranking constants, type titles;
- `t/<n>.json`: terms by FNV-1a hash of the stem, each with its postings
  (document numbers, delta coded, and impacts quantised to 0..255 of the
  term's maximum); filter terms (`severity:sev1`, `type:...`, `service:...`)
  are terms too, with every posting and no impact. A query fetches one shard
  per word, so the bytes per query stay flat as the KB grows;
- `d/<n>.json`: the shown fields of `CHUNK` documents (title, url, kind,
  types, severity, date, services, excerpt), fetched only for the hits shown.

Document numbers: runbooks first, then postmortems newest first, so a
filter-only query (`severity:SEV1`) lists the newest incidents first and the
client knows a runbook by its number.

A term found in more than `POSTINGS_CAP` documents keeps only its
`POSTINGS_CAP` highest impacts: such a term has a low idf, the documents it
drops score little from it, and the cap is what bounds a query's download
at 50,000 postmortems (static index pruning).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from whoosh.util.numeric import byte_to_length

from ..knowledge.base import KnowledgeBase
from ..knowledge.documents import PostmortemDoc, RunbookDoc
from ..search.query import ALIASES, FILTER_FIELDS, TEXT_FIELDS
from ..search.ranking import FIELDS, FieldCounts, field_counts
from ..search.term_cache import TermCountCache
from ..search.text import SearchText, search_text
from ..urls import SiteOptions, page_url

__all__ = ["CHUNK", "POSTINGS_CAP", "SearchAssets", "build_assets", "fnv1a", "write_assets"]

FOLDER = "search/pmkb"
CHUNK = 16  # documents per stored-fields file: ten hits fetch at most ten files of ~6 kB
POSTINGS_CAP = 2000
# Target size of a term shard. Small, because a word being typed fetches the shard of each
# of its prefixes ("con", "conn"...): each such miss then costs a few kB.
SHARD_BYTES = 4_000
RUNBOOK_BOOST = 1.5  # a symptom phrase lists the runbook before the postmortems that cite it
COORD_SCALE = 0.9  # query.build_query's Or(scale=0.9)
EXCERPT_CHARS = 180
FORMAT = 1
_B, _K1 = 0.75, 1.2
# The filter fields the box understands, with their aliases (as on the command line).
BOX_FILTERS = ("kind", "type", "severity", "service", "team", "tag", "status", "date")
_LENGTH_STEPS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes; search-client.js computes the same with Math.imul."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _fields(st: SearchText, kb: KnowledgeBase) -> dict[str, str]:
    """The scored text as search/index.py gives it to whoosh (title, key, body)."""
    type_words = []
    for slug in st.types:
        known = kb.incident_types.get(slug)
        type_words += [slug.replace("-", " "), known.title if known else ""]
    return {
        "title": st.title,
        "key": "\n".join([st.symptoms, st.summary, st.root_cause]),
        "body": "\n".join([st.body, *type_words, *st.services, *st.teams, *st.tags]),
    }


def _quantised(lengths: np.ndarray) -> np.ndarray:
    # whoosh stores field lengths in one byte (ranking.py does the same).
    return _LENGTH_STEPS[np.minimum(np.searchsorted(_LENGTH_STEPS, lengths, side="left"), 255)]


_SPACE = re.compile(r"\s+")
# Markdown's own marks, not the author's words: emphasis, code ticks, heading, quote and list markers.
_MARKUP = re.compile(r"\*\*|`|^[ \t]*(?:#+|>|[-*+]|\d+\.)[ \t]+", re.MULTILINE)
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")


def _excerpt(st: SearchText) -> str:
    text = st.symptoms or st.summary or st.root_cause or st.body
    text = _SPACE.sub(" ", _MARKUP.sub("", _LINK.sub(r"\1", text))).strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _filter_terms(st: SearchText) -> set[str]:
    values: set[str] = {f"kind:{st.kind}"}
    values |= {f"type:{t.lower()}" for t in st.types}
    values |= {f"service:{s.lower()}" for s in st.services}
    values |= {f"team:{t.lower()}" for t in st.teams if t}
    values |= {f"tag:{t.lower()}" for t in st.tags}
    if st.severity:
        values.add(f"severity:{st.severity.lower()}")
    if st.status:
        values.add(f"status:{st.status.lower()}")
    if st.date and st.kind == "postmortem":
        values |= {f"date:{st.date:%Y}", f"date:{st.date:%Y-%m}", f"date:{st.date:%Y-%m-%d}"}
    return values


@dataclass
class SearchAssets:
    """Site-relative path -> file bytes, plus figures for the benchmark."""

    files: dict[str, bytes]
    documents: int
    terms: int


def _ordered(kb: KnowledgeBase) -> list[PostmortemDoc | RunbookDoc]:
    runbooks = sorted(kb.runbooks, key=lambda d: d.meta.id)
    postmortems = sorted(kb.postmortems, key=lambda d: (d.meta.timestamps.started, d.meta.id), reverse=True)
    return [*runbooks, *postmortems]


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _entry_json(entry: list) -> str:
    # A term's entry is kept as its JSON text from the moment it is made: lists of Python ints
    # for every posting were about 30 MB of the build's peak at 3,000 postmortems.
    return json.dumps(entry, separators=(",", ":"))


def _dump_entries(terms: list[str], entries: dict[str, str]) -> bytes:
    """The bytes `_dump` gives for {term: entry} in this order, from entries kept as JSON text."""
    parts = (json.dumps(term, ensure_ascii=False) + ":" + entries[term] for term in terms)
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def build_assets(
    kb: KnowledgeBase, urls: SiteOptions, pages: list[dict] | None = None, analysed: TermCountCache | None = None
) -> SearchAssets:
    """The index of the KB's kept documents (a public build's KB holds no internal postmortem), then `pages`.

    `pages` are hand-written pages as `material_pages` reads them: {location, title, text}.
    `analysed` gives the term counts of texts analysed by earlier builds (the same counts).
    """
    docs = _ordered(kb)
    links = [page_url(doc.rel, urls) for doc in docs] + [page["location"] for page in pages or []]
    n = len(links)
    n_runbooks = sum(1 for doc in docs if isinstance(doc, RunbookDoc))
    count = analysed.field_counts if analysed is not None else field_counts
    stored: list[list] = []
    filters: dict[str, list[int]] = defaultdict(list)

    def texts() -> Iterator[SearchText]:
        yield from (search_text(doc) for doc in docs)
        for page in pages or []:
            yield SearchText(rel=page["location"], kind="page", id=page["location"], title=page["title"], types=[],
                             body="\n".join(page["text"]))

    def counted() -> Iterator[FieldCounts]:
        # One text at a time: its stored row and filter values are taken as it passes, and only
        # its term counts go on (every document's text at once was tens of MB at 3,000 postmortems).
        for number, (st, link) in enumerate(zip(texts(), links)):
            stored.append([
                st.title, link, st.kind, st.types, st.severity,
                f"{st.date:%Y-%m-%d}" if st.date and st.kind == "postmortem" else "", st.services, _excerpt(st),
            ])
            for value in _filter_terms(st):
                filters[value].append(number)
            yield count(_fields(st, kb))

    entries = _scored_terms(counted(), n)
    scored = len(entries)
    for value, numbers in filters.items():
        entries[value] = _entry_json([0, 0, _deltas(numbers), []])

    # Each entry is already its JSON text (ASCII: numbers only), so its size is its length.
    shards = max(1, sum(len(entry) + len(term) + 4 for term, entry in entries.items()) // SHARD_BYTES)
    buckets: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(entries):
        buckets[fnv1a(term) % shards].append(term)

    files: dict[str, bytes] = {}
    for index, bucket in enumerate(buckets):
        files[f"{FOLDER}/t/{index}.json"] = _dump_entries(bucket, entries)
    for start in range(0, n, CHUNK):
        files[f"{FOLDER}/d/{start // CHUNK}.json"] = _dump(stored[start:start + CHUNK])
    digest = hashlib.blake2b(digest_size=6)
    for rel in sorted(files):
        digest.update(rel.encode())
        digest.update(files[rel])
    aliases = {alias: name for name, names in ALIASES.items() for alias in names if name in FILTER_FIELDS}
    files[f"{FOLDER}/manifest.json"] = _dump({
        "format": FORMAT,
        "stamp": digest.hexdigest(),
        "docs": n,
        "runbooks": n_runbooks,
        "shards": shards,
        "chunk": CHUNK,
        "coord_scale": COORD_SCALE,
        "runbook_boost": RUNBOOK_BOOST,
        "filters": list(BOX_FILTERS),
        "aliases": aliases,
        "types": {slug: t.title for slug, t in sorted(kb.incident_types.items())},
    })
    return SearchAssets(files, n, scored)


def _scored_terms(counts: Iterable[FieldCounts], n: int) -> dict[str, str]:
    """Each term's entry as JSON: [fields it occurs in, peak impact, document numbers (delta coded), packed impacts].

    A document's impact for a term is the sum over the fields of boost * idf * BM25's tf part;
    every (term, document, field) is one row of flat numpy arrays, so the cost is a few array
    passes, not a Python loop per posting. Sums run in field order, as the scalar formula
    would, and idf and rounding use Python's math on each term: the same bytes either way.
    `counts` is read once, document by document, into compact arrays (a few thousand
    documents' Counters at once would cost more memory than the whole index).
    """
    vocab: dict[str, int] = {}
    # 32-bit ids and counts (a few million rows at 10,000 postmortems): half of the peak memory of 64-bit ones.
    columns = [(array("i"), array("i"), array("i")) for _ in FIELDS]  # per field: term ids, tf, terms per doc
    for document in counts:
        for field, (terms, tfs, sizes) in zip(document, columns):
            terms.extend([vocab.setdefault(term, len(vocab)) for term in field])
            tfs.extend(field.values())
            sizes.append(len(field))
    size = len(vocab)
    present = np.zeros(size, dtype=np.int64)  # fields where the term occurs at all
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per field: term ids, doc numbers, scores
    for name in FIELDS:
        terms, tfs, sizes = columns.pop(0)
        term_ids = np.frombuffer(terms, dtype=np.int32)
        docs = np.repeat(np.arange(n, dtype=np.int32), np.frombuffer(sizes, dtype=np.int32))
        tf = np.frombuffer(tfs, dtype=np.int32).astype(np.float64)
        boost = TEXT_FIELDS[name]
        lengths = np.bincount(docs, weights=tf, minlength=n)
        qlengths = _quantised(lengths)
        avg = float(lengths.sum()) / (n or 1) or 1.0
        df = np.bincount(term_ids, minlength=size)
        present += df > 0
        idf = np.array([math.log(n / (d + 1)) + 1 for d in df.tolist()], dtype=np.float64)
        norm = _K1 * ((1 - _B) + _B * qlengths[docs] / avg)
        score = boost * idf[term_ids] * (tf * (_K1 + 1)) / (tf + norm)
        del tf, norm, tfs, sizes  # this field's counts, before the next field's
        # Sorted by term once (stable: a term's documents stay in order), so that any range of
        # term ids is a slice: ranges cost one pass in all, not one pass over every row each.
        by_term = np.argsort(term_ids, kind="stable")
        rows.append((term_ids[by_term], docs[by_term], score[by_term]))
        del terms, term_ids, docs, score, by_term
    names = list(vocab)
    entries: dict[str, str] = {}
    # Terms in ranges of ids, each range's rows summed at once: the sums and their order are those
    # of one pass over all rows, while the temporary arrays stay a fraction of them (a few million
    # rows at 10,000 postmortems).
    total = sum(len(term_ids) for term_ids, _, _ in rows)
    ranges = max(1, total // _ROWS_AT_ONCE)
    bounds = [size * i // ranges for i in range(ranges + 1)]
    for low, high in zip(bounds, bounds[1:]):
        keys, scores = [], []
        for term_ids, docs, score in rows:
            first, last = np.searchsorted(term_ids, [low, high])
            keys.append(term_ids[first:last].astype(np.int64) * max(n, 1) + docs[first:last])
            scores.append(score[first:last])
        _range_entries(entries, names, present, low, high, np.concatenate(keys), np.concatenate(scores), n)
    return entries


_ROWS_AT_ONCE = 25_000  # rows summed at once: a few MB of temporary arrays


def _range_entries(
    entries: dict[str, str], names: list[str], present: np.ndarray, low: int, high: int,
    keys: np.ndarray, scores: np.ndarray, n: int,
) -> None:  # fmt: skip
    """The entries of terms `low` to `high` - 1, from their rows' keys (term * n + doc) and scores, in field order."""
    unique, inverse = np.unique(keys, return_inverse=True)
    impact = np.bincount(inverse, weights=scores)  # adds in field order, from 0.0
    nfields = np.bincount(inverse)
    term_of, doc_of = unique // max(n, 1), unique % max(n, 1)
    # Per term: highest impact first (lower number on ties), the first POSTINGS_CAP kept.
    order = np.lexsort((doc_of, -impact, term_of))
    term_of, doc_of, impact, nfields = term_of[order], doc_of[order], impact[order], nfields[order]
    starts = np.searchsorted(term_of, np.arange(low, high + 1))
    for term_id in range(low, high):
        lo = starts[term_id - low]
        hi = min(starts[term_id - low + 1], lo + POSTINGS_CAP)
        by_number = np.argsort(doc_of[lo:hi], kind="stable")
        numbers = doc_of[lo:hi][by_number].tolist()
        kept = impact[lo:hi][by_number]
        peak = float(impact[lo:hi].max()) or 1.0
        # Quantised impact and field count in one integer: q * 4 + fields (1..3).
        quantised = [max(1, round(score / peak * 255)) for score in kept.tolist()]
        packed = [q * 4 + f for q, f in zip(quantised, nfields[lo:hi][by_number].tolist())]
        entries[names[term_id]] = _entry_json([int(present[term_id]), round(peak, 4), _deltas(numbers), packed])


def _deltas(numbers: list[int]) -> list[int]:
    return [numbers[0], *(b - a for a, b in zip(numbers, numbers[1:]))] if numbers else []


def write_assets(assets: SearchAssets, site_dir: Path) -> None:
    for rel, data in assets.files.items():
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# -- the MkDocs side: assets on every page, the index after the build ----------------

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "assets"
CLIENT_JS = "assets/pmkb/search-client.js"
CLIENT_CSS = "assets/pmkb/search-client.css"
CLIENT_FILES = {CLIENT_JS: TEMPLATES / "search-client.js", CLIENT_CSS: TEMPLATES / "search-client.css"}
MATERIAL_INDEX = "search/search_index.json"


def material_search_on(plugins: object) -> bool:
    """The box exists only where Material's search plugin is on (it renders the header box)."""
    return any(name in ("search", "material/search") for name in plugins)  # type: ignore[attr-defined]


def material_pages(site_dir: Path, wanted: set[str]) -> list[dict]:
    """The hand-written pages (`wanted` URLs) as Material indexed them, one entry per page.

    Generated pages (lists of every postmortem, reviews) are left out: their words are the
    postmortems' own, and at 50,000 postmortems they would dwarf everything else.
    """
    try:
        raw = json.loads((site_dir / MATERIAL_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    pages: dict[str, dict] = {}
    for item in raw.get("docs", []) if isinstance(raw, dict) else []:
        if not isinstance(item, dict) or not isinstance(item.get("location"), str):
            continue
        location = item["location"].split("#", 1)[0]
        if location not in wanted:
            continue
        page = pages.setdefault(location, {"location": location, "title": "", "text": []})
        if not page["title"] and "#" not in item["location"]:
            page["title"] = _TAG.sub("", str(item.get("title", "")))
        page["text"].append(_TAG.sub(" ", str(item.get("title", ""))) + " " + _TAG.sub(" ", str(item.get("text", ""))))
    return [p for p in pages.values() if p["title"]]


_TAG = re.compile(r"<[^>]+>")


def empty_material_index(site_dir: Path) -> None:
    """Material's worker still loads its index (for its settings and ?h= highlighting): leave it no documents."""
    path = site_dir / MATERIAL_INDEX
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(raw, dict):
        raw["docs"] = []
        path.write_text(json.dumps(raw, separators=(",", ":")), encoding="utf-8")


def write_site_search(
    kb: KnowledgeBase, urls: SiteOptions, site_dir: Path, docs_dir: Path, analysed: TermCountCache | None = None
) -> SearchAssets:
    """Write the index into the built site (after Material's search plugin wrote its own)."""
    wanted = {page_url(path.relative_to(docs_dir).as_posix(), urls) for path in docs_dir.rglob("*.md")} if docs_dir.is_dir() else set()
    assets = build_assets(kb, urls, material_pages(site_dir, wanted), analysed)
    write_assets(assets, site_dir)
    empty_material_index(site_dir)
    return assets
