"""RFC 2822 build/parse round trips and the reading of Zoom's Gmail-style payload trees."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zoom_mcp.codecs.mail_format import message_view
from zoom_mcp.codecs.mime import (
    ENCRYPTED_NOTE,
    Attachment,
    ReplyContext,
    b64url_decode,
    build_message,
    encode_raw,
    html_to_text,
    is_encrypted,
    parse_raw,
    read_payload,
    readable_date,
    reply_subject,
    to_payload,
    truncate,
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def round_trip(message: EmailMessage) -> EmailMessage:
    raw = encode_raw(message)
    assert "+" not in raw and "/" not in raw  # base64url, as Zoom's raw field requires
    return parse_raw(raw)


def body_of(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content.replace("\r\n", "\n")


# ---- building -----------------------------------------------------------------------------------


def test_unicode_subject_and_body_round_trip() -> None:
    subject = "Grüße — 会議の議事録 ✅"
    text = "Hallo Jürgen,\n\nanbei die Notizen: 東京 🗼\n"
    parsed = round_trip(build_message(to=["jurgen@example.com"], subject=subject, text=text, sender="ana@example.com"))
    assert parsed["Subject"] == subject
    assert parsed["To"] == "jurgen@example.com"
    assert parsed["From"] == "ana@example.com"
    assert parsed.get_content_type() == "text/plain"
    assert body_of(parsed, "plain") == text


def test_unicode_is_encoded_seven_bit_clean_on_the_wire() -> None:
    raw_bytes = b64url_decode(encode_raw(build_message(to=["a@example.com"], subject="Grüße", text="Köln 東京")))
    assert raw_bytes.isascii()
    assert b"=?utf-8?" in raw_bytes.split(b"\r\n\r\n", 1)[0].lower()
    assert b"\r\n" in raw_bytes


def test_html_only_message() -> None:
    html = "<p>Hello <b>world</b> — ünïcode</p>"
    parsed = round_trip(build_message(to=["a@example.com"], subject="Hi", html=html))
    assert parsed.get_content_type() == "text/html"
    assert body_of(parsed, "html").strip() == html


def test_text_and_html_become_multipart_alternative() -> None:
    parsed = round_trip(build_message(to=["a@example.com"], subject="Hi", text="plain words", html="<p>rich</p>"))
    assert parsed.get_content_type() == "multipart/alternative"
    assert body_of(parsed, "plain").strip() == "plain words"
    assert body_of(parsed, "html").strip() == "<p>rich</p>"


def test_recipients_cc_and_bcc_headers() -> None:
    parsed = round_trip(
        build_message(to=["a@example.com", "b@example.com"], cc=["c@example.com"], bcc=["d@example.com"], text="x")
    )
    assert parsed["To"] == "a@example.com, b@example.com"
    assert parsed["Cc"] == "c@example.com"
    assert parsed["Bcc"] == "d@example.com"


def test_attachments_are_byte_identical() -> None:
    binary = bytes(range(256)) * 40
    csv = "name,city\nZoë,Köln\n".encode()
    message = build_message(
        to=["a@example.com"],
        subject="Files",
        text="see attached",
        html="<p>see attached</p>",
        attachments=[
            Attachment("blob.bin", binary, "application/octet-stream"),
            Attachment("données.csv", csv, "text/csv"),
        ],
    )
    parsed = round_trip(message)
    assert parsed.get_content_type() == "multipart/mixed"
    files = {part.get_filename(): part for part in parsed.iter_attachments()}
    assert set(files) == {"blob.bin", "données.csv"}
    assert files["blob.bin"].get_payload(decode=True) == binary
    assert files["données.csv"].get_payload(decode=True) == csv
    assert files["données.csv"].get_content_type() == "text/csv"
    assert body_of(parsed, "plain").strip() == "see attached"


def test_reply_headers_and_subject() -> None:
    reply = ReplyContext(message_id="<m2@example.com>", references="<m1@example.com>", subject="Budget")
    parsed = round_trip(build_message(to=["a@example.com"], text="ok", reply=reply))
    assert parsed["In-Reply-To"] == "<m2@example.com>"
    assert parsed["References"] == "<m1@example.com> <m2@example.com>"
    assert parsed["Subject"] == "Re: Budget"


def test_reply_subject_does_not_stack() -> None:
    assert reply_subject("RE: Budget") == "RE: Budget"
    assert reply_subject("re:Budget") == "re:Budget"
    assert reply_subject("Budget") == "Re: Budget"
    assert reply_subject(None) == "Re:"


def test_explicit_subject_wins_over_reply_default() -> None:
    reply = ReplyContext(message_id="<m@example.com>", subject="Budget")
    parsed = round_trip(build_message(to=["a@example.com"], subject="New topic", text="x", reply=reply))
    assert parsed["Subject"] == "New topic"


# Text a model could write: any characters except controls other than newline and tab.
prose = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), whitelist_characters="\n\t"),
    max_size=400,
)
one_line = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120)


@settings(max_examples=150, deadline=None)
@given(subject=one_line, text=prose)
def test_any_text_round_trips(subject: str, text: str) -> None:
    parsed = round_trip(build_message(to=["a@example.com"], subject=subject, text=text))
    # Header folding may not keep runs of whitespace; the words survive exactly.
    assert parsed["Subject"].split() == subject.split()
    expected = text if text.endswith("\n") else text + "\n"
    assert body_of(parsed, "plain") == expected


@settings(max_examples=100, deadline=None)
@given(text=prose, html_words=prose)
def test_any_text_survives_payload_decoding(text: str, html_words: str) -> None:
    message = build_message(to=["a@example.com"], text=text, html=f"<p>{html_words}</p>")
    content = read_payload(to_payload(parse_raw(encode_raw(message))))
    assert content.text is not None
    assert content.text == (text if text.endswith("\n") else text + "\n")


@settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=2048), name=st.from_regex(r"[A-Za-z0-9_\-]{1,20}\.(bin|dat|pdf)", fullmatch=True))
def test_any_attachment_bytes_round_trip(content: bytes, name: str) -> None:
    message = build_message(to=["a@example.com"], text="x", attachments=[Attachment(name, content)])
    (part,) = list(round_trip(message).iter_attachments())
    assert part.get_filename() == name
    assert part.get_payload(decode=True) == content


# ---- reading Zoom payloads ----------------------------------------------------------------------


def header(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


GERMAN = "Grüße aus Köln – bis Montag."

# Shaped like Zoom's format=full answer: mixed > (alternative > plain + html) + pdf + inline image.
ZOOM_MESSAGE: dict[str, Any] = {
    "id": "d9e0967700000000_e8332447bb77d2cc_012",
    "threadId": "d9e0967700000000_e8345b511227f591_005",
    "labelIds": ["INBOX", "UNREAD"],
    "snippet": "Grüße aus Köln",
    "historyId": "16",
    "internalDate": "1714987142591",
    "sizeEstimate": 70783,
    "payload": {
        "partId": "",
        "mimeType": "multipart/mixed",
        "filename": "",
        "headers": [
            header("From", "Testing Dev <dev@example.com>"),
            header("To", "me@example.com"),
            header("Cc", "=?utf-8?q?J=C3=BCrgen?= <j@example.com>"),
            header("Subject", "Quarterly report"),
            header("Date", "Mon, 6 May 2024 12:18:47 +0300"),
            header("Message-ID", "<abc@example.com>"),
            header("Content-Type", 'multipart/mixed; boundary="b1"'),
        ],
        "body": {"size": 0},
        "parts": [
            {
                "partId": "0",
                "mimeType": "multipart/alternative",
                "filename": "",
                "headers": [header("Content-Type", 'multipart/alternative; boundary="b2"')],
                "body": {"size": 0},
                "parts": [
                    {
                        "partId": "0.0",
                        "mimeType": "text/plain",
                        "filename": "",
                        "headers": [header("Content-Type", 'text/plain; charset="iso-8859-1"')],
                        "body": {"size": len(GERMAN), "data": b64url(GERMAN.replace("–", "-").encode("latin-1"))},
                    },
                    {
                        "partId": "0.1",
                        "mimeType": "text/html",
                        "filename": "",
                        "headers": [header("Content-Type", "text/html; charset=utf-8")],
                        "body": {"size": 40, "data": b64url("<p>Grüße <b>aus</b> Köln</p>".encode())},
                    },
                ],
            },
            {
                "partId": "1",
                "mimeType": "application/pdf",
                "filename": "Q2 report.pdf",
                "headers": [
                    header("Content-Type", 'application/pdf; name="Q2 report.pdf"'),
                    header("Content-Disposition", 'attachment; filename="Q2 report.pdf"'),
                ],
                "body": {"size": 48213, "attachmentId": "ATT-1"},
            },
            {
                "partId": "2",
                "mimeType": "image/png",
                "filename": "logo.png",
                "headers": [header("Content-Disposition", 'inline; filename="logo.png"')],
                "body": {"size": 512, "attachmentId": "ATT-2"},
            },
        ],
    },
}


def test_realistic_payload_is_decoded() -> None:
    content = read_payload(ZOOM_MESSAGE["payload"])
    assert content.text == "Grüße aus Köln - bis Montag."
    assert content.html == "<p>Grüße <b>aus</b> Köln</p>"
    assert content.attachments == [
        {"id": "ATT-1", "filename": "Q2 report.pdf", "type": "application/pdf", "size": 48213},
        {"id": "ATT-2", "filename": "logo.png", "type": "image/png", "size": 512},
    ]
    assert not content.encrypted


def test_message_view() -> None:
    view = message_view(ZOOM_MESSAGE, body_chars=8000)
    assert view == {
        "id": "d9e0967700000000_e8332447bb77d2cc_012",
        "thread_id": "d9e0967700000000_e8345b511227f591_005",
        "labels": ["INBOX", "UNREAD"],
        "from": "Testing Dev <dev@example.com>",
        "to": "me@example.com",
        "cc": "Jürgen <j@example.com>",
        "date": "2024-05-06 09:19 UTC",
        "subject": "Quarterly report",
        "body": "Grüße aus Köln - bis Montag.",
        "attachments": [
            {"id": "ATT-1", "filename": "Q2 report.pdf", "type": "application/pdf", "size": 48213},
            {"id": "ATT-2", "filename": "logo.png", "type": "image/png", "size": 512},
        ],
    }


def test_html_only_body_is_turned_to_text() -> None:
    html = "<html><body><h1>Agenda</h1><ul><li>Budget</li><li>Hiring</li></ul><p>Bring &amp; share</p></body></html>"
    message = {
        "id": "m1",
        "payload": {
            "mimeType": "text/html",
            "headers": [header("Content-Type", "text/html; charset=utf-8")],
            "body": {"data": b64url(html.encode())},
        },
    }
    body = message_view(message, body_chars=8000)["body"]
    assert "<" not in body
    assert "Agenda" in body and "• Budget" in body and "• Hiring" in body and "Bring & share" in body
    assert "\n\n\n" not in body


def test_html_to_text_keeps_structure() -> None:
    text = html_to_text("<p>One</p><p>Two</p><table><tr><td>a</td><td>b</td></tr></table>")
    assert text.splitlines()[0] == "One"
    assert "Two" in text and "a" in text and "b" in text


def test_truncation_note_says_how_much_was_cut() -> None:
    assert truncate("short", 100) == "short"
    cut = truncate("x" * 10_000, 100)
    assert cut.startswith("x" * 100)
    assert cut.endswith("[… 9,900 more characters not shown]")
    message = {"id": "m", "payload": {"mimeType": "text/plain", "body": {"data": b64url(b"y" * 5000)}}}
    assert message_view(message, body_chars=1000)["body"].endswith("[… 4,000 more characters not shown]")


# The envelope seen in Zoom responses (XSOAR's fixture): both signs present.
ENCRYPTED: dict[str, Any] = {
    "id": "enc1",
    "threadId": "t1",
    "labelIds": ["INBOX"],
    "internalDate": "1714987142591",
    "payload": {
        "mimeType": "multipart/mixed",
        "headers": [
            header("X-Zoom-Encryption", "s=Server; t=1714987142916"),
            header("Subject", "Zoom Encrypted Email"),
            header("From", "Testing Dev <dev@example.com>"),
        ],
        "body": {"size": 0},
        "parts": [
            {"partId": "0", "mimeType": "application/vnd.zoom.encrypt.manifest", "filename": "", "body": {"size": 383}},
            {"partId": "1", "mimeType": "application/vnd.zoom.encrypt.mime", "filename": "", "body": {"size": 50600}},
        ],
    },
}


def test_encrypted_envelope_is_reported_not_decoded() -> None:
    view = message_view(ENCRYPTED, body_chars=8000)
    assert view["encrypted"] == ENCRYPTED_NOTE == "content not readable through the API"
    assert "body" not in view and "attachments" not in view
    assert view["from"] == "Testing Dev <dev@example.com>"


def test_encryption_detected_by_either_sign() -> None:
    parts_only = {"mimeType": "multipart/mixed", "parts": [{"mimeType": "application/vnd.zoom.encrypt.mime"}]}
    header_only = {"headers": [header("x-zoom-encryption", "s=Server"), header("subject", "Zoom Encrypted Email")]}
    assert is_encrypted(parts_only)
    assert is_encrypted(header_only)


def test_server_side_encryption_header_alone_is_readable() -> None:
    message = {
        "id": "m",
        "payload": {
            "mimeType": "text/plain",
            "headers": [header("X-Zoom-Encryption", "s=Server"), header("Subject", "Lunch?")],
            "body": {"data": b64url(b"At noon")},
        },
    }
    view = message_view(message, body_chars=100)
    assert view["body"] == "At noon"
    assert "encrypted" not in view


def test_missing_parts_and_bodies() -> None:
    assert read_payload(None).text is None
    assert read_payload({}).attachments == []
    empty = {"id": "m", "snippet": "Hello &amp; bye", "payload": {"mimeType": "multipart/mixed", "parts": []}}
    assert message_view(empty, body_chars=100)["body"] == "Hello & bye"
    no_data = {"mimeType": "multipart/alternative", "parts": [{"mimeType": "text/plain", "body": {"size": 0}}]}
    assert read_payload(no_data).text is None


def test_unknown_charset_falls_back_to_utf8() -> None:
    payload = {
        "mimeType": "text/plain",
        "headers": [header("Content-Type", "text/plain; charset=x-unknown-charset")],
        "body": {"data": b64url("naïve".encode())},
    }
    assert read_payload(payload).text == "naïve"


def test_large_text_body_kept_out_of_line_is_listed() -> None:
    payload = {"mimeType": "text/plain", "filename": "", "body": {"size": 900_000, "attachmentId": "BIG"}}
    content = read_payload(payload)
    assert content.text is None
    assert content.attachments == [{"id": "BIG", "filename": "", "type": "text/plain", "size": 900_000}]


def test_payload_tree_from_built_message() -> None:
    message = build_message(
        to=["a@example.com"],
        subject="Files",
        text="body",
        html="<p>body</p>",
        attachments=[Attachment("a.pdf", b"%PDF-1.4", "application/pdf")],
    )
    payload = to_payload(parse_raw(encode_raw(message)), attachment_id=lambda part_id, _: f"att-{part_id}")
    assert payload["mimeType"] == "multipart/mixed"
    assert [part["partId"] for part in payload["parts"]] == ["0", "1"]
    assert payload["parts"][0]["parts"][1]["partId"] == "0.1"
    content = read_payload(payload)
    assert content.text is not None and content.text.strip() == "body"
    assert content.attachments == [{"id": "att-1", "filename": "a.pdf", "type": "application/pdf", "size": 8}]


def test_readable_date() -> None:
    assert readable_date("1714987142591") == "2024-05-06 09:19 UTC"
    assert readable_date(None, "Mon, 6 May 2024 12:18:47 +0300") == "2024-05-06 09:18 UTC"
    assert readable_date("0", "not a date") == "not a date"
    assert readable_date() is None
