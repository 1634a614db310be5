"""Zoom Mail encode and decode hooks, run against a fake call context."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import types

from zoom_mcp.catalog import Request, ToolInput, ToolSpec
from zoom_mcp.codecs.mime import b64url_decode, parse_raw
from zoom_mcp.config import Settings
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.errors import ToolUsageError, ZoomAPIError
from zoom_mcp.tools import BY_NAME

Responder = Callable[[Request], Any]


@dataclass
class FakeContext:
    """The executor's CallContext as the mail hooks use it; ``respond`` plays Zoom."""

    spec: ToolSpec
    settings: Settings = field(default_factory=Settings)
    respond: Responder = lambda request: None
    sent: list[Request] = field(default_factory=list)
    caches: dict[str, Any] = field(default_factory=dict)

    def default_request(self, args: ToolInput) -> Request:
        return self.spec.request_for(args, self.settings.path_defaults)

    async def send(self, request: Request) -> Any:
        self.sent.append(request)
        result = self.respond(request)
        if isinstance(result, ZoomAPIError):
            raise result
        return result

    async def send_many(self, requests: list[Request]) -> list[Any]:
        self.sent.extend(requests)
        return [self.respond(request) for request in requests]


async def encode(name: str, arguments: dict[str, Any], ctx: FakeContext | None = None) -> tuple[Request, FakeContext]:
    spec = BY_NAME[name]
    ctx = ctx or FakeContext(spec)
    ctx.spec = spec
    assert spec.encode is not None
    result = spec.encode(spec, spec.input.model_validate(arguments), ctx)  # type: ignore[arg-type]
    request = await result if not isinstance(result, Request) else result  # type: ignore[misc]
    return request, ctx


async def decode(name: str, arguments: dict[str, Any], data: Any, ctx: FakeContext | None = None) -> Any:
    spec = BY_NAME[name]
    ctx = ctx or FakeContext(spec)
    ctx.spec = spec
    assert spec.decode is not None
    return await spec.decode(data, spec.input.model_validate(arguments), ctx)  # type: ignore[arg-type]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def headers(**values: str) -> list[dict[str, str]]:
    return [{"name": name.replace("_", "-"), "value": value} for name, value in values.items()]


# ---- compose -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_send_builds_raw_rfc2822() -> None:
    request, _ = await encode(
        "mail_send_message",
        {"to": ["bo@example.com"], "cc": ["cy@example.com"], "subject": "Plan ✓", "text": "Hi Bo", "html": "<p>Hi</p>"},
    )
    assert (request.method, request.path) == ("POST", "/emails/mailboxes/me/messages/send")
    assert set(request.json) == {"raw"}
    message = parse_raw(request.json["raw"])
    assert message["To"] == "bo@example.com"
    assert message["Cc"] == "cy@example.com"
    assert message["Subject"] == "Plan ✓"
    assert message["From"] is None  # "me": Zoom fills in the sender
    assert message.get_content_type() == "multipart/alternative"


@pytest.mark.anyio
async def test_named_mailbox_is_the_sender() -> None:
    request, _ = await encode("mail_send_message", {"mailbox": "ana@example.com", "to": ["b@example.com"], "text": "x"})
    assert request.path == "/emails/mailboxes/ana%40example.com/messages/send"
    assert parse_raw(request.json["raw"])["From"] == "ana@example.com"


@pytest.mark.anyio
async def test_reply_reads_the_original_and_threads_by_headers() -> None:
    original = {
        "id": "M1",
        "threadId": "T9",
        "payload": {"headers": headers(Subject="Budget", Message_ID="<m1@x>", References="<m0@x>")},
    }
    ctx = FakeContext(BY_NAME["mail_send_message"], respond=lambda request: original)
    request, ctx = await encode("mail_send_message", {"to": ["b@example.com"], "text": "Yes", "in_reply_to": "M1"}, ctx)
    (lookup,) = ctx.sent
    assert lookup.method == "GET" and lookup.path == "/emails/mailboxes/me/messages/M1"
    assert lookup.query == {"format": "metadata", "metadataHeaders": "Subject,Message-ID,References"}
    # Zoom's send has no thread field: In-Reply-To and References carry the threading.
    assert set(request.json) == {"raw"}
    message = parse_raw(request.json["raw"])
    assert message["In-Reply-To"] == "<m1@x>"
    assert message["References"] == "<m0@x> <m1@x>"
    assert message["Subject"] == "Re: Budget"


