"""End to end over HTTP: Streamable HTTP (/mcp) and legacy SSE (/sse) on an ephemeral loopback port.

The server runs in-process under uvicorn (port 0) with the real executor against a sandbox;
one test also starts the real CLI as a subprocess and talks to it over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx2
import mcp.types as types
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from starlette.types import ASGIApp

from zoom_mcp.catalog.registry import select
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.scopes import parse_scopes
from zoom_mcp.serving import transports
from zoom_mcp.serving.server import CANCELLED
from zoom_mcp.tools import ALL_TOOLS

if TYPE_CHECKING:
    from conftest import ServerFactory

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
TOKEN = "e2e-http-token-0123456789abcdef-long-enough"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port; yields the base URL; always shuts down."""
    server = transports.uvicorn_server(app, "127.0.0.1", 0)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve)
        try:
            with anyio.fail_after(10):
                while not server.started:
                    await anyio.sleep(0.02)
            port = server.servers[0].sockets[0].getsockname()[1]
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True


def connect(url: str, kind: str, headers: dict[str, str] | None = None) -> Any:
    if kind == "sse":
        return sse_client(f"{url}{transports.SSE_PATH}", headers=headers)
    return streamable_http_client(f"{url}{transports.MCP_PATH}", http_client=httpx2.AsyncClient(headers=headers))


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def exercise(client: Client) -> None:
    """List, read, write and read back, and a refused then accepted destructive call."""
    assert len((await client.list_tools()).tools) == len(select(ALL_TOOLS, None))
    channels = await client.call_tool("chat_list_channels", {})
    assert not channels.is_error and channels.structured_content is not None
    general = next(ch["id"] for ch in channels.structured_content["channels"] if ch["name"] == "general")
    sent = await client.call_tool("chat_send_message", {"to_channel": general, "message": "over http"})
    assert sent.structured_content is not None
    ref = {"message_id": sent.structured_content["id"], "to_channel": general}
    assert "over http" in text(await client.call_tool("chat_get_message", ref))
    refused = await client.call_tool("chat_delete_message", ref)
    assert text(refused) == CANCELLED
    assert not (await client.call_tool("chat_delete_message", ref)).is_error
    assert (await client.call_tool("chat_get_message", ref)).is_error


def confirming() -> Any:
    answers = iter([False, True])

    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        return types.ElicitResult(action="accept", content={"confirm": next(answers)})

    return callback


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("kind", ["http", "sse"])
async def test_http_transports(kind: str, mode: str, server_factory: ServerFactory) -> None:
    # The exercise reads ids from structuredContent, as a programmatic client would.
    async with server_factory(Sandbox(), {"ZOOM_MCP_STRUCTURED_CONTENT": "1"}) as server:
        app = transports.sse_app(server) if kind == "sse" else transports.streamable_http_app(server)
        async with serving(app) as url:
            with anyio.fail_after(30):
                async with Client(connect(url, kind), mode=mode, elicitation_callback=confirming()) as client:
                    await exercise(client)


@pytest.mark.parametrize("option", ["json_response", "stateless"])
async def test_legacy_without_back_channel_refuses_destructive_calls(
    option: str, server_factory: ServerFactory
) -> None:
    async with server_factory(Sandbox()) as server:
        app = transports.streamable_http_app(server, **{option: True})
        async with serving(app) as url:
            with anyio.fail_after(30):
                async with Client(connect(url, "http"), mode="legacy", elicitation_callback=confirming()) as client:
                    channels = await client.call_tool("chat_list_channels", {})
                    assert not channels.is_error
                    result = await client.call_tool("chat_delete_message", {"message_id": "M", "to_channel": "C"})
    assert result.is_error and "--no-confirm" in text(result)


async def test_bearer_token_is_enforced(server_factory: ServerFactory) -> None:
    async with server_factory(Sandbox()) as server:
        app = transports.streamable_http_app(server, http_token=TOKEN)
        async with serving(app) as url:
            async with httpx2.AsyncClient(timeout=10) as http:
                assert (await http.get(f"{url}/healthz")).status_code == 200
                for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
                    refused = await http.post(f"{url}/mcp", json={}, headers=headers)
                    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            with anyio.fail_after(30):
                async with Client(connect(url, "http", AUTH)) as client:
                    assert (await client.list_tools()).tools


async def test_sse_bearer_token_is_enforced(server_factory: ServerFactory) -> None:
    async with server_factory(Sandbox()) as server, serving(transports.sse_app(server, http_token=TOKEN)) as url:
        async with httpx2.AsyncClient(timeout=10) as http:
            assert (await http.get(f"{url}/sse")).status_code == 401
            assert (await http.post(f"{url}/messages/?session_id=x", json={})).status_code == 401
        with anyio.fail_after(30):
            async with Client(connect(url, "sse", AUTH), mode="legacy") as client:
                assert (await client.list_tools()).tools


async def test_dns_rebinding_protection_on_loopback(server_factory: ServerFactory) -> None:
    async with (
        server_factory(Sandbox()) as server,
        serving(transports.streamable_http_app(server)) as url,
        httpx2.AsyncClient(timeout=10) as http,
    ):
        rebound = await http.post(f"{url}/mcp", json={}, headers={"Host": "evil.example"})
        assert rebound.status_code == 421
        foreign = await http.post(f"{url}/mcp", json={}, headers={"Origin": "http://evil.example"})
        assert foreign.status_code == 403


async def test_scope_filtered_list_over_http(server_factory: ServerFactory) -> None:
    scopes = "chat_message:read chat_channel:read"
    async with (
        server_factory(Sandbox(scopes=scopes)) as server,
        serving(transports.streamable_http_app(server)) as url,
        Client(connect(url, "http"), mode="legacy", read_timeout_seconds=20) as client,
    ):
        listed = [t.name for t in (await client.list_tools()).tools]
    assert listed == [spec.name for spec in select(ALL_TOOLS, parse_scopes(scopes))]


def test_bind_policy() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        transports.check_bind(host, None)
    for host in ("0.0.0.0", "192.168.1.20", "example.com"):
        with pytest.raises(transports.BindRefused):
            transports.check_bind(host, None)
        transports.check_bind(host, TOKEN)
    assert transports.transport_security("192.168.1.20").allowed_hosts[-1] == "192.168.1.20:*"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_cli_serves_streamable_http_with_a_token() -> None:
    port = free_port()
    env = {**os.environ, "ZOOM_MCP_HTTP_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "zoom_mcp", "--sandbox", "--transport", "http", "--port", str(port)]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx2.AsyncClient(timeout=2) as http:
            with anyio.fail_after(20):
                while True:
                    try:
                        if (await http.get(f"{url}/healthz")).status_code == 200:
                            break
                    except httpx2.TransportError:
                        await anyio.sleep(0.1)
            assert (await http.post(f"{url}/mcp", json={})).status_code == 401
        with anyio.fail_after(30):
            async with Client(connect(url, "http", AUTH)) as client:
                result = await client.call_tool("chat_list_channels", {})
        assert not result.is_error
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert b"serving MCP (http)" in stderr
