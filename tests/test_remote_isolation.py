"""Remote mode with several users: each sees their own data and scopes, never another's."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import mcp.types as types
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.remote_parts import SignedInClient, as_user, instances, server_env
from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

AVERY = "avery.chen@northwind.example"
BRUNO = "bruno.alvarez@northwind.example"
CHIOMA = "chioma.okafor@northwind.example"
# What the app grants the third user: mail reading, and who signed in.
READ_MAIL = "mail:read user:read:user"


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def sign_in(public: str, sandbox_url: str, email: str) -> SignedInClient:
    as_user(sandbox_url, email)
    signed = SignedInClient(public)
    async with signed.http_client() as http, Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c:
        await c.list_tools()
    assert signed.storage.tokens is not None
    return signed


async def call(signed: SignedInClient, tool: str, arguments: dict[str, object]) -> types.CallToolResult:
    async with (
        signed.http_client() as http,
        Client(streamable_http_client(f"{signed.public}/mcp", http_client=http)) as c,
    ):
        return await c.call_tool(tool, arguments)


async def tool_names(signed: SignedInClient) -> set[str]:
    async with (
        signed.http_client() as http,
        Client(streamable_http_client(f"{signed.public}/mcp", http_client=http)) as c,
    ):
        return {tool.name for tool in (await c.list_tools()).tools}


async def test_users_get_their_own_data_scopes_and_writes(zoom: tuple[Sandbox, str], tmp_path: Path) -> None:
    sandbox, sandbox_url = zoom
    with instances(server_env(sandbox, sandbox_url, str(tmp_path / "remote.db"))) as (public, _):
        avery = await sign_in(public, sandbox_url, AVERY)
        bruno = await sign_in(public, sandbox_url, BRUNO)
        sandbox.set_scopes(READ_MAIL)  # the app's scopes changed before the third user signed in
        chioma = await sign_in(public, sandbox_url, CHIOMA)

        for signed, email in ((avery, AVERY), (bruno, BRUNO), (chioma, CHIOMA)):
            assert email in text(await call(signed, "mail_get_profile", {}))

        # tools/list follows each user's own grant.
        everything, reading = await tool_names(avery), await tool_names(chioma)
        assert await tool_names(bruno) == everything
        assert "mail_list_messages" in reading and "mail_create_draft" not in reading
        assert reading < everything
        # A user whose grant has no :admin scope acts only on their own data: no mailbox parameter.
        schemas = {}
        for name, signed in (("avery", avery), ("chioma", chioma)):
            async with (
                signed.http_client() as http,
                Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c,
            ):
                listed = {tool.name: tool for tool in (await c.list_tools()).tools}
            schemas[name] = listed["mail_list_messages"].input_schema["properties"]
        assert "mailbox" in schemas["avery"] and "mailbox" not in schemas["chioma"]
        # Prompts too: only those whose tools the user has.
        async with chioma.http_client() as http, Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c:
            few = {prompt.name for prompt in (await c.list_prompts()).prompts}
        async with avery.http_client() as http, Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c:
            all_prompts = {prompt.name for prompt in (await c.list_prompts()).prompts}
        assert few < all_prompts
        refused = await call(chioma, "mail_list_drafts", {})
        assert not refused.is_error
        async with chioma.http_client() as http, Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c:
            with pytest.raises(MCPError, match=r"mail_create_draft .*not available: needs one of the scopes"):
                await c.call_tool("mail_create_draft", {"subject": "no"})

        # A write by one user is theirs alone; the same call by another user is not a "retry" of it.
        draft = {"subject": "Quarterly plan", "text": "Numbers attached."}
        made = await call(avery, "mail_create_draft", draft)
        assert not made.is_error, text(made)
        again = await call(bruno, "mail_create_draft", draft)
        assert not again.is_error and "Not repeated" not in text(again)
        retried = await call(avery, "mail_create_draft", draft)
        assert "Not repeated" in text(retried)
        assert "Quarterly plan" in text(await call(avery, "mail_list_drafts", {}))
        assert "Quarterly plan" not in text(await call(chioma, "mail_list_drafts", {}))


async def test_a_stolen_token_replayed_with_another_users_session_acts_only_as_its_owner(
    zoom: tuple[Sandbox, str], tmp_path: Path
) -> None:
    sandbox, sandbox_url = zoom
    with instances(server_env(sandbox, sandbox_url, str(tmp_path / "remote.db"))) as (public, _):
        avery = await sign_in(public, sandbox_url, AVERY)
        bruno = await sign_in(public, sandbox_url, BRUNO)
        assert avery.storage.tokens and bruno.storage.tokens
        headers = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
        async with httpx2.AsyncClient(base_url=public, headers=headers) as raw:
            init = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "b", "version": "1"},
                },
            }
            opened = await raw.post(
                "/mcp", json=init, headers={"Authorization": f"Bearer {bruno.storage.tokens.access_token}"}
            )
            assert opened.status_code == 200
            # Stateless: no session lives on the server, so there is none to hijack; a session id
            # (Bruno's, or made up) changes nothing about whose token is used.
            session = opened.headers.get("mcp-session-id") or "bruno-session"
            profile = {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "mail_get_profile", "arguments": {}},
            }
            replay = await raw.post(
                "/mcp",
                json=profile,
                headers={"Authorization": f"Bearer {avery.storage.tokens.access_token}", "Mcp-Session-Id": session},
            )
            body = replay.text
            assert AVERY in body and BRUNO not in body
            # Without a token, or with a made-up one, nothing is served.
            for value in (None, "Bearer not-a-token"):
                extra = {"Mcp-Session-Id": session, **({"Authorization": value} if value else {})}
                denied = await raw.post("/mcp", json=profile, headers=extra)
                assert denied.status_code == 401
                assert json.loads(denied.text)["error"] == "invalid_token"
