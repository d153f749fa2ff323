#!/usr/bin/env python3
"""Blameless linter throughput on the demo postmortem bodies, each made unique (no cache hits).

    scripts/bench_blameless.py

Prints ms per postmortem on a first pass and the cost of an unchanged rebuild
(`mkdocs serve`), where the content-keyed memo answers.
"""

import time
from datetime import date
from pathlib import Path
from pmkb.knowledge.base import KnowledgeBase
from pmkb.lint.linter import lint_text
from pmkb.lint.names import names_of
from pmkb.lint.rules import compile_rules
from pmkb.settings import load_settings
REPO = Path(__file__).resolve().parent.parent
kb = KnowledgeBase.load(REPO, load_settings(REPO / "mkdocs.yml"), as_of=date(2026, 11, 28))
rules = compile_rules(kb.settings.blameless)
work = [(f"{d.body}\nRun {i}.\n", names_of(d.meta)) for i in range(40) for d in kb.postmortems]
start = time.perf_counter()
found = sum(len(lint_text(body, rules, names)) for body, names in work)
first = time.perf_counter() - start
start = time.perf_counter()
sum(len(lint_text(body, rules, names)) for body, names in work)
again = time.perf_counter() - start
avg = sum(len(b) for b, _ in work) // len(work)
print(f"{len(work)} postmortem bodies (avg {avg} chars): first pass {first:.2f} s = {first / len(work) * 1000:.2f} ms each; "
      f"unchanged (serve rebuild) {again * 1000:.0f} ms total; {found} findings")
