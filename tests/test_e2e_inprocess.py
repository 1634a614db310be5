"""End to end through the SDK client, in-process, in both protocol eras.

client -> ZoomServer -> real executor -> real server-to-server OAuth -> sandbox Zoom (ASGI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import anyio
import mcp.types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from tests.conftest import MODES, STRUCTURED
from zoom_mcp.catalog.registry import select
from zoom_mcp.scopes import parse_scopes
from zoom_mcp.serving.server import CANCELLED
from zoom_mcp.tools import ALL_TOOLS

if TYPE_CHECKING:
    from conftest import ClientFactory

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
CHAT_READ = "chat_message:read chat_channel:read"
MAIL_GRANULAR = "email:read:list_msgs email:read:msg email:write:draft"


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def channel_id(client: Client, name: str = "general") -> str:
    result = await client.call_tool("chat_list_channels", {})
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return next(c["id"] for c in result.structured_content["channels"] if c["name"] == name)


async def send(client: Client, channel: str, message: str) -> str:
    result = await client.call_tool("chat_send_message", {"to_channel": channel, "message": message})
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return str(result.structured_content["id"])


def answering(confirm: bool) -> Any:
    asked: list[str] = []

    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": confirm})

    callback.asked = asked  # type: ignore[attr-defined]
    return callback


@pytest.mark.parametrize("mode", MODES)
async def test_lists_the_whole_catalog(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode) as c:
        tools = (await c.list_tools()).tools
    assert [t.name for t in tools] == [spec.name for spec in select(ALL_TOOLS, None)]
    assert all(t.annotations is not None and t.annotations.read_only_hint is not None for t in tools)


@pytest.mark.parametrize("mode", MODES)
async def test_write_then_read_back(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode, env=STRUCTURED) as c:
        general = await channel_id(c)
        message_id = await send(c, general, f"e2e hello from {mode}")
        listed = await c.call_tool("chat_list_messages", {"to_channel": general})
        assert not listed.is_error and f"e2e hello from {mode}" in text(listed)
        got = await c.call_tool("chat_get_message", {"message_id": message_id, "to_channel": general})
        assert not got.is_error and f"e2e hello from {mode}" in text(got)


@pytest.mark.parametrize("mode", MODES)
async def test_a_cut_list_resumes_where_it_stopped(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode, env={"ZOOM_MCP_RESULT_BUDGET": "1500", **STRUCTURED}) as c:
        engineering = await channel_id(c, "engineering")
        seen: list[str] = []
        token: str | None = None
        for _ in range(3):
            args: dict[str, Any] = {"to_channel": engineering, "page_size": 50}
            if token:
                args["next_page_token"] = token
            page = await c.call_tool("chat_list_messages", args)
            assert not page.is_error, text(page)
            assert page.structured_content is not None
            seen += [m["id"] for m in page.structured_content["messages"]]
            token = page.structured_content.get("next_page_token")
            assert token, "a 1500-character budget must cut a 50-message page"
        assert len(seen) == len(set(seen)), "a resumed page repeated messages"


@pytest.mark.parametrize("mode", MODES)
async def test_tool_errors_are_results(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode) as c:
        bad = await c.call_tool("chat_list_messages", {"to_channel": "x", "page_size": 0})
        assert bad.is_error and "page_size" in text(bad)
        missing = await c.call_tool("chat_get_channel", {"channel_id": "no-such-channel"})
        assert missing.is_error and "404" in text(missing)
        with pytest.raises(MCPError) as unknown:
            await c.call_tool("chat_frobnicate", {})
        assert unknown.value.error.code == types.INVALID_PARAMS


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("confirm", [True, False])
async def test_destructive_tool_confirmation(client: ClientFactory, mode: str, confirm: bool) -> None:
    callback = answering(confirm)
    async with client(mode=mode, env=STRUCTURED, elicitation_callback=callback) as c:
        general = await channel_id(c)
        message_id = await send(c, general, "to be deleted, maybe")
        deleted = await c.call_tool("chat_delete_message", {"message_id": message_id, "to_channel": general})
        assert not deleted.is_error, text(deleted)
        assert len(callback.asked) == 1 and message_id in callback.asked[0]
        after = await c.call_tool("chat_get_message", {"message_id": message_id, "to_channel": general})
    if confirm:
        assert after.is_error and "404" in text(after)
    else:
        assert text(deleted) == CANCELLED
        assert not after.is_error


@pytest.mark.parametrize("mode", MODES)
async def test_prompts(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode) as c:
        prompts = {p.name: p for p in (await c.list_prompts()).prompts}
        assert {"triage_inbox", "draft_follow_up_email", "summarize_channel", "chat_activity_report"} <= prompts.keys()
        got = await c.get_prompt("draft_follow_up_email", {"meeting": "Atlas review", "recipients": "a@b.example"})
        assert "mail_create_draft" in got.messages[0].content.text  # type: ignore[union-attr]
        with pytest.raises(MCPError) as missing:
            await c.get_prompt("draft_follow_up_email", {"meeting": "Atlas review"})
        assert missing.value.error.code == types.INVALID_PARAMS
        with pytest.raises(MCPError):
            await c.get_prompt("no_such_prompt", {})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scopes", [CHAT_READ, MAIL_GRANULAR])
async def test_lists_follow_the_granted_scopes(client: ClientFactory, mode: str, scopes: str) -> None:
    async with client(mode=mode, scopes=scopes) as c:
        listed = [t.name for t in (await c.list_tools()).tools]
        prompts = {p.name for p in (await c.list_prompts()).prompts}
    expected = [spec.name for spec in select(ALL_TOOLS, parse_scopes(scopes))]
    assert listed == expected and 0 < len(listed) < len(ALL_TOOLS)
    if scopes == CHAT_READ:
        assert all(name.startswith("chat_") for name in listed) and "summarize_channel" in prompts
    else:
        assert all(name.startswith("mail_") for name in listed)
        assert {"triage_inbox", "draft_follow_up_email"} <= prompts and "summarize_channel" not in prompts


async def test_scope_change_notifies_legacy_clients(client: ClientFactory) -> None:
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.set()

    async with client(mode="legacy", scopes=CHAT_READ, message_handler=on_message) as c:
        before = {t.name for t in (await c.list_tools()).tools}
        c.sandbox.set_scopes(f"{CHAT_READ} chat_message:write")  # type: ignore[attr-defined]
        c.sandbox.revoke_tokens()  # type: ignore[attr-defined]
        # The next call meets an invalid token, renews it, and the new token carries the new scopes.
        assert not (await c.call_tool("chat_list_channels", {})).is_error
        with anyio.fail_after(5):
            await changed.wait()
        after = {t.name for t in (await c.list_tools()).tools}
    assert before < after and "chat_send_message" in after - before


async def test_scope_change_reaches_modern_listeners(client: ClientFactory) -> None:
    async with client(scopes=CHAT_READ) as c:
        before = {t.name for t in (await c.list_tools()).tools}
        async with c.listen(tools_list_changed=True) as subscription:
            c.sandbox.set_scopes(f"{CHAT_READ} chat_message:write")  # type: ignore[attr-defined]
            c.sandbox.revoke_tokens()  # type: ignore[attr-defined]
            assert not (await c.call_tool("chat_list_channels", {})).is_error
            with anyio.fail_after(5):
                event = await anext(aiter(subscription))
        assert type(event).__name__ == "ToolsListChanged"
        assert "chat_send_message" in {t.name for t in (await c.list_tools()).tools} - before
