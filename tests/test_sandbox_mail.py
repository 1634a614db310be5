"""Zoom Mail sandbox: messages, paging, search, MIME round trips, labels effects, history."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sandbox_mail_support import DEMO, USERS, Mail, b64url, email_message, header, unb64url, walk

from zoom_mcp.sandbox import mail_seed
from zoom_mcp.sandbox.mail import HANDLERS

pytestmark = pytest.mark.anyio

# zoom-api.md 6.1: 41 operations on these path templates.
EXPECTED_ENDPOINTS = {
    "GET /emails/mailboxes/{email}/drafts",
    "POST /emails/mailboxes/{email}/drafts",
    "POST /emails/mailboxes/{email}/drafts/send",
    "DELETE /emails/mailboxes/{email}/drafts/{draftId}",
    "GET /emails/mailboxes/{email}/drafts/{draftId}",
    "PUT /emails/mailboxes/{email}/drafts/{draftId}",
    "GET /emails/mailboxes/{email}/history",
    "GET /emails/mailboxes/{email}/labels",
    "POST /emails/mailboxes/{email}/labels",
    "DELETE /emails/mailboxes/{email}/labels/{labelId}",
    "GET /emails/mailboxes/{email}/labels/{labelId}",
    "PATCH /emails/mailboxes/{email}/labels/{labelId}",
    "PUT /emails/mailboxes/{email}/labels/{labelId}",
    "GET /emails/mailboxes/{email}/profile",
    "GET /emails/mailboxes/{email}/messages",
    "POST /emails/mailboxes/{email}/messages",
    "POST /emails/mailboxes/{email}/messages/batchDelete",
    "POST /emails/mailboxes/{email}/messages/batchModify",
    "POST /emails/mailboxes/{email}/messages/send",
    "DELETE /emails/mailboxes/{email}/messages/{messageId}",
    "GET /emails/mailboxes/{email}/messages/{messageId}",
    "POST /emails/mailboxes/{email}/messages/{messageId}/modify",
    "POST /emails/mailboxes/{email}/messages/{messageId}/trash",
    "POST /emails/mailboxes/{email}/messages/{messageId}/untrash",
    "GET /emails/mailboxes/{email}/messages/{messageId}/attachments/{attachmentId}",
    "GET /emails/mailboxes/{email}/settings/vacation",
    "PUT /emails/mailboxes/{email}/settings/vacation",
    "GET /emails/mailboxes/{email}/settings/delegates",
    "POST /emails/mailboxes/{email}/settings/delegates",
    "DELETE /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
    "GET /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
    "GET /emails/mailboxes/{email}/settings/filters",
    "POST /emails/mailboxes/{email}/settings/filters",
    "DELETE /emails/mailboxes/{email}/settings/filters/{filterId}",
    "GET /emails/mailboxes/{email}/settings/filters/{filterId}",
    "GET /emails/mailboxes/{email}/threads",
    "DELETE /emails/mailboxes/{email}/threads/{threadId}",
    "GET /emails/mailboxes/{email}/threads/{threadId}",
    "POST /emails/mailboxes/{email}/threads/{threadId}/modify",
    "POST /emails/mailboxes/{email}/threads/{threadId}/trash",
    "POST /emails/mailboxes/{email}/threads/{threadId}/untrash",
}


@pytest.fixture
def mail() -> Mail:
    return Mail()


def test_every_operation_has_a_handler() -> None:
    assert set(HANDLERS) == EXPECTED_ENDPOINTS
    assert len(HANDLERS) == 41


def test_seed_is_deterministic() -> None:
    # How long seeding takes is the bench's to measure (a timed assertion fails on a busy machine).
    first = mail_seed.seed_mail(USERS, 7)
    second = mail_seed.seed_mail(USERS, 7)
    box1, box2 = first.mailbox(DEMO.email), second.mailbox(DEMO.email)
    assert box1 is not None and box2 is not None
    assert list(box1.messages) == list(box2.messages)
    assert [m.raw for m in box1.messages.values()] == [m.raw for m in box2.messages.values()]
    assert len(box1.messages) >= 250
    assert first.notable == second.notable


async def test_unknown_mailbox_is_user_not_found(mail: Mail) -> None:
    error = await mail.error("GET", "/profile", email="nobody@northwind.example")
    assert (error.status, error.code) == (404, 1001)


async def test_other_mailbox_by_address(mail: Mail) -> None:
    profile = await mail.ok("GET", "/profile", email=USERS[1].email.upper())
    assert profile["emailAddress"] == USERS[1].email


async def test_paging_covers_every_message_once(mail: Mail) -> None:
    listed = await mail.list_all("/messages", "messages", {"maxResults": 37, "includeSpamTrash": True})
    ids = [item["id"] for item in listed]
    box = mail.state.mailbox(DEMO.email)
    assert box is not None
    assert len(ids) == len(set(ids)) == len(box.messages)
    dates = [box.messages[i].internal_date for i in ids]
    assert dates == sorted(dates, reverse=True)


async def test_paging_survives_new_mail_between_pages(mail: Mail) -> None:
    first = await mail.ok("GET", "/messages", query={"maxResults": 50})
    raw = email_message(DEMO.email, "arrives mid-listing", "hi").as_bytes()
    await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    rest = await mail.list_all("/messages", "messages", {"maxResults": 50, "pageToken": first["nextPageToken"]})
    ids = [m["id"] for m in first["messages"] + rest]
    assert len(ids) == len(set(ids))


async def test_list_defaults_and_bounds(mail: Mail) -> None:
    body = await mail.ok("GET", "/messages")
    assert len(body["messages"]) == 50
    assert set(body["messages"][0]) == {"id", "threadId"}
    assert body["resultSizeEstimate"] > 50
    for bad in (0, 501, "ten"):
        error = await mail.error("GET", "/messages", query={"maxResults": bad})
        assert (error.status, error.code) == (400, 300)
        assert error.errors and error.errors[0]["field"] == "maxResults"


async def test_expired_page_token(mail: Mail) -> None:
    body = await mail.ok("GET", "/messages", query={"maxResults": 10})
    mail.clock.now_value += 16 * 60
    error = await mail.error("GET", "/messages", query={"maxResults": 10, "pageToken": body["nextPageToken"]})
    assert (error.status, error.code) == (400, 300)
    assert error.message == "The next page token is either invalid or has expired."
    error = await mail.error("GET", "/messages", query={"pageToken": "garbage"})
    assert error.code == 300


async def _ids(mail: Mail, query: dict[str, Any]) -> set[str]:
    return {item["id"] for item in await mail.list_all("/messages", "messages", query)}


async def test_spam_and_trash_hidden_unless_asked(mail: Mail) -> None:
    box = mail.state.mailbox(DEMO.email)
    assert box is not None
    default = await _ids(mail, {"maxResults": 500})
    hidden = {m.id for m in box.messages.values() if {"SPAM", "TRASH"} & set(m.label_ids)}
    assert hidden and not (default & hidden)
    assert hidden <= await _ids(mail, {"maxResults": 500, "includeSpamTrash": True})
    trash = await _ids(mail, {"labelIds": "TRASH"})
    assert trash == {m.id for m in box.messages.values() if "TRASH" in m.label_ids}
    assert await _ids(mail, {"q": "in:spam"}) == {m.id for m in box.messages.values() if "SPAM" in m.label_ids}


async def test_label_filters_are_comma_separated(mail: Mail) -> None:
    box = mail.state.mailbox(DEMO.email)
    assert box is not None
    expected = {m.id for m in box.messages.values() if {"INBOX", "UNREAD"} <= set(m.label_ids)}
    assert expected
    assert await _ids(mail, {"labelIds": "INBOX,UNREAD"}) == expected
    # Zoom's document declares labelIds one string: repeated keys are refused, as are unknown names.
    repeated = await mail.error("GET", "/messages", query={"labelIds": ["INBOX", "UNREAD"]})
    assert (repeated.status, repeated.code) == (400, 300)
    unknown = await mail.error("GET", "/messages/{messageId}", query={"metadata_headers": "From"}, messageId="x")
    assert (unknown.status, unknown.code) == (400, 300)
    error = await mail.error("GET", "/messages", query={"labelIds": "NOPE"})
    assert error.code == 300


@pytest.mark.parametrize(
    ("q", "check"),
    [
        ("from:billing@contoso-cloud.example", lambda m: "billing@contoso-cloud.example" in m.header("From")),
        ('subject:"Quarterly report"', lambda m: "Quarterly report" in m.header("Subject")),
        ("is:unread", lambda m: "UNREAD" in m.label_ids),
        ("is:starred", lambda m: "STARRED" in m.label_ids),
        ("has:attachment", lambda m: bool(m.attachments())),
        ("label:receipts", lambda m: "Label_3" in m.label_ids),
        ("to:" + DEMO.email, lambda m: DEMO.email in m.header("To") + m.header("Cc")),
        ("after:2026/11/01 before:2026/11/10", lambda m: 1_793_491_200_000 <= m.internal_date < 1_794_268_800_000),
        ("filename:pdf", lambda m: any(a.filename.endswith(".pdf") for a in m.attachments())),
        ("-in:inbox", lambda m: "INBOX" not in m.label_ids),
        ("is:starred OR label:travel", lambda m: "STARRED" in m.label_ids or "Label_4" in m.label_ids),
    ],
)
async def test_q_operators(mail: Mail, q: str, check: Any) -> None:
    box = mail.state.mailbox(DEMO.email)
    assert box is not None
    found = await _ids(mail, {"q": q, "maxResults": 500})
    visible = [m for m in box.messages.values() if not {"SPAM", "TRASH"} & set(m.label_ids)]
    expected = {m.id for m in visible if check(m)}
    assert found == expected
    assert found, q


async def test_free_words_search_body_and_subject(mail: Mail) -> None:
    found = await _ids(mail, {"q": "Quarterly report"})
    assert mail.state.notable["quarterly_report"] in found
    found = await _ids(mail, {"q": "exfil.example"})
    assert found == {mail.state.notable["prompt_injection"]}
    found = await _ids(mail, {"q": "东京办公室"})
    assert mail.state.notable["cjk"] in found


async def test_newer_than_uses_the_clock(mail: Mail) -> None:
    assert await _ids(mail, {"q": "newer_than:2d"}) == set()  # seed mail is older than the test clock
    sent = await mail.ok(
        "POST", "/messages/send", body={"raw": b64url(email_message(USERS[1].email, "fresh", "x").as_bytes())}
    )
    assert await _ids(mail, {"q": "newer_than:2d"}) == {sent["id"]}


async def test_send_round_trip_full_and_raw(mail: Mail) -> None:
    pdf = mail_seed.content.pdf_document("Round trip", ["line one"])
    png = mail_seed.content.png_bar_chart([10, 90])
    message = email_message(
        USERS[1].email,
        "Résumé – 履歴書 ✅",
        "Plain body with ünïcödé and a long line " + "x" * 200,
        html="<p>HTML <b>body</b></p>",
        attachments=[("report.pdf", "application/pdf", pdf), ("chart.png", "image/png", png)],
    )
    message["Date"] = "Fri, 20 Nov 2026 10:00:00 +0000"
    message["Message-ID"] = "<round-trip@northwind.example>"
    raw = message.as_bytes()
    sent = await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    assert sent["labelIds"] == ["SENT"]
    assert sent["threadId"] == sent["id"]

    raw_resource = await mail.ok("GET", "/messages/{messageId}", query={"format": "raw"}, messageId=sent["id"])
    assert unb64url(raw_resource["raw"]) == raw

    full = await mail.ok("GET", "/messages/{messageId}", messageId=sent["id"])
    assert header(full, "Subject") == "Résumé – 履歴書 ✅"  # decoded, as Gmail-style payloads show it
    parts = walk(full["payload"])
    text = next(p for p in parts if p["mimeType"] == "text/plain")
    assert unb64url(text["body"]["data"]).decode() == message.get_body(("plain",)).get_content()
    html = next(p for p in parts if p["mimeType"] == "text/html")
    assert unb64url(html["body"]["data"]).decode() == message.get_body(("html",)).get_content()
    for filename, data in (("report.pdf", pdf), ("chart.png", png)):
        part = next(p for p in parts if p["filename"] == filename)
        assert "data" not in part["body"] and part["body"]["size"] == len(data)
        attachment = await mail.ok(
            "GET",
            "/messages/{messageId}/attachments/{attachmentId}",
            messageId=sent["id"],
            attachmentId=part["body"]["attachmentId"],
        )
        assert unb64url(attachment["data"]) == data
        assert attachment["size"] == len(data)
    assert [p["partId"] for p in parts] == ["", "0", "0.0", "0.1", "1", "2"]


async def test_send_adds_missing_headers_and_delivers(mail: Mail) -> None:
    message = email_message(USERS[1].email, "No id or date", "hello", bcc=USERS[2].email)
    raw = message.as_bytes()
    sent = await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    stored = unb64url(
        (await mail.ok("GET", "/messages/{messageId}", query={"format": "raw"}, messageId=sent["id"]))["raw"]
    )
    assert stored.endswith(raw)  # headers are only ever added in front
    assert b"Message-ID:" in stored[: len(stored) - len(raw)]
    for user in USERS[1:3]:
        inbox = await mail.ok("GET", "/messages", query={"q": 'subject:"No id or date"'}, user=user)
        assert len(inbox["messages"]) == 1
        got = await mail.ok("GET", "/messages/{messageId}", messageId=inbox["messages"][0]["id"], user=user)
        assert set(got["labelIds"]) == {"INBOX", "UNREAD"}
        assert header(got, "Bcc") == ""  # Bcc never reaches recipients
    error = await mail.error("POST", "/messages/send", body={"raw": b64url(b"Subject: x\r\n\r\nno recipients")})
    assert error.code == 300


async def test_replies_join_the_thread_in_each_mailbox(mail: Mail) -> None:
    first = email_message(USERS[1].email, "Thread me", "one")
    first["Message-ID"] = "<thread-root@northwind.example>"
    sent = await mail.ok("POST", "/messages/send", body={"raw": b64url(first.as_bytes())})
    inbox = await mail.ok("GET", "/messages", query={"q": 'subject:"Thread me"'}, user=USERS[1])
    received_id = inbox["messages"][0]["id"]
    reply = email_message(
        DEMO.email, "Re: Thread me", "two", sender=USERS[1].email, in_reply_to="<thread-root@northwind.example>"
    )
    answer = await mail.ok("POST", "/messages/send", body={"raw": b64url(reply.as_bytes())}, user=USERS[1])
    assert answer["threadId"] == inbox["messages"][0]["threadId"] == received_id
    thread = await mail.ok("GET", "/threads/{threadId}", threadId=sent["threadId"])
    assert len(thread["messages"]) == 2
    assert [m["labelIds"] for m in thread["messages"]] == [["SENT"], ["INBOX", "UNREAD"]]


async def test_seeded_threads_and_formats(mail: Mail) -> None:
    threads = await mail.ok("GET", "/threads", query={"q": "label:atlas"})
    assert threads["threads"] and {"id", "snippet", "historyId"} <= set(threads["threads"][0])
    thread = await mail.ok(
        "GET", "/threads/{threadId}", query={"format": "metadata"}, threadId=threads["threads"][0]["id"]
    )
    assert all("parts" not in m["payload"] for m in thread["messages"])
    multi = [t for t in (await mail.list_all("/threads", "threads", {"maxResults": 500})) if t]
    sizes = [len(mail.state.mailbox(DEMO.email).threads[t["id"]]) for t in multi]  # type: ignore[union-attr]
    assert max(sizes) >= 3
    meta = await mail.ok(
        "GET",
        "/messages/{messageId}",
        query={"format": "metadata", "metadataHeaders": "From,Subject"},
        messageId=mail.state.notable["quarterly_report"],
    )
    assert {h["name"] for h in meta["payload"]["headers"]} == {"From", "Subject"}
    minimal = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=meta["id"])
    assert "payload" not in minimal and minimal["snippet"]
    error = await mail.error("GET", "/messages/{messageId}", query={"format": "html"}, messageId=meta["id"])
    assert error.code == 300
    error = await mail.error("GET", "/messages/{messageId}", messageId="nope")
    assert error.status == 404


async def test_notable_seed_messages(mail: Mail) -> None:
    notable = mail.state.notable
    report = await mail.ok("GET", "/messages/{messageId}", messageId=notable["quarterly_report"])
    html = next(p for p in walk(report["payload"]) if p["mimeType"] == "text/html")
    assert len(unb64url(html["body"]["data"])) >= 30_000
    encrypted = await mail.ok("GET", "/messages/{messageId}", messageId=notable["encrypted"])
    assert header(encrypted, "X-Zoom-Encryption").startswith("s=Server")
    kinds = [p["mimeType"] for p in encrypted["payload"]["parts"]]
    assert kinds == ["application/vnd.zoom.encrypt.manifest", "application/vnd.zoom.encrypt.mime"]
    assert all("data" not in p["body"] and "attachmentId" not in p["body"] for p in encrypted["payload"]["parts"])
    assert encrypted["snippet"] == ""
    injection = await mail.ok("GET", "/messages/{messageId}", messageId=notable["prompt_injection"])
    assert "Ignore all previous instructions" in injection["snippet"]
    notes = await mail.ok("GET", "/messages/{messageId}", messageId=notable["text_attachment"])
    part = next(p for p in walk(notes["payload"]) if p["filename"] == "meeting-notes.txt")
    assert "attachmentId" in part["body"]
    pdf = await mail.ok("GET", "/messages/{messageId}", messageId=notable["invoice_pdf"])
    pdf_part = next(p for p in walk(pdf["payload"]) if p["mimeType"] == "application/pdf")
    data = await mail.ok(
        "GET",
        "/messages/{messageId}/attachments/{attachmentId}",
        messageId=pdf["id"],
        attachmentId=pdf_part["body"]["attachmentId"],
    )
    assert unb64url(data["data"]).startswith(b"%PDF-1.4") and unb64url(data["data"]).rstrip().endswith(b"%%EOF")
    chart = await mail.ok("GET", "/messages/{messageId}", messageId=notable["png_attachment"])
    assert any(p["mimeType"] == "image/png" for p in walk(chart["payload"]))
    for key in ("cjk", "rtl", "emoji"):
        resource = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=notable[key])
        assert not resource["snippet"].isascii()


@settings(max_examples=25, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=400),
    data=st.binary(min_size=0, max_size=2048),
)
def test_mime_round_trip_property(text: str, data: bytes) -> None:
    """Whatever the body text and attachment bytes, Zoom-shaped reads give back exactly what was sent."""

    async def scenario() -> None:
        mail = Mail()
        message = email_message(USERS[1].email, "property", text, attachments=[("blob.bin", "application/zip", data)])
        sent = await mail.ok("POST", "/messages/send", body={"raw": b64url(message.as_bytes())})
        full = await mail.ok("GET", "/messages/{messageId}", messageId=sent["id"])
        parts = walk(full["payload"])
        plain = next(p for p in parts if p["mimeType"] == "text/plain")
        assert unb64url(plain["body"]["data"]).decode() == message.get_body(("plain",)).get_content()
        blob = next(p for p in parts if p["filename"] == "blob.bin")
        got = await mail.ok(
            "GET",
            "/messages/{messageId}/attachments/{attachmentId}",
            messageId=sent["id"],
            attachmentId=blob["body"]["attachmentId"],
        )
        assert unb64url(got["data"]) == data

    anyio.run(scenario)