@pytest.mark.anyio
async def test_draft_body_wraps_the_message() -> None:
    request, _ = await encode("mail_create_draft", {"subject": "Later", "text": "draft"})
    assert set(request.json) == {"message"}
    assert parse_raw(request.json["message"]["raw"])["Subject"] == "Later"
    request, _ = await encode("mail_update_draft", {"draft_id": "D1", "to": ["a@example.com"], "text": "v2"})
    assert (request.method, request.path) == ("PUT", "/emails/mailboxes/me/drafts/D1")
    assert parse_raw(request.json["message"]["raw"])["To"] == "a@example.com"


@pytest.mark.anyio
async def test_insert_takes_labels_sender_and_deleted_flag() -> None:
    request, _ = await encode(
        "mail_insert_message",
        {
            "sender": "old@example.com",
            "to": ["me@example.com"],
            "text": "archived",
            "label_ids": ["INBOX"],
            "deleted": True,
        },
    )
    assert request.query == {"deleted": True}
    assert request.json["labelIds"] == ["INBOX"]
    assert parse_raw(request.json["raw"])["From"] == "old@example.com"


def test_send_draft_puts_the_id_in_the_body() -> None:
    spec = BY_NAME["mail_send_draft"]
    request = FakeContext(spec).default_request(spec.input.model_validate({"draft_id": "D7"}))
    assert (request.path, request.json) == ("/emails/mailboxes/me/drafts/send", {"id": "D7"})


@pytest.mark.anyio
async def test_attachments_come_from_the_upload_folder(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    content = os.urandom(3000)
    (tmp_path / "docs" / "plan.pdf").write_bytes(content)
    ctx = FakeContext(BY_NAME["mail_send_message"], settings=Settings(upload_dir=tmp_path))
    request, _ = await encode(
        "mail_send_message", {"to": ["a@example.com"], "text": "x", "attachments": ["docs/plan.pdf"]}, ctx
    )
    (part,) = list(parse_raw(request.json["raw"]).iter_attachments())
    assert part.get_filename() == "plan.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_payload(decode=True) == content


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "link/secret.txt", "missing.txt"])
async def test_attachment_paths_cannot_escape(tmp_path: Path, path: str) -> None:
    uploads, outside = tmp_path / "uploads", tmp_path / "outside"
    uploads.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (uploads / "link").symlink_to(outside)
    ctx = FakeContext(BY_NAME["mail_send_message"], settings=Settings(upload_dir=uploads))
    with pytest.raises(ToolUsageError):
        await encode("mail_send_message", {"to": ["a@example.com"], "text": "x", "attachments": [path]}, ctx)


@pytest.mark.anyio
async def test_attachments_need_an_upload_folder() -> None:
    with pytest.raises(ToolUsageError, match="ZOOM_MCP_UPLOAD_DIR"):
        await encode("mail_send_message", {"to": ["a@example.com"], "text": "x", "attachments": ["a.txt"]})


# ---- label changes and other encoders ------------------------------------------------------------


@pytest.mark.anyio
async def test_modify_message_body() -> None:
    request, _ = await encode("mail_modify_message", {"message_id": "M1", "read": True, "move_to": "Label_3"})
    assert (request.method, request.path) == ("POST", "/emails/mailboxes/me/messages/M1/modify")
    assert request.json == {"addLabelIds": ["Label_3"], "removeLabelIds": ["UNREAD", "INBOX"]}


@pytest.mark.anyio
async def test_modify_thread_and_batch_bodies() -> None:
    request, _ = await encode("mail_modify_thread", {"thread_id": "T1", "starred": True})
    assert request.path.endswith("/threads/T1/modify")
    assert request.json == {"addLabelIds": ["STARRED"]}
    request, _ = await encode("mail_batch_modify_messages", {"message_ids": ["a", "b"], "archive": True})
    assert request.json == {"ids": ["a", "b"], "removeLabelIds": ["INBOX"]}


