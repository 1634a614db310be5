"""Team Chat hooks: compact message rows, upload path safety, and the request-shaping encoders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from zoom_mcp.catalog import BODY, QUERY, Request, ToolInput, ToolSpec
from zoom_mcp.codecs.chat_format import (
    compact_member,
    compact_message,
    decode_channels,
    decode_message,
    decode_messages,
)
from zoom_mcp.codecs.uploads import MAX_UPLOAD_BYTES, resolve_upload
from zoom_mcp.config import Settings
from zoom_mcp.errors import ToolUsageError
from zoom_mcp.tools import BY_NAME


@dataclass
class FakeContext:
    """The slice of the executor's CallContext that hooks use: settings and default_request."""

    spec: ToolSpec
    settings: Settings = field(default_factory=Settings)

    def default_request(self, args: ToolInput) -> Request:
        return self.spec.request_for(args, self.settings.path_defaults)


def _call(name: str, arguments: dict[str, Any], settings: Settings | None = None) -> tuple[Request, ToolInput]:
    spec = BY_NAME[name]
    args = spec.input.model_validate(arguments)
    ctx = FakeContext(spec, settings or Settings())
    assert spec.encode is not None
    request = spec.encode(spec, args, ctx)  # type: ignore[arg-type]
    assert isinstance(request, Request)
    return request, args


ZOOM_MESSAGE: dict[str, Any] = {
    "id": "5DD614F4-DD18-42E4-8B05-F2D6D0D8A5C4",
    "message": "Ship it?",
    "sender": "ana@example.com",
    "sender_member_id": "ZMEM_ana",
    "sender_display_name": "Ana Lopez",
    "date_time": "2026-11-20T14:03:27Z",
    "timestamp": 1795183407000,
    "reply_main_message_id": "PARENT-1",
    "reply_main_message_timestamp": 1795183000000,
    "files": [
        {"file_id": "F1", "file_name": "plan.pdf", "file_size": 2048, "download_url": "https://file.zoom.us/F1"},
    ],
    "reactions": [
        {"emoji": "👍", "total_count": 3, "senders": [{"user_id": "u1"}, {"user_id": "u2"}, {"user_id": "u3"}]},
        {"emoji": "🎉", "total_count": 1, "senders": [{"user_id": "u4"}]},
    ],
    "at_items": [{"at_contact": "bo@example.com", "at_type": 1, "start_position": 0, "end_position": 3}],
    "rich_text": [{"start_position": 0, "end_position": 4, "format_type": "Bold"}],
    "status": "Edited",
}


def test_message_row_keeps_what_a_reader_needs() -> None:
    assert compact_message(ZOOM_MESSAGE) == {
        "id": "5DD614F4-DD18-42E4-8B05-F2D6D0D8A5C4",
        "from": "Ana Lopez <ana@example.com>",
        "at": "2026-11-20 14:03Z",
        "text": "Ship it?",
        "reply_to": "PARENT-1",
        "files": [{"id": "F1", "name": "plan.pdf", "size": 2048}],
        "reactions": "👍×3, 🎉×1",
        "edited": True,
    }


def test_message_row_variants() -> None:
    legacy = {"id": "m", "timestamp": 0, "file_id": "F", "file_name": "a.txt", "file_size": 1, "status": "Deleted"}
    assert compact_message(legacy) == {
        "id": "m",
        "at": "1970-01-01 00:00Z",
        "files": [{"id": "F", "name": "a.txt", "size": 1}],
        "deleted": True,
    }
    # Get-message reactions carry user_ids instead of a count; report rows name the receiver.
    row = compact_message(
        {
            "id": "r",
            "sender": "a@x.io",
            "receiver": "b@x.io",
            "action": "Deleted",
            "reactions": [{"emoji": "✅", "user_ids": ["1", "2"]}],
        }
    )
    assert row == {"id": "r", "from": "a@x.io", "to": "b@x.io", "reactions": "✅×2", "action": "Deleted"}
    # Old IM session rows: text in ``content``, lower-case ordinary action, no id.
    im_row = {"action": "send", "sender": "a@x.io", "date_time": "2026-11-20T17:00:00Z", "content": "On it."}
    assert compact_message(im_row) == {"from": "a@x.io", "at": "2026-11-20 17:00Z", "text": "On it."}
    assert compact_message({"id": "s", "action": "Sent", "bot_message": {"head": {"text": "Build"}}}) == {
        "id": "s",
        "bot_message": {"head": {"text": "Build"}},
    }


