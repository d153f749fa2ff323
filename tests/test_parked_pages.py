"""pmkb's pages keep their HTML as bytes between MkDocs' two passes (mkdocs_plugin/parked_pages.py).

What a reader and another plugin must never notice: every page is written with its own HTML,
a plugin that reads or changes `page.content` while the page is written sees the real HTML and
keeps its change, and a hand-written page is left alone.
"""

from __future__ import annotations

from pmkb.mkdocs_plugin.parked_pages import PLACEHOLDER

from .conftest import KB

# A real MkDocs hook (mkdocs.yml `hooks:`), loaded by the build like any third-party plugin.
HOOK = '''
SEEN = []

def on_page_context(context, page, config, nav):
    # What the theme is about to render: the page's own HTML, marked so the test can find it.
    page.content = page.content + f"<p>hook saw {len(page.content)} characters of {page.file.src_uri}</p>"
    return context

def on_post_build(config):
    from pathlib import Path
    Path(config.site_dir, "hook-done.txt").write_text("done", encoding="utf-8")
'''


def test_every_page_is_written_with_its_own_html_and_a_plugin_change_survives(kb: KB) -> None:
    kb.write("hooks/context.py", HOOK)
    config = kb.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "hooks:\n  - hooks/context.py\nplugins:\n", 1),
                      encoding="utf-8")
    result = kb.mkdocs("build")
    assert result.returncode == 0, result.stderr
    site = kb.root / "site"
    assert (site / "hook-done.txt").is_file()
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert len(pages) > 10
    for rel, html in pages.items():
        assert PLACEHOLDER not in html, rel
    postmortem = pages["postmortems/2026/pm-2026-001/index.html"]
    # The hook saw the real HTML (thousands of characters, not the placeholder), and its change was kept.
    seen = int(postmortem.split("hook saw ")[1].split(" characters")[0])
    assert seen > 10 * len(PLACEHOLDER) and "of postmortems/2026/pm-2026-001.md</p>" in postmortem
    assert "The alert fired." in postmortem  # the postmortem's own words
    assert "hook saw" in pages["index.html"] and "hook saw" in pages["postmortems/index.html"]