@pytest.mark.anyio
async def test_modify_that_changes_nothing_is_refused() -> None:
    with pytest.raises(ToolUsageError, match="Nothing to change"):
        await encode("mail_modify_message", {"message_id": "M1"})


@pytest.mark.anyio
async def test_filter_is_nested_as_criteria_and_action() -> None:
    request, _ = await encode(
        "mail_create_filter",
        {
            "sender": "boss@example.com",
            "has_attachment": True,
            "add_label_ids": ["Label_1"],
            "remove_label_ids": ["INBOX"],
        },
    )
    assert request.json == {
        "criteria": {"from": "boss@example.com", "hasAttachment": True},
        "action": {"addLabelIds": ["Label_1"], "removeLabelIds": ["INBOX"]},
    }


def test_filter_needs_a_criterion_and_an_action() -> None:
    model = BY_NAME["mail_create_filter"].input
    with pytest.raises(ValueError):
        model.model_validate({"add_label_ids": ["X"]})
    with pytest.raises(ValueError):
        model.model_validate({"sender": "a@example.com"})


@pytest.mark.anyio
async def test_reads_ask_for_the_full_format() -> None:
    for name, arguments in [
        ("mail_get_message", {"message_id": "M1"}),
        ("mail_get_thread", {"thread_id": "T1"}),
        ("mail_get_draft", {"draft_id": "D1"}),
        ("mail_list_labels", {}),
    ]:
        request, _ = await encode(name, arguments)
        assert request.query["format"] == "full", name


def test_vacation_times_are_epoch_milliseconds() -> None:
    spec = BY_NAME["mail_update_vacation"]
    args = spec.input.model_validate({"enabled": True, "subject": "Away", "start": "2026-12-01T00:00:00Z"})
    request = FakeContext(spec).default_request(args)
    assert request.json == {"enableAutoReply": True, "responseSubject": "Away", "startTime": "1796083200000"}


def test_history_query() -> None:
    spec = BY_NAME["mail_list_history"]
    args = spec.input.model_validate(
        {
            "start_history_id": "42",
            "history_types": ["messageAdded", "delegateAdded"],
            "exclude_history_types": ["labelAdded"],
            "label_id": "INBOX",
            "page_size": 900,
        }
    )
    request = FakeContext(spec).default_request(args)
    assert request.query == {
        "startHistoryId": "42",
        "historyTypes": "messageAdded,delegateAdded",
        "excludeHistoryTypes": "labelAdded",
        "labelId": "INBOX",
        "maxResults": 500,
    }


# ---- list decoders -----------------------------------------------------------------------------


def metadata(message_id: str, subject: str, labels: list[str], mime_type: str = "text/plain") -> dict[str, Any]:
    return {
        "id": message_id,
        "threadId": f"T-{message_id}",
        "labelIds": labels,
        "snippet": "Let&#39;s meet",
        "internalDate": "1714987142591",
        "payload": {
            "mimeType": mime_type,
            "headers": headers(From="Ana <ana@example.com>", To="me@example.com", Subject=subject),
        },
    }


@pytest.mark.anyio
async def test_message_list_rows_are_filled_and_failures_kept() -> None:
    def zoom(request: Request) -> Any:
        if request.path.endswith("/M2"):
            return ZoomAPIError(404, 1001, "Message not found")
        return metadata("M1", "Hello", ["INBOX", "UNREAD"], mime_type="multipart/mixed")

    ctx = FakeContext(BY_NAME["mail_list_messages"], respond=zoom)
    listed = {"messages": [{"id": "M1", "threadId": "T1"}, {"id": "M2", "threadId": "T2"}], "nextPageToken": "p2"}
    out = await decode("mail_list_messages", {"label_ids": ["INBOX"]}, listed, ctx)
    # One fetch per row and nothing else: the rows' own historyIds give the cache its sync point.
    assert [r.path for r in ctx.sent] == [
        "/emails/mailboxes/me/messages/M1",
        "/emails/mailboxes/me/messages/M2",
    ]
    assert ctx.sent[0].query == {"format": "metadata", "metadataHeaders": "From,To,Subject,Date,X-Zoom-Encryption"}
    assert out["messages"] == [
        {
            "id": "M1",
            "thread_id": "T-M1",
            "from": "Ana <ana@example.com>",
            "subject": "Hello",
            "date": "2024-05-06 09:19 UTC",
            "snippet": "Let's meet",
            "labels": ["INBOX", "UNREAD"],
            "unread": True,
            "attachment": True,
        },
        {"id": "M2", "thread_id": "T2", "error": "details unavailable: Message not found"},
    ]