@pytest.mark.anyio
async def test_decode_messages_keeps_the_list_key_and_drops_bookkeeping() -> None:
    spec = BY_NAME["chat_list_messages"]
    args = spec.input.model_validate({"to_channel": "C1"})
    raw = {
        "date": "2026-11-20",
        "from": "2026-11-20T00:00:00Z",
        "to": "2026-11-20T23:59:59Z",
        "page_size": 10,
        "next_page_token": "tok",
        "messages": [ZOOM_MESSAGE, {"id": "m2", "message": "ok", "sender": "bo@example.com"}],
    }
    decoded = await decode_messages(raw, args, FakeContext(spec))  # type: ignore[arg-type]
    assert list(decoded) == ["messages"]
    assert decoded["messages"][1] == {"id": "m2", "from": "bo@example.com", "text": "ok"}
    assert len(repr(decoded)) < len(repr(raw)) / 2
    assert await decode_message(ZOOM_MESSAGE, args, FakeContext(spec)) == compact_message(ZOOM_MESSAGE)  # type: ignore[arg-type]
    assert await decode_messages(None, args, FakeContext(spec)) is None  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_decode_channels_keeps_id_name_type() -> None:
    spec = BY_NAME["chat_list_channels"]
    raw = {
        "page_size": 10,
        "total_records": 1,
        "channels": [
            {
                "id": "C1",
                "jid": "c1@conference.xmpp.zoom.us",
                "name": "eng",
                "type": 3,
                "channel_url": "https://zoom.us/launch/chat/c1",
                "channel_settings": {"posting_permissions": 1},
            }
        ],
    }
    decoded = await decode_channels(raw, spec.input(), FakeContext(spec))  # type: ignore[arg-type]
    assert decoded == {"total_records": 1, "channels": [{"id": "C1", "name": "eng", "type": "public"}]}


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    (folder / "sub").mkdir(parents=True)
    (folder / "plan.pdf").write_bytes(b"%PDF-1.7 plan")
    (folder / "sub" / "notes.txt").write_text("notes")
    (tmp_path / "secret.txt").write_text("do not send")
    return folder


def test_uploads_disabled_without_a_folder() -> None:
    with pytest.raises(ToolUsageError, match="ZOOM_MCP_UPLOAD_DIR"):
        resolve_upload(None, "plan.pdf")
    with pytest.raises(ToolUsageError, match="ZOOM_MCP_UPLOAD_DIR"):
        _call("chat_upload_file", {"file_path": "plan.pdf"})


@pytest.mark.parametrize("name", ["../secret.txt", "sub/../../secret.txt", "..", "../missing.txt"])
def test_traversal_is_refused(upload_dir: Path, name: str) -> None:
    with pytest.raises(ToolUsageError, match="outside"):
        resolve_upload(upload_dir, name)


@pytest.mark.parametrize("name", ["/etc/passwd", "sub", "", "missing.txt", "bad\x00name"])
def test_absolute_missing_and_non_file_paths_are_refused(upload_dir: Path, name: str) -> None:
    with pytest.raises(ToolUsageError):
        resolve_upload(upload_dir, name)


def test_symlink_escape_is_refused(upload_dir: Path) -> None:
    (upload_dir / "link.txt").symlink_to(upload_dir.parent / "secret.txt")
    (upload_dir / "outside").symlink_to(upload_dir.parent, target_is_directory=True)
    with pytest.raises(ToolUsageError, match="outside"):
        resolve_upload(upload_dir, "link.txt")
    with pytest.raises(ToolUsageError, match="outside"):
        resolve_upload(upload_dir, "outside/secret.txt")


def test_symlink_inside_the_folder_is_followed(upload_dir: Path) -> None:
    (upload_dir / "alias.txt").symlink_to(upload_dir / "sub" / "notes.txt")
    assert resolve_upload(upload_dir, "alias.txt") == (upload_dir / "sub" / "notes.txt").resolve()


def test_upload_builds_multipart_for_the_file_host(upload_dir: Path) -> None:
    request, _ = _call("chat_upload_file", {"file_path": "plan.pdf"}, Settings(upload_dir=upload_dir))
    assert (request.method, request.host, request.path) == ("POST", "file", "/chat/users/me/files")
    assert request.files == [("file", ("plan.pdf", b"%PDF-1.7 plan", "application/pdf"))]
    assert request.json is None and not request.data


def test_send_file_adds_text_parts(upload_dir: Path) -> None:
    request, _ = _call(
        "chat_send_file",
        {"file_path": "sub/notes.txt", "to_channel": "C1", "reply_main_message_id": "P1", "user_id": "ana@x.io"},
        Settings(upload_dir=upload_dir),
    )
    assert (request.host, request.path) == ("file", "/chat/users/ana%40x.io/messages/files")
    assert request.files == [("files", ("notes.txt", b"notes", "text/plain"))]
    assert request.data == {"to_channel": "C1", "reply_main_message_id": "P1"}
    assert request.json is None


