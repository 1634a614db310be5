"""Long HTML bodies: only what is shown is converted, the text shown is the same, re-reads convert once."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from zoom_mcp.codecs import mime
from zoom_mcp.codecs.mail_format import message_view


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def report_html(sections: int) -> str:
    """A newsletter-like body: headings, paragraphs, lists and a table per section."""
    parts = []
    for i in range(sections):
        parts.append(
            f"<h2>Section {i}</h2><p>Paragraph {i} with <b>bold</b> &amp; <a href='https://x.test/{i}'>a link</a>, "
            f"and enough words to look like a report about quarter {i}.</p>"
            f"<ul><li>point {i}.1</li><li>point {i}.2</li></ul>"
            f"<table><tr><td>metric {i}</td><td>{i * 7}</td></tr><tr><td>target</td><td>{i * 9}</td></tr></table>"
        )
    return "<html><body>" + "".join(parts) + "</body></html>"


def html_message(html: str, labels: list[str]) -> dict[str, Any]:
    return {
        "id": "m1",
        "labelIds": labels,
        "payload": {"mimeType": "text/html", "body": {"data": b64url(html.encode())}},
    }


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    mime.html_excerpt.cache_clear()


def test_long_html_shows_the_same_text_as_a_full_conversion() -> None:
    html = report_html(400)
    full = mime.html_to_text(html)
    shown = mime.html_excerpt(html, 2000)
    assert len(full) > 10_000
    head, note = shown.rsplit("\n", 1)
    assert head == full[:2000].rstrip()
    assert note.startswith("[… about ") and note.endswith(" more characters not shown]")
    estimate = int(note.removeprefix("[… about ").split(" ")[0].replace(",", ""))
    assert abs(estimate - (len(full) - 2000)) < 0.2 * len(full)


def test_long_html_converts_only_a_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    html = report_html(400)
    converted: list[int] = []
    real = mime.html_to_text

    def counting(source: str) -> str:
        converted.append(len(source))
        return real(source)

    monkeypatch.setattr(mime, "html_to_text", counting)
    mime.html_excerpt(html, 2000)
    assert sum(converted) < len(html) / 2


def test_short_html_is_converted_whole_with_the_exact_count() -> None:
    html = report_html(3)
    assert mime.html_excerpt(html, 100_000) == mime.html_to_text(html)
    cut = mime.html_excerpt(html, 50)
    assert cut.endswith(f"[… {len(mime.html_to_text(html)) - 50:,} more characters not shown]")


def test_a_reread_converts_once_and_labels_stay_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    html = report_html(200)
    calls: list[int] = []
    real = mime.html_to_text
    monkeypatch.setattr(mime, "html_to_text", lambda source: calls.append(1) or real(source))
    first = message_view(html_message(html, ["INBOX", "UNREAD"]), 3000)
    passes = len(calls)
    again = message_view(html_message(html, ["INBOX"]), 3000)
    assert len(calls) == passes  # served from the cache
    assert again["body"] == first["body"]
    assert first["labels"] == ["INBOX", "UNREAD"] and again["labels"] == ["INBOX"]
    # Different content under the same id (a draft edited) is converted anew.
    edited = message_view(html_message(html.replace("Section 0", "Chapter 0"), ["DRAFT"]), 3000)
    assert "Chapter 0" in edited["body"] and len(calls) > passes
