"""Reading and writing Zoom Mail the way real mailboxes need, through the executor and the sandbox."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import pytest

from tests.test_mail_hooks import FakeContext, decode, encode
from zoom_mcp.codecs.mime import b64url_decode, parse_raw
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.mail_store import MailOptions
from zoom_mcp.tools import BY_NAME

pytestmark = pytest.mark.anyio


async def call(sandbox: Sandbox, tool: str, arguments: dict[str, Any], env: Mapping[str, str] | None = None) -> Any:
    settings = Settings.from_env({**sandbox.settings_env(), **(env or {})})
    async with Executor(settings, transport=sandbox.transport()) as executor:
        result: ToolResult = await executor.call(BY_NAME[tool], arguments)
    assert not result.is_error, result.text
    assert result.structured is not None
    return result.structured


def notable(sandbox: Sandbox, name: str) -> str:
    return str(sandbox.state.mail.notable[name])


async def test_list_rows_mark_encrypted_envelopes_not_attachments() -> None:
    sandbox = Sandbox()
    rows = (await call(sandbox, "mail_list_messages", {"q": 'subject:"Zoom Encrypted Email"'}))["messages"]
    assert len(rows) == 3
    assert all(row.get("encrypted") is True and "attachment" not in row for row in rows)


async def test_thread_rows_say_a_thread_holds_an_encrypted_envelope() -> None:
    sandbox = Sandbox()
    rows = (await call(sandbox, "mail_list_threads", {"q": "Board deck numbers"}))["threads"]
    (row,) = [row for row in rows if row.get("subject") == "Board deck numbers"]
    assert row["messages"] == 2 and row["encrypted"] is True
    plain = (await call(sandbox, "mail_list_threads", {"q": "Ticket #4411"}))["threads"]
    assert plain and "encrypted" not in plain[0]


async def test_read_view_keeps_reply_to_and_cc() -> None:
    sandbox = Sandbox()
    view = await call(sandbox, "mail_get_message", {"message_id": notable(sandbox, "reply_to")})
    assert view["reply_to"] == "tickets+4411@northwind-support.example"
    assert "Bruno Alvarez" in view["cc"]
    headers = await call(
        sandbox, "mail_get_message", {"message_id": notable(sandbox, "reply_to"), "headers_only": True}
    )
    assert headers["reply_to"] == view["reply_to"] and headers["cc"] == view["cc"]


async def test_inline_calendar_invite_is_listed_with_its_text() -> None:
    sandbox = Sandbox()
    view = await call(sandbox, "mail_get_message", {"message_id": notable(sandbox, "calendar_invite")})
    (part,) = view["parts"]
    assert part["type"] == "text/calendar" and "SUMMARY:Atlas launch go/no-go" in part["text"]
    assert "You are invited" in view["body"]


async def test_wrapped_unpadded_body_data_is_read() -> None:
    plain, wrapped = Sandbox(), Sandbox(mail_options=MailOptions(wrapped_body_data=True))
    for name in ("invoice_pdf", "quarterly_report", "cjk", "rtl", "emoji", "reply_to", "calendar_invite"):
        arguments = {"message_id": notable(plain, name)}
        expected = await call(plain, "mail_get_message", arguments)
        assert await call(wrapped, "mail_get_message", arguments) == expected, name


def test_base64url_decoding_is_lenient() -> None:
    for size in range(60, 100):  # every padding case, with and without a line break inside
        data = bytes(range(size))
        encoded = base64.urlsafe_b64encode(data).decode().rstrip("=")
        wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
        assert b64url_decode(wrapped) == data, size
    assert b64url_decode(base64.b64encode(b"\xfb\xff\xfe").decode()) == b"\xfb\xff\xfe"  # standard alphabet


async def test_user_labels_show_by_name_and_follow_a_rename() -> None:
    sandbox = Sandbox()
    message_id = notable(sandbox, "invoice_pdf")
    labels = (await call(sandbox, "mail_get_message", {"message_id": message_id}))["labels"]
    assert "Receipts" in labels and not any(label.startswith("Label_") for label in labels)
    box = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert box is not None
    receipts = next(label.id for label in box.labels.values() if label.name == "Receipts")
    settings = Settings.from_env(sandbox.settings_env())
    async with Executor(settings, transport=sandbox.transport()) as executor:
        renamed = await executor.call(BY_NAME["mail_patch_label"], {"label_id": receipts, "name": "Bills"})
        assert not renamed.is_error, renamed.text
        again = await executor.call(BY_NAME["mail_get_message"], {"message_id": message_id})
    assert again.structured is not None and "Bills" in again.structured["labels"]
    # The patch kept the label where it was: Zoom requires parentId, filled from the label itself.
    assert box.labels[receipts].parent_id is None and box.labels[receipts].name == "Bills"


async def test_without_the_label_scope_ids_stay_and_the_scope_is_named() -> None:
    sandbox = Sandbox(scopes="email:read:msg")
    view = await call(sandbox, "mail_get_message", {"message_id": notable(sandbox, "invoice_pdf")})
    assert any(label.startswith("Label_") for label in view["labels"])
    assert "email:read:list_labels" in view["label_names"]


async def test_long_thread_pages_within_the_budget() -> None:
    sandbox = Sandbox()
    box = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert box is not None
    thread_id, members = max(box.threads.items(), key=lambda item: len(item[1]))
    assert len(members) >= 3
    settings = Settings.from_env({**sandbox.settings_env(), "ZOOM_MCP_RESULT_BUDGET": "2500"})
    seen: list[str] = []
    token: str | None = None
    async with Executor(settings, transport=sandbox.transport()) as executor:
        for _ in range(len(members)):
            arguments = {"thread_id": thread_id, **({"next_page_token": token} if token else {})}
            result = await executor.call(BY_NAME["mail_get_thread"], arguments)
            assert not result.is_error and result.structured is not None, result.text
            seen += [message["id"] for message in result.structured["messages"]]
            token = result.structured.get("next_page_token")
            if not token:
                break
    assert seen == members


async def test_thread_asks_for_the_documents_maximum_and_says_when_it_is_cut() -> None:
    request, _ = await encode("mail_get_thread", {"thread_id": "T1"})
    assert request.query == {"format": "full", "maxResults": 500}
    full = {"id": "T1", "messages": [{"id": f"M{i}", "payload": {"headers": []}} for i in range(500)]}
    out = await decode("mail_get_thread", {"thread_id": "T1"}, full, FakeContext(BY_NAME["mail_get_thread"]))
    assert "first 500 messages" in out["more"]
    short = {"id": "T1", "messages": full["messages"][:3]}
    assert "more" not in await decode("mail_get_thread", {"thread_id": "T1"}, short)


async def test_label_ids_travel_comma_separated() -> None:
    spec = BY_NAME["mail_list_messages"]
    args = spec.input.model_validate({"label_ids": ["INBOX", "UNREAD"]})
    assert FakeContext(spec).default_request(args).query["labelIds"] == "INBOX,UNREAD"
    empty = spec.input.model_validate({"label_ids": []})
    assert "labelIds" not in FakeContext(spec).default_request(empty).query
    sandbox = Sandbox()
    rows = (await call(sandbox, "mail_list_messages", {"label_ids": ["INBOX", "UNREAD"], "page_size": 5}))["messages"]
    assert rows and all(row.get("unread") for row in rows)


async def test_send_names_blind_recipients_in_bcc_and_leaves_from_to_zoom() -> None:
    request, _ = await encode("mail_send_message", {"to": ["a@example.com"], "bcc": ["b@example.com"], "text": "x"})
    message = parse_raw(request.json["raw"])
    assert message["Bcc"] == "b@example.com" and message["From"] is None
    sandbox = Sandbox()
    box = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    colleague = sandbox.state.users[1].email
    await call(
        sandbox, "mail_send_message", {"to": ["x@example.com"], "bcc": [colleague], "subject": "Hush", "text": "x"}
    )
    received = sandbox.state.mail.mailbox(colleague)
    assert box is not None and received is not None
    delivered = [m for m in received.messages.values() if m.header("Subject") == "Hush"]
    assert len(delivered) == 1 and not delivered[0].header("Bcc")
    assert box.email in delivered[0].header("From")


async def test_grant_delegate_chooses_the_access_level() -> None:
    sandbox = Sandbox()
    box = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert box is not None
    free = [u.email for u in sandbox.state.users if u.email.lower() not in {box.email.lower(), *box.delegates}]
    reviewer = await call(sandbox, "mail_grant_delegate", {"delegate_email": free[0], "access": "reviewer"})
    assert reviewer["delegateAccess"] == "dlgreviewer"
    editor = await call(sandbox, "mail_grant_delegate", {"delegate_email": free[1]})
    assert editor["delegateAccess"] == "dlgeditor"