def test_oversized_upload_is_refused(upload_dir: Path) -> None:
    big = upload_dir / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ToolUsageError, match="limit"):
        _call("chat_upload_file", {"file_path": "big.bin"}, Settings(upload_dir=upload_dir))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_non_regular_file_is_refused(upload_dir: Path) -> None:
    os.mkfifo(upload_dir / "pipe")
    with pytest.raises(ToolUsageError, match="regular"):
        resolve_upload(upload_dir, "pipe")


def test_invite_turns_emails_into_member_objects() -> None:
    request, _ = _call("chat_invite_channel_members", {"channel_id": "C1", "members": ["a@x.io", "b@x.io"]})
    assert request.path == "/chat/channels/C1/members"
    assert request.json == {"members": [{"email": "a@x.io"}, {"email": "b@x.io"}]}
    request, _ = _call("chat_admin_add_channel_admins", {"channel_id": "C1", "admins": ["a@x.io"]})
    assert request.json == {"admins": [{"email": "a@x.io"}]}
    request, _ = _call("chat_create_channel", {"name": "eng", "type": "public"})
    assert request.json == {"name": "eng", "type": 3}


def test_batch_ids_go_comma_separated() -> None:
    request, _ = _call("chat_remove_channel_members", {"channel_id": "C1", "ids": ["u1", "u2"]})
    assert (request.method, request.path) == ("DELETE", "/chat/channels/C1/members")
    assert request.query == {"user_ids": "u1,u2"}
    request, _ = _call("chat_remove_channel_members", {"channel_id": "C1", "ids": ["m1"], "id_kind": "member"})
    assert request.query == {"member_ids": "m1"}
    request, _ = _call("chat_admin_remove_channel_admins", {"channel_id": "C1", "user_ids": ["u1"]})
    assert request.query == {"user_ids": "u1"}


def test_message_search_sets_search_type() -> None:
    request, _ = _call("chat_list_messages", {"to_channel": "C1", "search_key": "deploy"})
    assert request.query == {"to_channel": "C1", "search_key": "deploy", "search_type": "message", "page_size": 10}
    request, _ = _call(
        "chat_list_messages",
        {"to_contact": "a@x.io", "from_time": "2026-11-20T09:30:00+02:00", "to_time": "2026-11-20T12:00:00"},
    )
    assert request.query["from"] == "2026-11-20T07:30:00Z"
    assert request.query["to"] == "2026-11-20T12:00:00Z"
    assert "search_type" not in request.query


def test_wire_time_serialises_any_zone_to_utc_z() -> None:
    spec = BY_NAME["chat_list_messages"]
    moment = datetime(2026, 11, 20, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    dumped = spec.input(to_channel="C", from_time=moment).model_dump(mode="json", by_alias=True)
    assert dumped["from"] == "2026-11-21T04:30:00Z"
    assert (
        spec.input(to_channel="C", from_time=datetime(2026, 1, 2, tzinfo=UTC)).model_dump(by_alias=True)["from"]
        == "2026-01-02T00:00:00Z"
    )


def test_message_writes_put_fields_where_zoom_expects_them() -> None:
    status = BY_NAME["chat_mark_message_read"]
    assert status.locations["timestamp"][1] is BODY and status.locations["to_channel"][1] is BODY
    delete = BY_NAME["chat_delete_message"]
    assert delete.locations["to_contact"][1] is QUERY
    im_send = BY_NAME["chat_im_send_message"]
    assert im_send.locations["chat_user"][1] is QUERY and im_send.locations["message"][1] is BODY
    assert BY_NAME["chat_send_file"].locations["file_path"][1].value == "local"


def test_member_row_keeps_one_name_and_flags_only_external_members() -> None:
    zoom_member = {
        "id": "u1",
        "member_id": "m1",
        "email": "ana@example.com",
        "first_name": "Ana",
        "last_name": "Lopez",
        "name": "Ana Lopez",
        "role": "admin",
        "is_external": False,
    }
    assert compact_member(zoom_member) == {
        "id": "u1",
        "member_id": "m1",
        "email": "ana@example.com",
        "name": "Ana Lopez",
        "role": "admin",
    }
    guest = {"id": "u2", "first_name": "Sam", "last_name": "Rivera", "role": "member", "is_external": True}
    assert compact_member(guest) == {"id": "u2", "name": "Sam Rivera", "role": "member", "external": True}
