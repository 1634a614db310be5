"""HTML mail bodies as text: what a reader sees, laid out for a model; broken or hostile markup safe."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_mail_reading import call, notable
from zoom_mcp.codecs import mime
from zoom_mcp.codecs.mime import html_to_text
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.mail_seed_content import _NEWS_TOPICS as NEWS_TOPICS


def test_paragraphs_blocks_and_line_breaks() -> None:
    text = html_to_text("<p>One</p><p>Two<br>Three</p><div>Four</div>Five<h2>Heading</h2><p>x   y\n z</p>")
    assert text == "One\n\nTwo\nThree\n\nFour\nFive\n\nHeading\n\nx y z"


def test_inline_markup_joins_words_as_written() -> None:
    assert html_to_text("<p>a<span>b</span> <b>c</b><i>d</i></p>") == "ab cd"


def test_preformatted_text_keeps_its_spaces() -> None:
    assert html_to_text("<pre>a   b\n  c</pre>") == "a   b\n  c"


def test_lists_have_bullets_numbers_and_nesting() -> None:
    text = html_to_text(
        "<p>Agenda</p><ul><li>Budget</li><li>Hiring<ul><li>eng</li><li>ops</li></ul></li></ul>"
        "<ol><li>first</li><li>second</li></ol>"
    )
    assert text.splitlines() == [
        "Agenda",
        "",
        "  • Budget",
        "  • Hiring",
        "    • eng",
        "    • ops",
        "  1. first",
        "  2. second",
    ]


def test_table_rows_are_lines_with_cells_between_bars() -> None:
    text = html_to_text(
        "<table><thead><tr><th>Product</th><th>Revenue</th><th>YoY</th></tr></thead>"
        "<tbody><tr><td>Atlas</td><td align=right>$50.76M</td><td>12%</td></tr>"
        "<tr><td>Beacon</td><td></td><td>6%</td></tr></tbody>"
        "</table><p>After the table.</p>"
    )
    # An empty cell keeps its column: the bars either side of it stay.
    rows = ["Product | Revenue | YoY", "Atlas | $50.76M | 12%", "Beacon |  | 6%"]
    assert text.splitlines() == [*rows, "", "After the table."]


def test_links_show_their_text_and_images_nothing() -> None:
    text = html_to_text("<p>See <a href='https://x.test/report'>the report</a>.<img src='x.png' alt='logo'></p>")
    assert text == "See the report."


def test_head_scripts_styles_and_comments_are_dropped_noscript_shown() -> None:
    text = html_to_text(
        "<html><head><title>Title</title><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Body</p><script>var s = '<p>not text</p>';</script><!-- a <p>comment</p> -->"
        "<noscript>Shown without scripts</noscript></body></html>"
    )
    assert text == "Body\n\nShown without scripts"


def test_entities_are_decoded() -> None:
    text = html_to_text("<p>Fish &amp; chips &lt;3 x&rarr;y &#x1F600; &eacute;&nbsp;&copy; &#39;q&#39;</p>")
    assert text == "Fish & chips <3 x→y 😀 é © 'q'"


@pytest.mark.parametrize(
    "hidden",
    [
        '<div style="display:none;max-height:0;overflow:hidden">Preheader</div>',
        "<span style='DISPLAY: NONE'>Preheader</span>",
        "<div style='mso-hide:all; display : none !important'>Preheader</div>",
        "<div hidden>Preheader</div>",
        "<div style='display:none'><p>Pre<span style='display:none'>header</span></p></div>",
    ],
)
def test_hidden_preheader_text_is_not_shown(hidden: str) -> None:
    assert html_to_text(f"<body>{hidden}<p>Visible</p></body>") == "Visible"


def test_visible_styles_stay() -> None:
    text = html_to_text("<p style='display:block'>Shown</p><p style='color:#fff;displayed:none'>Also</p>")
    assert text == "Shown\n\nAlso"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div><p>open <b>bold <i>both</div> tail", "open bold both\n\ntail"),
        ("<p>a</p><!-- never closed <p>b</p>", "a"),
        ("<p>a</p><plaintext><b>raw</b>", "a\n\n<b>raw</b>"),
        ("<p>a\x00b</p>", "ab"),
        ("<p>a\ud800b</p>", "a?b"),  # a lone surrogate cannot reach the parser
        ("<div>" * 5000 + "deep" + "</div>" * 5000, "deep"),
        ("<p title='" + "x" * 100_000 + "'>after a huge attribute</p>", "after a huge attribute"),
        ("<table><tr><td>cell", "cell"),
        ("</p></div></body>stray closers", "stray closers"),
        ("", ""),
    ],
)
def test_broken_and_hostile_markup_is_read_safely(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_markup_in_text_stays_text() -> None:
    text = html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;</p>")
    assert text == "<script>alert(1)</script> and <b>"


# ---- the seeded mails, read through the executor and the sandbox ------------------------------


@pytest.mark.anyio
async def test_seeded_newsletter_reads_without_its_preheader() -> None:
    sandbox = Sandbox()
    rows = (await call(sandbox, "mail_list_messages", {"q": "The Platform Brief", "page_size": 1}))["messages"]
    view: dict[str, Any] = await call(sandbox, "mail_get_message", {"message_id": rows[0]["id"]})
    body = view["body"]
    # The preheader repeats the first article's blurb: shown, it would come twice, before the masthead.
    assert body.startswith("The Platform Brief Issue #")
    blurbs = [blurb for _, blurb in NEWS_TOPICS if blurb in body]
    assert len(blurbs) == 3 and all(body.count(blurb) == 1 for blurb in blurbs)
    assert "Read more →" in body and "Unsubscribe · Preferences" in body
    assert "https://" not in body and "<" not in body


@pytest.mark.anyio
async def test_seeded_report_tables_and_the_body_budget() -> None:
    mime.html_excerpt.cache_clear()
    sandbox = Sandbox()
    view = await call(sandbox, "mail_get_message", {"message_id": notable(sandbox, "quarterly_report")})
    head, note = view["body"].rsplit("\n", 1)
    assert len(head) <= 8000 and note.startswith("[… about ") and note.endswith(" more characters not shown]")
    assert "\nProduct | Revenue | YoY | Margin | New logos\nAtlas Platform | $" in head
    assert "\t" not in head and "Quarterly report Q3 FY2026</title>" not in head
