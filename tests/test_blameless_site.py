"""Blameless language on the site: build warnings, the note on draft pages, the demo KB."""

from __future__ import annotations

from pathlib import Path

from .blameless_support import PM, PROSE_LINE, postmortem_with
from .conftest import KB
from .helpers import load

REPO = Path(__file__).resolve().parent.parent
PAGE = "postmortems/2026/pm-2026-001/index.html"


def test_build_warns_and_strict_build_fails(kb: KB) -> None:
    kb.write(PM, postmortem_with("The pool ran dry.\nThe on-call engineer forgot to raise the limit."))
    build = kb.mkdocs("build")
    assert build.returncode == 0
    expected = f'WARNING -  pmkb: {PM}:{PROSE_LINE + 1}: warning BL003: "The on-call engineer forgot"'
    assert expected in build.stderr
    strict = kb.mkdocs("build", "--strict")
    assert strict.returncode == 1 and expected in strict.stderr


def test_draft_page_lists_its_findings_with_hints(kb: KB) -> None:
    kb.write(PM, postmortem_with("Human error.\nDana forgot the <b>limit</b>.", status="draft"))
    assert kb.mkdocs("build").returncode == 0
    page = kb.site(PAGE)
    assert "Blameless language: 2 phrases to reword" in page
    assert f"<code>{PM}:{PROSE_LINE}:1</code> <strong>&ldquo;Human error&rdquo;</strong> (BL001)" in page
    assert f"<code>{PM}:{PROSE_LINE + 1}:1</code> <strong>&ldquo;Dana forgot&rdquo;</strong> (BL003)" in page
    assert "<em>Try:</em> Make the system the subject" in page


def test_review_page_gets_the_note_and_escapes_the_phrase(kb: KB) -> None:
    kb.write(PM, postmortem_with("The <i>on-call</i> engineer forgot the limit.", status="review"))
    assert kb.mkdocs("build").returncode == 0
    page = kb.site(PAGE)
    assert "Blameless language: 1 phrase to reword" in page
    # The tags were blanked out for matching; the phrase shows what the author wrote, escaped.
    assert "&ldquo;The &lt;i&gt;on-call&lt;/i&gt; engineer forgot&rdquo;" in page


def test_published_and_clean_pages_get_no_note(kb: KB) -> None:
    kb.write(PM, postmortem_with("Human error."))
    kb.write("postmortems/2026/pm-2026-002.md", postmortem_with("The pool ran dry.", status="draft").replace("PM-2026-001", "PM-2026-002"))
    assert kb.mkdocs("build").returncode == 0
    assert "pmkb-blameless" not in kb.site(PAGE)
    assert "pmkb-blameless" not in kb.site("postmortems/2026/pm-2026-002/index.html")


def test_disabled_linter_adds_no_note(kb: KB) -> None:
    kb.settings("blameless:\n  enabled: false")
    kb.write(PM, postmortem_with("Human error.", status="draft"))
    assert kb.mkdocs("build").returncode == 0
    assert "pmkb-blameless" not in kb.site(PAGE)


def test_the_demo_knowledge_base_has_no_blameless_warnings() -> None:
    kb = load(REPO)
    assert kb.postmortems, "the demo KB has postmortems"
    found = [d.as_text() for d in kb.diagnostics if d.code.startswith("BL")]
    assert found == []
