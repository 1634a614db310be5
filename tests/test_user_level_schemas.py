"""A user-level app (no ``:admin`` scope) can only act as ``me``: its tools take no user or mailbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp import Client

from zoom_mcp.catalog import is_user_level
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.serving.server import ZoomServer
from zoom_mcp.tools import BY_NAME

USER_LEVEL = "chat_message:read chat_message:write chat_channel:read chat_channel:write mail:read mail:write"
ACCOUNT_LEVEL = f"{USER_LEVEL} chat_message:read:admin mail:read:admin"
SELF_FIELDS = {"user_id", "mailbox"}


@asynccontextmanager
async def served(scopes: str) -> AsyncIterator[tuple[Client, Sandbox]]:
    sandbox = Sandbox(scopes=scopes)
    settings = Settings.from_env(sandbox.settings_env())
    async with Executor(settings, transport=httpx2.ASGITransport(app=sandbox.app)) as executor:
        server = ZoomServer(executor, settings)
        await server.probe_scopes()
        async with Client(server) as client:
            yield client, sandbox


def properties(tools: list[Any]) -> dict[str, set[str]]:
    return {tool.name: set(tool.input_schema.get("properties", {})) for tool in tools}


def test_user_level_means_no_admin_scope_and_known_scopes() -> None:
    assert is_user_level(frozenset(USER_LEVEL.split()))
    assert not is_user_level(frozenset(ACCOUNT_LEVEL.split()))
    assert not is_user_level(frozenset({"team_chat:read:list_user_messages:admin"}))
    assert not is_user_level(None)


@pytest.mark.anyio
async def test_user_level_tools_take_no_user_or_mailbox_and_act_as_me() -> None:
    async with served(USER_LEVEL) as (client, sandbox):
        tools = (await client.list_tools()).tools
        served_fields = properties(tools)
        assert all(not (fields & SELF_FIELDS) for fields in served_fields.values())
        # Every other parameter is still there, and still described.
        for tool in tools:
            spec = BY_NAME[tool.name]
            assert served_fields[tool.name] == set(spec.input_schema["properties"]) - set(spec.own_account_fields)
            assert all(p.get("description") for p in tool.input_schema.get("properties", {}).values())
        mark = len(sandbox.requests)
        result = await client.call_tool("mail_list_labels", {})
        assert not result.is_error
        assert any("/emails/mailboxes/me/labels" in path for _, path, _ in sandbox.requests[mark:])


@pytest.mark.anyio
async def test_account_level_tools_keep_the_user_and_mailbox_parameters() -> None:
    async with served(ACCOUNT_LEVEL) as (client, _):
        served_fields = properties((await client.list_tools()).tools)
    assert "mailbox" in served_fields["mail_list_messages"]
    assert "user_id" in served_fields["chat_list_channels"]
