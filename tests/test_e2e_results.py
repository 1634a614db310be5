"""Results and writes as a client sees them, end to end, in both protocol eras.

SDK client -> ZoomServer -> executor -> sandbox Zoom: one result form (the fenced text;
structuredContent only on request), bodiless writes that say they succeeded, a send retried by
a client that timed out that reaches Zoom once, and progress while a call waits on Zoom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mcp.types as types
import pytest
from mcp.shared.exceptions import MCPError

from tests.conftest import MODES, STRUCTURED
from zoom_mcp.engine.progress import FIRST_REPORT
from zoom_mcp.tools import ALL_TOOLS

if TYPE_CHECKING:
    from conftest import ClientFactory

    from zoom_mcp.engine.executor import Executor
    from zoom_mcp.sandbox import Sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
SEND = "POST /chat/users/{userId}/messages"
SEND_PATH = "/chat/users/me/messages"
# Longer than the client waits, short enough to keep the suite quick.
SLOW_ZOOM = 0.8
CLIENT_GIVES_UP = 0.3


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def general(sandbox: Sandbox) -> str:
    return next(ch.id for ch in sandbox.state.chat.channels.values() if ch.name == "general")


def posted(sandbox: Sandbox, message: str) -> int:
    return sum(1 for m in sandbox.state.chat.messages.values() if m.text == message)


def sends(sandbox: Sandbox) -> int:
    return sum(1 for method, path, _ in sandbox.requests if method == "POST" and path.endswith(SEND_PATH))


# One result form --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_the_default_result_is_the_text_alone(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode) as c:
        result = await c.call_tool("chat_list_channels", {"page_size": 2})
    assert not result.is_error
    assert result.structured_content is None
    assert [block.type for block in result.content] == ["text"]
    assert text(result).startswith("<zoom-data id=") and "more: pass next_page_token=" in text(result)


@pytest.mark.parametrize("mode", MODES)
async def test_structured_content_on_request_with_the_text_first(client: ClientFactory, mode: str) -> None:
    async with client(mode=mode, env=STRUCTURED) as c:
        result = await c.call_tool("chat_list_channels", {"page_size": 2})
    assert not result.is_error and result.structured_content is not None
    assert len(result.structured_content["channels"]) == 2
    assert result.structured_content["next_page_token"] in text(result)
    assert text(result).startswith("<zoom-data id=")


@pytest.mark.parametrize("env", [{}, STRUCTURED])
async def test_a_bodiless_write_says_it_succeeded(client: ClientFactory, sandbox: Sandbox, env: dict[str, str]) -> None:
    channel = general(sandbox)
    async with client(env=env) as c:
        sent = await c.call_tool("chat_send_message", {"to_channel": channel, "message": "react to me"})
        message_id = next(m.id for m in sandbox.state.chat.messages.values() if m.text == "react to me")
        reacted = await c.call_tool(
            "chat_react_to_message", {"message_id": message_id, "to_channel": channel, "emoji": "👍"}
        )
    assert not sent.is_error and not reacted.is_error
    assert text(reacted).startswith("Done:")
    # A programmatic client gets a non-empty object, never {}.
    assert reacted.structured_content == ({"done": True} if env else None)


# No duplicate writes ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_send_retried_after_a_client_timeout_goes_out_once(
    client: ClientFactory, sandbox: Sandbox, mode: str
) -> None:
    args = {"to_channel": general(sandbox), "message": f"exactly once ({mode})"}
    sandbox.faults.add("slow_after", endpoint=SEND, delay=SLOW_ZOOM)
    async with client(mode=mode) as c:
        with pytest.raises(MCPError):
            await c.call_tool("chat_send_message", args, read_timeout_seconds=CLIENT_GIVES_UP)
        # The model is told to try again: the retry waits for the first send instead of sending.
        retry = await c.call_tool("chat_send_message", args)
        assert not retry.is_error, text(retry)
        assert "Not repeated" in text(retry) and "still running" in text(retry)
        assert "repeat: true" in text(retry) and "<zoom-data" in text(retry)
        later = await c.call_tool("chat_send_message", args)
        assert "Not repeated" in text(later) and "s ago" in text(later)
        assert posted(sandbox, args["message"]) == 1 and sends(sandbox) == 1

        deliberate = await c.call_tool("chat_send_message", {**args, "repeat": True})
        assert not deliberate.is_error and "Not repeated" not in text(deliberate)
        assert posted(sandbox, args["message"]) == 2
        # A retry of the deliberate copy is itself not sent twice.
        again = await c.call_tool("chat_send_message", {**args, "repeat": True})
        assert "Not repeated" in text(again) and "change the text" in text(again)
    assert posted(sandbox, args["message"]) == 2 and sends(sandbox) == 2


async def test_other_text_is_another_message(client: ClientFactory, sandbox: Sandbox) -> None:
    channel = general(sandbox)
    async with client() as c:
        for message in ("first", "second", "first"):
            await c.call_tool("chat_send_message", {"to_channel": channel, "message": message})
    assert posted(sandbox, "first") == 1 and posted(sandbox, "second") == 1


async def test_a_refused_send_is_not_remembered(client: ClientFactory, sandbox: Sandbox) -> None:
    args = {"to_channel": "no-such-channel", "message": "refused"}
    async with client() as c:
        first = await c.call_tool("chat_send_message", args)
        retry = await c.call_tool("chat_send_message", args)
    assert first.is_error and retry.is_error and "Not repeated" not in text(retry)
    assert sends(sandbox) == 2


async def test_a_send_that_may_have_gone_through_is_not_retried(client: ClientFactory, sandbox: Sandbox) -> None:
    args = {"to_channel": general(sandbox), "message": "maybe sent"}
    sandbox.faults.add("error_500", endpoint=SEND)
    async with client() as c:
        first = await c.call_tool("chat_send_message", args)
        retry = await c.call_tool("chat_send_message", args)
    assert first.is_error and retry.is_error
    assert "Not repeated" in text(retry) and "chat_list_messages" in text(retry) and "repeat: true" in text(retry)
    assert sends(sandbox) == 1


async def test_tools_without_repeat_say_how_to_run_again(client: ClientFactory, sandbox: Sandbox) -> None:
    args = {"name": "dedupe-label"}
    async with client() as c:
        first = await c.call_tool("mail_create_label", args)
        second = await c.call_tool("mail_create_label", args)
    assert not first.is_error and "Not repeated" in text(second)
    assert "change the arguments" in text(second) and "repeat: true" not in text(second)


async def test_the_executor_says_whether_a_failed_write_may_have_acted(executor: Executor, sandbox: Sandbox) -> None:
    spec = next(spec for spec in ALL_TOOLS if spec.name == "chat_send_message")
    channel = general(sandbox)
    invalid = await executor.call(spec, {"message": "no recipient"})
    refused = await executor.call(spec, {"to_channel": "no-such-channel", "message": "x"})
    assert invalid.is_error and not invalid.may_have_acted
    assert refused.is_error and not refused.may_have_acted
    for fault in ("error_500", "bad_json"):  # a 5xx, or a 2xx whose body could not be read
        sandbox.faults.add(fault, endpoint=SEND)
        failed = await executor.call(spec, {"to_channel": channel, "message": fault})
        assert failed.is_error and failed.may_have_acted, fault


# Progress -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_slow_call_reports_progress_when_asked(client: ClientFactory, sandbox: Sandbox, mode: str) -> None:
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    sandbox.faults.add("slow", endpoint=SEND, delay=FIRST_REPORT + 0.5)
    async with client(mode=mode) as c:
        result = await c.call_tool(
            "chat_send_message",
            {"to_channel": general(sandbox), "message": "slow one"},
            progress_callback=on_progress,
        )
    assert not result.is_error, text(result)
    assert seen, "no progress notification for a call that waited on Zoom"
    assert all(message and "waiting for Zoom" in message for _, message in seen)
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


async def test_a_quick_call_reports_nothing(client: ClientFactory) -> None:
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async with client() as c:
        await c.call_tool("chat_list_channels", {}, progress_callback=on_progress)
    assert seen == []
