"""The linter's machinery: the prefilter never hides a match, offsets survive masking, nothing raises."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkb.lint.linter import lint_text
from pmkb.lint.names import people_names
from pmkb.lint.rules import RuleSet, compile_rules
from pmkb.lint.scope import prose_mask
from pmkb.lint.settings import BlamelessSettings

DATA = Path(__file__).parent / "data" / "blameless_sentences.yml"
REPO = Path(__file__).resolve().parent.parent
RULES = compile_rules(BlamelessSettings())


def _without_prefilter(rules: RuleSet) -> RuleSet:
    """The same rules, each pattern run over the whole text."""
    return RuleSet(
        tuple(dataclasses.replace(r, required=tuple(None for _ in r.patterns)) for r in rules.rules), rules.names
    )


def test_the_prefilter_finds_exactly_what_a_full_scan_finds() -> None:
    full = _without_prefilter(RULES)
    sentences = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    # One body of every labelled sentence, as paragraphs and as wrapped lines.
    names = people_names(n for s in sentences for n in s.get("names") or [])
    body = "\n\n".join(s["text"] for s in sentences) + "\n" + "\n".join(s["text"] for s in sentences)
    assert lint_text(body, RULES, names) == lint_text(body, full, names)
    assert len(lint_text(body, RULES, names)) > 150
    for path in sorted((REPO / "postmortems").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert lint_text(text, RULES, names) == lint_text(text, full, names), path


def test_columns_count_characters_and_names_may_wrap() -> None:
    [finding] = lint_text("Ünïcödé: Tomás forgot the limit.", RULES, people_names(["Tomás Herrera"]))
    assert (finding.line, finding.column, finding.phrase) == (1, 10, "Tomás forgot")
    [finding] = lint_text("Before.\nThen Sam\nLee forgot the limit.", RULES, people_names(["Sam Lee"]))
    assert (finding.line, finding.column, finding.phrase) == (2, 6, "Sam Lee forgot")


def test_a_word_that_contains_a_name_is_not_the_name() -> None:
    assert lint_text("McSam forgot the limit. Samson forgot it too.", RULES, people_names(["Sam Lee"])) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_masking_keeps_every_offset(text: str) -> None:
    masked = prose_mask(text)
    assert len(masked) == len(text)
    assert [i for i, ch in enumerate(masked) if ch == "\n"] == [i for i, ch in enumerate(text) if ch == "\n"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Sam", "forgot", "the engineer", "`", "```", "\n", "\n\n", "> ", '"', "<!--", "-->", "[x](", ")", "    ",
             "human error", "should have", "<!-- blameless: ignore -->", "—", "İ", ".", ",", " "]
        ),
        max_size=60,
    )
)
def test_any_markdown_lints_without_raising(parts: list[str]) -> None:
    text = "".join(parts)
    lines = text.split("\n")
    for finding in lint_text(text, RULES, people_names(["Sam Lee"])):
        assert 1 <= finding.line <= len(lines)
        assert 1 <= finding.column <= len(lines[finding.line - 1])
