"""Real `mkdocs build` runs of a small knowledge base."""

from __future__ import annotations

import json
import re

from .conftest import KB, VALID_PM, VALID_RUNBOOK

PM = "postmortems/2026/pm-2026-001.md"


def test_strict_build_renders_postmortem_runbook_and_indexes(kb: KB) -> None:
    result = kb.mkdocs("build", "--strict")
    assert result.returncode == 0, result.stderr
    page = kb.site("postmortems/2026/pm-2026-001/index.html")
    # Header from front matter, links to the runbook, action items table from front matter.
    assert "Checkout errors from pool exhaustion</h1>" in page
    assert 'class="pmkb-sev pmkb-sev-sev2"' in page
    assert "Sam Lee" in page
    assert "26 min" in page  # mitigated - detected
    assert "51 min" in page  # resolved - detected
    assert '<a href="../../../runbooks/db-pool/">Database Connection Pool Exhaustion</a>' in page
    assert "Add leak detection" in page and "PAY-1" in page
    runbook = kb.site("runbooks/db-pool/index.html")
    assert "Database Connection Pool Exhaustion</h1>" in runbook
    index = kb.site("postmortems/index.html")
    assert '<a href="2026/pm-2026-001/">PM-2026-001</a>' in index
    assert "March 2026" in index
    assert '<a href="db-pool/">Database Connection Pool Exhaustion</a>' in kb.site("runbooks/index.html")


def test_postmortems_are_not_in_the_navigation(kb: KB) -> None:
    for n in range(2, 6):
        kb.write(f"postmortems/2026/pm-2026-00{n}.md", VALID_PM.replace("PM-2026-001", f"PM-2026-00{n}"))
    assert kb.mkdocs("build", "--strict").returncode == 0
    home = kb.site("index.html")
    assert "pm-2026-003" not in home  # nav lists index pages only, so pages stay O(N)
    assert "postmortems/" in home


def test_problems_are_warnings_that_fail_strict_but_not_a_normal_build(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("incident_type: db-pool", "incident_type: db-pol"))
    strict = kb.mkdocs("build", "--strict")
    assert strict.returncode == 1
    assert f"pmkb: {PM}:6: error XR002: unknown incident_type 'db-pol'; did you mean 'db-pool'?" in strict.stderr
    assert kb.mkdocs("build").returncode == 0


def test_broken_front_matter_is_shown_not_swallowed(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("services: [checkout]", "services: [checkout"))
    result = kb.mkdocs("build")
    assert result.returncode == 0
    assert f"{PM}:8" in result.stderr and "FM005" in result.stderr
    page = kb.site("postmortems/2026/pm-2026-001/index.html")
    assert "This file cannot be read by pmkb" in page
    assert "FM005" in page


def test_draft_gets_a_banner(kb: KB) -> None:
    kb.write(PM, VALID_PM.replace("status: published", "status: draft"))
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert "This postmortem is a draft" in kb.site("postmortems/2026/pm-2026-001/index.html")


def test_author_text_is_escaped(kb: KB) -> None:
    evil = VALID_PM.replace("title: Checkout errors from pool exhaustion", 'title: "<script>alert(1)</script> | *x*"')
    evil = evil.replace("    owner: Dana Ortiz", '    owner: "<img src=x onerror=alert(1)>"')
    kb.write(PM, evil)
    assert kb.mkdocs("build", "--strict").returncode == 0
    page = kb.site("postmortems/2026/pm-2026-001/index.html")
    index = kb.site("postmortems/index.html")
    for html in (page, index):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in page


def test_tags_reach_materials_tags_plugin(kb: KB) -> None:
    assert kb.mkdocs("build", "--strict").returncode == 0
    page = kb.site("postmortems/2026/pm-2026-001/index.html")
    assert re.search(r'class="md-tag[^"]*"[^>]*>\s*database\s*<', page), "Material renders the tag on the page"
    # ...and the site search filters by it (`tag:database` in the box).
    manifest = json.loads(kb.site("search/pmkb/manifest.json"))
    shards = [json.loads(kb.site(f"search/pmkb/t/{n}.json")) for n in range(manifest["shards"])]
    assert any("tag:database" in shard for shard in shards)


def test_public_build_leaves_internal_postmortems_out(kb: KB) -> None:
    public = VALID_PM.replace("PM-2026-001", "PM-2026-002").replace("tags: [database]", "tags: [database]\nvisibility: public")
    public = public.replace("Checkout errors from pool exhaustion", "Public incident")
    kb.write("postmortems/2026/pm-2026-002.md", public)
    result = kb.mkdocs("build", "--strict", env={"PMKB_PUBLIC_BUILD": "1"})
    assert result.returncode == 0, result.stderr
    site = kb.root / "site"
    assert (site / "postmortems/2026/pm-2026-002/index.html").exists()
    assert not (site / "postmortems/2026/pm-2026-001").exists()
    everything = "".join(p.read_text(errors="ignore") for p in site.rglob("*") if p.suffix in {".html", ".json", ".xml"})
    assert "PM-2026-001" not in everything and "Checkout errors from pool exhaustion" not in everything


def test_template_override_from_custom_dir(kb: KB) -> None:
    kb.write("mkdocs.yml", (kb.root / "mkdocs.yml").read_text().replace("  name: material", "  name: material\n  custom_dir: overrides"))
    kb.write("overrides/pmkb/draft_banner.html.j2", "<p>OUR OWN DRAFT NOTICE {{ pm.id }}</p>\n")
    kb.write(PM, VALID_PM.replace("status: published", "status: draft"))
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert "OUR OWN DRAFT NOTICE PM-2026-001" in kb.site("postmortems/2026/pm-2026-001/index.html")


def test_runbook_with_unknown_type_still_defines_it(kb: KB) -> None:
    kb.write("runbooks/dns.md", VALID_RUNBOOK.replace("id: db-pool", "id: dns").replace("incident_types: [db-pool]", "incident_types: [dns-failure]"))
    assert kb.mkdocs("build", "--strict").returncode == 0


def test_every_page_gets_its_own_header_and_no_placeholder_leaks(kb: KB) -> None:
    for n in range(2, 8):
        kb.write(f"postmortems/2026/pm-2026-00{n}.md", VALID_PM.replace("PM-2026-001", f"PM-2026-00{n}").replace(
            "title: Checkout errors from pool exhaustion", f"title: Incident number {n}"))
    assert kb.mkdocs("build", "--strict").returncode == 0
    for n in range(1, 8):
        page = kb.site(f"postmortems/2026/pm-2026-00{n}/index.html")
        assert page.count('class="pmkb-facts"') == 1
        assert page.count('class="pmkb-action-items"') == 1
    leftovers = [p for p in (kb.root / "site").rglob("*.html") if "PMKBFRAGMENT" in p.read_text() or "PMKBLATE" in p.read_text()]
    assert leftovers == []
