"""Query quality on the demo KB: symptom phrases find their incident type in the top 3."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from pmkb.search import SearchIndex
from pmkb.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).parent / "data" / "search_queries.yml"


def test_symptom_queries_surface_the_expected_incident_type(tmp_path: Path) -> None:
    # A copy of the demo content, so the index lands in tmp_path and not in the repository.
    for name in ("mkdocs.yml", "incident-types.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    for name in ("postmortems", "runbooks"):
        shutil.copytree(REPO / name, tmp_path / name)
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert len(cases) >= 30
    known = set(yaml.safe_load((REPO / "incident-types.yml").read_text(encoding="utf-8")))
    misses = []
    with SearchIndex.open(tmp_path, load_settings(tmp_path / "mkdocs.yml")) as index:
        for case in cases:
            assert case["type"] in known, case
            top = index.search(case["query"], limit=3, snippets=False)
            if not any(case["type"] in hit.types for hit in top):
                misses.append(f"{case['query']!r} -> {[(h.id, h.types) for h in top]}")
    found = len(cases) - len(misses)
    print(f"\nsearch quality: {found}/{len(cases)} = {found / len(cases):.0%} of symptom queries have the expected type in the top 3")
    for miss in misses:
        print("  miss:", miss)
    assert found / len(cases) >= 0.9, misses
