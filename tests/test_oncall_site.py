"""A real mkdocs build with pager data: `oncall/`, `api/oncall.json`, the postmortem line, the nav, escaping."""

from __future__ import annotations

import json
import re

from .conftest import KB, VALID_PM
from .helpers import run_json

HEADER = "created_at,rotation,service,urgency,assignee,title,id\n"
HOSTILE = '<script>alert("pd")</script> & <b>bold</b>'


def _pager(kb: KB) -> None:
    kb.write("oncall/pages.csv", HEADER + f"""\
2026-03-14T01:45:00Z,Checkout primary,checkout,high,Ana,"{HOSTILE.replace('"', '""')}",S1
2026-03-14T02:30:00Z,Checkout primary,checkout,high,Ana,Pool 91% on db-12,S2
2026-03-20T10:00:00Z,Checkout primary,checkout,high,Ana,Pool 80% on db-3,S3
2026-04-02T10:00:00Z,Checkout primary,checkout,high,Ana,Pool 75% on db-1,S4
2026-04-02T11:00:00Z,Checkout primary,checkout,low,Ana,Pool 60% on db-1,S5
""")


def test_build_writes_the_oncall_page_export_and_postmortem_line(kb: KB) -> None:
    _pager(kb)
    build = kb.mkdocs("build", "--strict")
    assert build.returncode == 0, build.stderr
    data = json.loads(kb.site("api/oncall.json"))
    # Weeks (UTC): 9 Mar: S1, S2 = 2; 16 Mar: S3 = 1; 23 Mar: 0; 30 Mar: S4 = 1 -> 0 1 1 2.
    assert data["pages"] == 4
    assert data["pages_per_oncall_week"] == {"mean": 1.0, "median": 1.0, "p90": 1.7, "max": 2}
    assert data["pages_per_postmortem"] == {"PM-2026-001": 2}
    assert data["noisy_alerts"][0] == {"service": "checkout", "title": "Pool #% on db-#", "example": "Pool 91% on db-12",
                                       "pages": 3, "no_postmortem": 2, "rotations": ["Checkout primary"]}
    # The week of 30 March has its Thursday (2 April) in April.
    assert {m: v["pages"] for m, v in data["months"].items()} == {"2026-03": 3, "2026-04": 1}

    page = kb.site("oncall/index.html")
    assert "On-call load" in page
    assert "<td>2026-03</td><td>3</td><td>3</td>" in page  # month, on-call weeks, pages
    assert "Checkout primary" in page and "pages-per-oncall-week.svg" in page
    assert (kb.root / "site/oncall/pages-per-oncall-week.svg").read_text(encoding="utf-8").startswith("<?xml")
    # Pager titles are hostile input: escaped, never markup.
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;pd&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page

    pm = kb.site("postmortems/2026/pm-2026-001/index.html")
    assert "<strong>On-call:</strong> 2 pages on checkout from 30 minutes before the start to resolved" in pm
    index = kb.site("index.html")
    assert 'href="oncall/"' in index  # "On-call" is in the nav


def test_bad_pager_files_warn_and_the_build_goes_on(kb: KB) -> None:
    _pager(kb)
    kb.write("oncall/broken.json", '{"incidents": [\n')
    build = kb.mkdocs("build")
    assert build.returncode == 0, build.stderr
    assert "oncall/broken.json:2: warning OC001: broken JSON" in build.stderr
    assert "Traceback" not in build.stderr
    assert json.loads(kb.site("api/oncall.json"))["pages"] == 4
    strict = kb.mkdocs("build", "--strict")
    assert strict.returncode == 1  # --strict turns the warning into a failure, as for every pmkb problem


def test_without_pager_data_the_page_says_how_to_add_it(kb: KB) -> None:
    build = kb.mkdocs("build", "--strict")
    assert build.returncode == 0, build.stderr
    assert "No pager data yet" in kb.site("oncall/index.html")
    assert "On-call:" not in kb.site("postmortems/2026/pm-2026-001/index.html")
    assert json.loads(kb.site("api/oncall.json"))["pages"] == 0


def test_the_monthly_review_and_its_deck_have_the_months_oncall_load(kb: KB) -> None:
    _pager(kb)
    build = kb.mkdocs("build", "--strict")
    assert build.returncode == 0, build.stderr
    code, review = run_json(kb.root, "review", "2026-03")
    assert code == 0
    # March's on-call weeks (Thursday in March): 9 Mar: 2 pages, 16 Mar: 1, 23 Mar: 0 -> 3 pages, mean 1.0.
    assert review["oncall"]["pages"] == 3
    assert review["oncall"]["pages_per_oncall_week"] == {"mean": 1.0, "median": 1.0, "p90": 1.8, "max": 2}
    assert json.loads(kb.site("api/reviews/2026-03.json"))["oncall"] == review["oncall"]
    page = kb.site("reviews/2026-03/index.html")
    assert "On-call load" in page and "3 pages over 3 on-call weeks" in page
    assert "<script>alert" not in page  # the hostile alert title, escaped in the noisiest-alerts table
    deck = kb.site("reviews/2026-03/slides/index.html")
    slides = re.findall(r'<section class="slide[^"]*"', deck)
    assert "<h2>On-call load</h2>" in deck and "<script>alert" not in deck
    assert f"{len(slides)} / {len(slides)}</span>" in deck  # the counter counts the on-call slide


def test_without_pager_data_reviews_have_no_oncall_section(kb: KB) -> None:
    assert kb.mkdocs("build", "--strict").returncode == 0
    assert run_json(kb.root, "review", "2026-03")[1]["oncall"] is None
    assert "On-call load" not in kb.site("reviews/2026-03/index.html")
    assert "On-call load" not in kb.site("reviews/2026-03/slides/index.html")


def test_a_review_month_without_oncall_weeks_says_so(kb: KB) -> None:
    _pager(kb)  # pages in March and April only
    june = VALID_PM.replace("PM-2026-001", "PM-2026-002").replace("2026-03-", "2026-06-")
    kb.write("postmortems/2026/pm-2026-002.md", june)
    build = kb.mkdocs("build")
    assert build.returncode == 0, build.stderr
    assert run_json(kb.root, "review", "2026-06")[1]["oncall"]["pages"] == 0
    assert "No on-call week of June 2026 has pager data." in kb.site("reviews/2026-06/index.html")
    assert "No on-call week of June 2026 has pager data." in kb.site("reviews/2026-06/slides/index.html")
