"""The linter's machinery: the prefilters never hide a match, offsets survive masking, nothing raises."""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import pytest

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkb.lint.clauses import FOLDS_LOWER_MISSES
from pmkb.lint.linter import lint_text
from pmkb.lint.names import people_names
from pmkb.lint.rules import RuleSet, compile_rules
from pmkb.lint.scope import prose_mask
from pmkb.lint.settings import BlamelessSettings

DATA = Path(__file__).parent / "data" / "blameless_sentences.yml"
REPO = Path(__file__).resolve().parent.parent
RULES = compile_rules(BlamelessSettings())


def test_the_prefilter_finds_exactly_what_a_full_scan_finds() -> None:
    # What a build with a few edited postmortems lints with: no prefilter, each pattern over the whole text.
    full = compile_rules(BlamelessSettings(), prefilter=False)
    assert all(r.required == tuple(None for _ in r.patterns) and not r.clauses for r in full.rules)
    sentences = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    # One body of every labelled sentence, as paragraphs and as wrapped lines.
    names = people_names(n for s in sentences for n in s.get("names") or [])
    body = "\n\n".join(s["text"] for s in sentences) + "\n" + "\n".join(s["text"] for s in sentences)
    assert lint_text(body, RULES, names) == lint_text(body, full, names)
    assert len(lint_text(body, RULES, names)) > 150
    for path in sorted((REPO / "postmortems").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert lint_text(text, RULES, names) == lint_text(text, full, names), path


def _without_clauses(rules: RuleSet) -> RuleSet:
    """The same rules, each pattern run over every sentence holding one of its required words, as before clauses."""
    return RuleSet(tuple(dataclasses.replace(r, clauses=tuple(() for _ in r.patterns)) for r in rules.rules), rules.names)


BY_REQUIRED_WORDS = _without_clauses(RULES)
PEOPLE = people_names(["Sam Lee", "Dana Ortiz", "Yıldız Kaya"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Pronouns are whole words to the clauses: next to punctuation, at the edges, wrapped.
        ("Later (he forgot) the limit was raised.", "BL003"),
        ("At 02:10—she forgot the limit.", "BL003"),
        ("I forgot the limit.", "BL003"),
        ("Then\nhe\nforgot the limit.", "BL003"),
        ("They, once again, forgot to notify anyone.", "BL003"),
        ("Someone forgot the limit.", "BL003"),
        ("We asked who\nbroke the build.", "BL009"),
        ("It was late, and he had been warned.", "BL003"),
        # A person named by role, a named person, a hyphenated role.
        ("The on-call engineer carelessly restarted the primary.", "BL011"),
        ("The rollback was botched by Sam Lee.", "BL010"),
        ("Dana's change broke checkout.", "BL007"),
        ("The owner of the service was responsible for the outage.", "BL009"),
        # "naïvely" is found by its plain part; "ı" and "ſ" turn the clauses off for the text.
        ("The engineer naïvely restarted the primary.", "BL011"),
        ("Yıldız forgot the limit.", "BL003"),
        ("The engineer forgot the ſtaging limit.", "BL003"),
    ],
)
def test_sentences_the_clauses_must_not_skip_still_get_their_finding(text: str, code: str) -> None:
    found = lint_text(text, RULES, PEOPLE)
    assert code in [f.code for f in found]
    assert found == lint_text(text, BY_REQUIRED_WORDS, PEOPLE)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Sam", "Dana Ortiz", "he", "she", "I", "they", "who", "the engineer", "on-call", "owner of the service",
             "forgot", "missed", "carelessly", "naïvely", "broke", "caused", "the outage", "should have", "by",
             "the", "theme", "i.e.", " ", "\n", "\n\n", ". ", ", ", "(", ")", "—", "'s", "’", "ı", "ſ", "İ", "K", "_"]
        ),
        max_size=40,
    )
)
def test_clauses_find_what_the_required_words_find(parts: list[str]) -> None:
    text = " ".join(parts)
    assert lint_text(text, RULES, PEOPLE) == lint_text(text, BY_REQUIRED_WORDS, PEOPLE)


def test_lowercasing_finds_what_ignorecase_matches_but_for_the_listed_characters() -> None:
    """Clauses look for lowercase words in the lowercased text: exact only where re.IGNORECASE folds the same way."""
    every = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    missed = {
        ch
        for letter in string.ascii_lowercase
        for ch in re.findall(letter, every, re.IGNORECASE)
        if ch.lower() != letter and len(ch.lower()) == 1  # "İ": a longer lowercase turns the prefilter off
    }
    assert missed == set(FOLDS_LOWER_MISSES)
    needles = {n.lstrip(" ") for r in RULES.rules for clauses in r.clauses for clause in clauses for n in clause}
    for ch in {ch for n in needles for ch in n if not ch.isascii()}:  # the name token, apostrophes...
        assert re.findall(re.escape(ch), every, re.IGNORECASE) == [ch]


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