@pytest.mark.anyio
async def test_empty_list_fetches_nothing() -> None:
    ctx = FakeContext(BY_NAME["mail_list_messages"])
    assert await decode("mail_list_messages", {}, {"resultSizeEstimate": 0}, ctx) == {
        "messages": [],
        "result_size_estimate": 0,
    }
    assert ctx.sent == []


@pytest.mark.anyio
async def test_thread_rows_summarise_the_conversation() -> None:
    first = metadata("M1", "Offsite", ["INBOX"])
    second = metadata("M2", "Re: Offsite", ["INBOX", "UNREAD"])
    second["payload"]["headers"] = headers(From="Bo <bo@example.com>", Subject="Re: Offsite")
    second["internalDate"] = "1715000000000"
    second["snippet"] = "Works for me"
    thread = {"id": "T1", "messages": [first, second]}
    ctx = FakeContext(BY_NAME["mail_list_threads"], respond=lambda request: thread)
    out = await decode("mail_list_threads", {}, {"threads": [{"id": "T1", "snippet": "x"}]}, ctx)
    assert ctx.sent[0].path == "/emails/mailboxes/me/threads/T1"
    assert out["threads"] == [
        {
            "id": "T1",
            "subject": "Offsite",
            "participants": ["Ana", "Bo"],
            "date": "2024-05-06 12:53 UTC",
            "messages": 2,
            "snippet": "Works for me",
            "labels": ["INBOX"],
            "unread": True,
        }
    ]


@pytest.mark.anyio
async def test_draft_rows() -> None:
    draft = {"id": "D1", "message": metadata("M1", "Proposal", ["DRAFT"])}
    ctx = FakeContext(BY_NAME["mail_list_drafts"], respond=lambda request: draft)
    out = await decode("mail_list_drafts", {}, {"drafts": [{"id": "D1", "message": {"id": "M1"}}]}, ctx)
    assert ctx.sent[0].path == "/emails/mailboxes/me/drafts/D1"
    assert out["drafts"] == [
        {
            "id": "D1",
            "message_id": "M1",
            "to": "me@example.com",
            "subject": "Proposal",
            "date": "2024-05-06 09:19 UTC",
            "snippet": "Let's meet",
        }
    ]


@pytest.mark.anyio
async def test_thread_view_caps_each_body() -> None:
    long_body = {"mimeType": "text/plain", "headers": headers(Subject="Long"), "body": {"data": b64url(b"z" * 5000)}}
    thread = {"id": "T1", "messages": [{"id": "M1", "threadId": "T1", "payload": long_body}]}
    out = await decode("mail_get_thread", {"thread_id": "T1"}, thread)
    (message,) = out["messages"]
    assert "thread_id" not in message
    assert message["body"].endswith("[… 3,000 more characters not shown]")


@pytest.mark.anyio
async def test_get_draft_view() -> None:
    message = {"id": "M1", "payload": {"mimeType": "text/plain", "body": {"data": b64url(b"draft text")}}}
    out = await decode("mail_get_draft", {"draft_id": "D1"}, {"id": "D1", "message": message})
    assert out == {"draft_id": "D1", "id": "M1", "body": "draft text"}


@pytest.mark.anyio
async def test_labels_are_compact() -> None:
    labels = {
        "labels": [
            {"id": "INBOX", "name": "INBOX", "type": "system", "messagesTotal": 12, "messagesUnread": 3},
            {"id": "Label_1", "name": "Receipts", "type": "user", "labelListVisibility": "labelShow"},
        ]
    }
    out = await decode("mail_list_labels", {}, labels)
    assert out == {
        "labels": [
            {"id": "INBOX", "name": "INBOX", "type": "system", "messages": 12, "unread": 3},
            {"id": "Label_1", "name": "Receipts", "type": "user"},
        ]
    }


# ---- attachments -------------------------------------------------------------------------------

