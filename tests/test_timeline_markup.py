"""Slack markup -> readable Markdown, and the Markdown stays inert when the site renders it."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from pmkb.timeline.markup import render

USERS = {"U1": "Ana Souza", "U2": "Ben *the* Okoro"}
CHANNELS = {"C1": "inc-checkout"}


def md(text: str) -> str:
    rendered = render(text, USERS.get, CHANNELS.get)
    assert rendered.blocks == ()
    return rendered.inline


@pytest.mark.parametrize(
    ("slack", "expected"),
    [
        ("<@U1> please look", "Ana Souza please look"),
        ("<@U9|someone> unknown id keeps Slack's label", "someone unknown id keeps Slack's label"),
        ("<@U9>", "@U9"),
        ("see <#C1|inc-checkout> and <#C1>", "see #inc-checkout and #inc-checkout"),
        ("<https://grafana.example/d/x?a=1&amp;b=2|the dashboard>", "[the dashboard](https://grafana.example/d/x?a=1&b=2)"),
        ("<https://example.com/a (b)>", "[https://example.com/a (b)](https://example.com/a%20%28b%29)"),
        ("<mailto:oncall@example.com|oncall@example.com>", "[oncall@example.com](mailto:oncall@example.com)"),
        ("<!here> <!channel> <!subteam^S1|@payments-oncall>", "@here @channel @payments-oncall"),
        ("<!date^1795511700^{date_short} at {time}|Nov 17 at 23:15 UTC>", "Nov 17 at 23:15 UTC"),
        (":fire: :+1::skin-tone-3: :white_check_mark: :party-parrot:", "🔥 👍 ✅ :party-parrot:"),
        ("a &lt; b &amp;&amp; c &gt; d", "a &lt; b && c > d"),
        ("5 &lt; 10 -&gt; ok", "5 &lt; 10 -> ok"),
        ("*bold* _italic_ snake_case_name 2*3*4", "**bold** *italic* snake_case_name 2\\*3\\*4"),
        ("`kubectl get pods -l app=&lt;name&gt;`", "`kubectl get pods -l app=<name>`"),
        ("line one\nline two\n\nline three", "line one / line two / line three"),
        ("[label](https://x) ![img](https://x.png)", "\\[label\\](https://x) !\\[img\\](https://x.png)"),
    ],
)
def test_slack_markup_becomes_readable_markdown(slack: str, expected: str) -> None:
    assert md(slack) == expected


def test_a_multi_line_code_block_is_kept_verbatim_under_the_line() -> None:
    rendered = render("Logs:\n```ERROR a &lt;b&gt;\n  at c```", USERS.get, CHANNELS.get)
    assert rendered.inline == "Logs:"
    assert rendered.blocks == ("ERROR a <b>\n  at c",)


SITE_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences", "pymdownx.details"]


class _Tags(HTMLParser):
    """Every element and attribute the rendered HTML really has (text content is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@pytest.mark.parametrize(
    "slack",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;div markdown=\"1\"&gt;*x*&lt;/div&gt;",
        "closing words {: onclick=\"alert(1)\" }",
        "*bold*{: onclick=\"alert(1)\" }",
        "<javascript:alert(1)|click me>",
        "<https://x.example/\" onmouseover=\"alert(1)|hover>",
        "&lt;!-- hidden --&gt; &amp;lt;script&amp;gt;",
        "&lt;https://autolink.example&gt; &lt;a href=\"javascript:x\"&gt;y&lt;/a&gt;",
    ],
)
def test_html_from_slack_is_inert_on_the_site(slack: str) -> None:
    line = f"- 10:00 **Ana Souza**: {md(slack)}"
    parser = _Tags()
    parser.feed(markdown.markdown(line, extensions=SITE_EXTENSIONS))
    assert parser.comments == []
    for tag, attrs in parser.tags:
        assert tag in {"ul", "li", "strong", "em", "code", "a", "p"}, (tag, slack)
        for name, value in attrs:
            assert tag == "a" and name == "href" and (value or "").startswith("https://"), (tag, name, value)


def test_script_text_stays_visible_as_text() -> None:
    html = markdown.markdown(md("&lt;script&gt;alert(1)&lt;/script&gt;"), extensions=SITE_EXTENSIONS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
