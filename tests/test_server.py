"""The server on its own: registration by scopes, list_changed, confirmation, errors, prompts.

The executor here is a stand-in that records calls, so each behaviour of the server can be
driven exactly (a token that never comes, scopes that change mid-session). The same behaviours
against the sandbox through real clients are in the test_e2e_* modules.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import anyio
import mcp.types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

from tests.conftest import MODES
from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.registry import Selection, select
from zoom_mcp.config import Settings
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.serving.confirm import confirmation_message
from zoom_mcp.serving.server import CANCELLED, ZoomServer, registration_report, to_tool
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

pytestmark = pytest.mark.anyio
CHAT_READ = frozenset({"chat_message:read", "chat_channel:read"})


class FakeAuth:
    def __init__(self, scopes: frozenset[str] | None, *, delay: float = 0.0, error: Exception | None = None) -> None:
        self.scopes = scopes
        self.delay = delay
        self.error = error
        self.granted_scopes: frozenset[str] | None = None
        self._callbacks: list[Callable[[frozenset[str] | None], None]] = []

    async def token(self) -> str:
        await anyio.sleep(self.delay)
        if self.error:
            raise self.error
        self.set(self.scopes)
        return "token"

    def on_scopes_changed(self, callback: Callable[[frozenset[str] | None], None]) -> None:
        self._callbacks.append(callback)

    def set(self, scopes: frozenset[str] | None) -> None:
        if scopes != self.granted_scopes:
            self.granted_scopes = scopes
            for callback in self._callbacks:
                callback(scopes)


class FakeExecutor:
    def __init__(self, auth: FakeAuth) -> None:
        self.auth = auth
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call(self, spec: ToolSpec, arguments: dict[str, Any]) -> ToolResult:
        try:
            spec.input.model_validate(arguments)
        except ValidationError as exc:
            return ToolResult(text=f"Invalid arguments for {spec.name}: {exc.error_count()} errors", is_error=True)
        self.calls.append((spec.name, arguments))
        extra = types.TextContent(type="text", text="extra block")
        return ToolResult(text=f"ran {spec.name}", structured={"tool": spec.name}, content=[extra])


@asynccontextmanager
async def connect(
    auth: FakeAuth, *, mode: str = "auto", settings: Settings | None = None, **kwargs: Any
) -> AsyncIterator[tuple[Client, ZoomServer, FakeExecutor]]:
    executor = FakeExecutor(auth)
    server = ZoomServer(executor, settings or Settings(), scope_probe_timeout=kwargs.pop("probe_timeout", 5.0))  # type: ignore[arg-type]
    with anyio.fail_after(20):
        async with Client(server, mode=mode, cache=None, read_timeout_seconds=10, **kwargs) as client:
            yield client, server, executor


def accept(answer: bool) -> Callable[..., Any]:
    asked: list[str] = []

    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": answer})

    callback.asked = asked  # type: ignore[attr-defined]
    return callback


async def names(client: Client) -> set[str]:
    return {tool.name for tool in (await client.list_tools()).tools}


# Registration ----------------------------------------------------------------------------------


def test_tool_objects_carry_schema_and_annotations() -> None:
    spec = BY_NAME["chat_send_message"]
    tool = to_tool(spec)
    assert tool.input_schema == spec.input_schema
    assert tool.annotations is not None
    assert tool.annotations.destructive_hint is spec.destructive
    assert tool.annotations.read_only_hint is spec.read_only
    assert tool.annotations.idempotent_hint is spec.idempotent
    assert tool.annotations.open_world_hint is spec.open_world


def test_registration_report_names_missing_scopes() -> None:
    chosen, line = registration_report(ALL_TOOLS, Selection(), CHAT_READ)
    assert chosen == select(ALL_TOOLS, CHAT_READ)
    assert line.startswith(f"registered {len(chosen)} of {len(ALL_TOOLS)} tools: granted scopes chat_channel:read")
    assert "missing:" in line and "chat_message:write" in line
    _, unknown = registration_report(ALL_TOOLS, Selection(), None)
    assert "unknown" in unknown


@pytest.mark.parametrize("mode", MODES)
async def test_scopes_filter_the_list(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="zoom_mcp")
    async with connect(FakeAuth(CHAT_READ), mode=mode) as (client, _, _):
        listed = await names(client)
    assert listed == {spec.name for spec in select(ALL_TOOLS, CHAT_READ)}
    assert all(BY_NAME[name].read_only for name in listed)
    assert any("registered" in record.getMessage() for record in caplog.records)


async def test_a_failed_token_lists_every_selected_tool() -> None:
    auth = FakeAuth(None, error=RuntimeError("boom"))
    async with connect(auth, settings=Settings(read_only=True)) as (client, _, _):
        assert await names(client) == {spec.name for spec in select(ALL_TOOLS, None) if spec.read_only}


async def test_initialize_and_list_do_not_wait_for_a_slow_token() -> None:
    auth = FakeAuth(CHAT_READ, delay=30)
    with anyio.fail_after(6):
        async with connect(auth, probe_timeout=30) as (client, _, _):
            # Bounded by the list grace period, then everything selected is listed.
            assert await names(client) == {spec.name for spec in select(ALL_TOOLS, None)}


async def test_selection_flags() -> None:
    settings = Settings(toolsets="chat_messages", exclude_tools="chat_delete_message")
    async with connect(FakeAuth(None), settings=settings) as (client, _, _):
        listed = await names(client)
    assert listed and all(BY_NAME[n].toolset == "chat_messages" for n in listed)
    assert "chat_delete_message" not in listed


@pytest.mark.parametrize("mode", MODES)
async def test_capabilities_and_instructions(mode: str) -> None:
    async with connect(FakeAuth(None), mode=mode) as (client, _, _):
        caps = client.server_capabilities
        assert caps.tools is not None and caps.tools.list_changed
        assert caps.prompts is not None and caps.prompts.list_changed
        if mode == "legacy":
            assert client.instructions and "next_page_token" in client.instructions


# list_changed ----------------------------------------------------------------------------------


async def test_legacy_clients_get_tools_list_changed() -> None:
    seen = anyio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            seen.set()

    auth = FakeAuth(CHAT_READ)
    async with connect(auth, mode="legacy", message_handler=on_message) as (client, _, _):
        before = await names(client)
        auth.set(CHAT_READ | {"chat_message:write"})
        with anyio.fail_after(5):
            await seen.wait()
        after = await names(client)
    assert "chat_send_message" in after - before


async def test_modern_clients_get_a_subscription_event() -> None:
    auth = FakeAuth(CHAT_READ)
    async with connect(auth) as (client, _, _):
        before = await names(client)
        async with client.listen(tools_list_changed=True) as subscription:
            auth.set(CHAT_READ | {"chat_message:write"})
            with anyio.fail_after(5):
                event = await anext(aiter(subscription))
        assert type(event).__name__ == "ToolsListChanged"
        assert "chat_send_message" in (await names(client)) - before


# Calls ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("structured", [False, True])
async def test_call_result_is_the_text_and_extra_blocks(mode: str, structured: bool) -> None:
    settings = Settings(structured_content=structured)
    async with connect(FakeAuth(None), mode=mode, settings=settings) as (client, _, _):
        result = await client.call_tool("chat_list_channels", {})
    assert not result.is_error
    assert [block.text for block in result.content] == ["ran chat_list_channels", "extra block"]  # type: ignore[union-attr]
    # structuredContent only when asked for; the text leads either way.
    assert result.structured_content == ({"tool": "chat_list_channels"} if structured else None)


@pytest.mark.parametrize("mode", MODES)
async def test_unknown_and_unavailable_tools_are_invalid_params(mode: str) -> None:
    async with connect(FakeAuth(CHAT_READ), mode=mode) as (client, _, _):
        await names(client)
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("chat_no_such_tool", {})
        assert unknown.value.error.code == types.INVALID_PARAMS
        with pytest.raises(MCPError) as unavailable:
            await client.call_tool("chat_send_message", {"to_channel": "c", "message": "hi"})
        assert unavailable.value.error.code == types.INVALID_PARAMS
        assert "chat_message:write" in unavailable.value.error.message


# Confirmation ----------------------------------------------------------------------------------

DELETE = {"message_id": "MSG-1", "to_channel": "chan-1"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", [True, False])
async def test_destructive_tools_ask_first(mode: str, answer: bool) -> None:
    callback = accept(answer)
    async with connect(FakeAuth(None), mode=mode, elicitation_callback=callback) as (client, _, executor):
        result = await client.call_tool("chat_delete_message", DELETE)
    assert callback.asked == ["Delete message MSG-1 permanently"]  # type: ignore[attr-defined]
    assert not result.is_error
    if answer:
        assert executor.calls == [("chat_delete_message", DELETE)]
    else:
        assert executor.calls == []
        assert result.content[0].text == CANCELLED  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", MODES)
async def test_decline_and_cancel_change_nothing(mode: str) -> None:
    for action in ("decline", "cancel"):

        async def callback(context: Any, params: types.ElicitRequestParams, action: Any = action) -> types.ElicitResult:
            return types.ElicitResult(action=action)

        async with connect(FakeAuth(None), mode=mode, elicitation_callback=callback) as (client, _, executor):
            result = await client.call_tool("chat_delete_message", DELETE)
        assert executor.calls == [] and not result.is_error
        assert result.content[0].text == CANCELLED  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", MODES)
async def test_no_ask_without_elicitation_or_with_no_confirm(mode: str) -> None:
    async with connect(FakeAuth(None), mode=mode) as (client, _, executor):
        await client.call_tool("chat_delete_message", DELETE)
    assert executor.calls == [("chat_delete_message", DELETE)]
    callback = accept(False)
    settings = Settings(confirm_destructive=False)
    async with connect(FakeAuth(None), mode=mode, settings=settings, elicitation_callback=callback) as (
        client,
        _,
        executor,
    ):
        await client.call_tool("chat_delete_message", DELETE)
    assert callback.asked == [] and executor.calls == [("chat_delete_message", DELETE)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", MODES)
async def test_invalid_calls_are_not_confirmed(mode: str) -> None:
    callback = accept(True)
    async with connect(FakeAuth(None), mode=mode, elicitation_callback=callback) as (client, _, executor):
        result = await client.call_tool("chat_delete_message", {"to_channel": "chan-1"})
    assert result.is_error and "Invalid arguments" in result.content[0].text  # type: ignore[union-attr]
    assert callback.asked == [] and executor.calls == []  # type: ignore[attr-defined]


async def test_a_forged_answer_without_the_round_state_is_asked_again() -> None:
    callback = accept(False)
    async with connect(FakeAuth(None), elicitation_callback=callback) as (client, _, executor):
        forged = {"confirm": types.ElicitResult(action="accept", content={"confirm": True})}
        result = await client.call_tool("chat_delete_message", DELETE, input_responses=forged)
    assert callback.asked and executor.calls == [] and not result.is_error


# Prompts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_follow_the_registered_tools(mode: str) -> None:
    async with connect(FakeAuth(CHAT_READ), mode=mode) as (client, _, _):
        await names(client)
        listed = {p.name for p in (await client.list_prompts()).prompts}
        assert "summarize_channel" in listed
        assert "answer_thread" not in listed  # needs chat_send_message
        assert not any(name in listed for name in ("triage_inbox", "clean_up_inbox"))
        prompt = await client.get_prompt("summarize_channel", {"channel": "general", "since": "2026-11-01"})
        assert "chat_list_messages" in prompt.messages[0].content.text  # type: ignore[union-attr]
        for name, args in (("answer_thread", {"message_id": "m"}), ("summarize_channel", {"channel": "x"})):
            with pytest.raises(MCPError) as refused:
                await client.get_prompt(name, args)
            assert refused.value.error.code == types.INVALID_PARAMS


async def test_an_executor_bug_is_still_a_tool_result(caplog: pytest.LogCaptureFixture) -> None:
    async with connect(FakeAuth(None)) as (client, _, executor):

        async def broken(spec: ToolSpec, arguments: dict[str, Any]) -> ToolResult:
            raise RuntimeError("bug")

        executor.call = broken  # type: ignore[method-assign]
        result = await client.call_tool("chat_list_channels", {})
    assert result.is_error and "failed inside zoom-mcp" in result.content[0].text  # type: ignore[union-attr]
    assert "bug" in caplog.text


def test_confirmation_messages_name_what_is_destroyed() -> None:
    batch = BY_NAME["mail_batch_delete_messages"]
    assert confirmation_message(batch, {"message_ids": ["a1", "b2"]}) == "Permanently delete emails a1, b2"
    assert confirmation_message(BY_NAME["chat_delete_message"], DELETE) == "Delete message MSG-1 permanently"
    # Without a usable template the title and the arguments are shown.
    untemplated = replace(BY_NAME["chat_delete_message"], confirm=None)
    message = confirmation_message(untemplated, DELETE)
    assert message.startswith(untemplated.title) and "MSG-1" in message and "chan-1" in message