ATTACHMENT_ARGS = {"message_id": "M1", "attachment_id": "A/1"}


@pytest.mark.anyio
async def test_small_binary_attachment_is_an_embedded_blob() -> None:
    content = bytes(range(256))
    result = await decode(
        "mail_get_attachment",
        {**ATTACHMENT_ARGS, "filename": "chart.png"},
        {"size": 256, "data": b64url(content)},
    )
    assert isinstance(result, ToolResult)
    assert "chart.png" in result.text and "image/png" in result.text
    (block,) = result.content
    assert isinstance(block, types.EmbeddedResource)
    assert isinstance(block.resource, types.BlobResourceContents)
    assert base64.b64decode(block.resource.blob) == content  # standard base64, not base64url
    assert block.resource.uri == "zoommail://me/messages/M1/attachments/A%2F1"
    assert block.resource.mime_type == "image/png"


@pytest.mark.anyio
async def test_small_text_attachment_is_embedded_text() -> None:
    result = await decode(
        "mail_get_attachment",
        {**ATTACHMENT_ARGS, "filename": "notes.txt", "mime_type": "text/plain"},
        {"data": b64url("Grüße".encode())},
    )
    (block,) = result.content
    assert isinstance(block.resource, types.TextResourceContents)
    # The sender's text is data: it comes inside the same fence as the description.
    fence = result.text.splitlines()[0]
    assert block.resource.text == f"{fence}\nGrüße\n{fence.replace('<', '</', 1)}"


@pytest.mark.anyio
async def test_large_attachment_is_saved_with_a_safe_unique_name(tmp_path: Path) -> None:
    content = os.urandom(2048)
    spec = BY_NAME["mail_get_attachment"]
    ctx = FakeContext(spec, settings=Settings(download_dir=tmp_path, inline_attachment_bytes=1024))
    arguments = {**ATTACHMENT_ARGS, "filename": "../../etc/report.pdf"}
    first = await decode("mail_get_attachment", arguments, {"data": b64url(content)}, ctx)
    second = await decode("mail_get_attachment", arguments, {"data": b64url(content)}, ctx)
    assert first.content == []
    paths = [Path(first.structured["path"]), Path(second.structured["path"])]
    assert [p.name for p in paths] == ["report.pdf", "report-1.pdf"]
    assert all(p.parent == tmp_path for p in paths)
    assert await anyio.Path(paths[1]).read_bytes() == content
    assert first.structured["size"] == 2048


@pytest.mark.anyio
async def test_large_attachment_needs_a_download_folder() -> None:
    ctx = FakeContext(BY_NAME["mail_get_attachment"], settings=Settings(inline_attachment_bytes=10))
    with pytest.raises(ToolUsageError, match="ZOOM_MCP_DOWNLOAD_DIR"):
        await decode("mail_get_attachment", ATTACHMENT_ARGS, {"data": b64url(b"x" * 100)}, ctx)


def test_b64url_without_padding() -> None:
    assert b64url_decode(b64url(b"ab")) == b"ab"


@pytest.mark.anyio
async def test_label_changes_report_only_the_new_labels() -> None:
    message = {"id": "M1", "threadId": "T1", "labelIds": ["INBOX", "STARRED"], "sizeEstimate": 381, "lastMoved": "1"}
    assert await decode("mail_modify_message", {"message_id": "M1", "starred": True}, message) == {
        "id": "M1",
        "thread_id": "T1",
        "labels": ["INBOX", "STARRED"],
    }
    thread = {"id": "T1", "historyId": "9", "messages": [{"id": "M1", "labelIds": ["TRASH"], "snippet": "x"}]}
    assert await decode("mail_trash_thread", {"thread_id": "T1"}, thread) == {
        "id": "T1",
        "messages": [{"id": "M1", "labels": ["TRASH"]}],
    }


def test_list_row_shows_the_thread_id_only_when_it_is_another_message() -> None:
    from zoom_mcp.codecs.mail_format import message_row

    first = message_row({"id": "M1", "threadId": "M1", "labelIds": ["INBOX"]})
    reply = message_row({"id": "M2", "threadId": "M1", "labelIds": ["INBOX"]})
    assert "thread_id" not in first
    assert reply["thread_id"] == "M1"
