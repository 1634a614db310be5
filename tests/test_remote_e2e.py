"""Remote multi-user mode end to end, against SQLite: the SDK's OAuth client registers, signs in
through the sandbox's Zoom, lists and calls tools as its user, refreshes and revokes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import mcp.types as types
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthToken

from tests.local_servers import served_sandbox
from tests.remote_parts import MemoryStorage, SignedInClient, as_user, instances, remote_sandbox, server_env
from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def zoom() -> Iterator[tuple[Sandbox, str]]:
    sandbox = remote_sandbox()
    with served_sandbox(sandbox) as port:
        yield sandbox, f"http://127.0.0.1:{port}"


@pytest.fixture
def remote(zoom: tuple[Sandbox, str], tmp_path: Path) -> Iterator[str]:
    sandbox, url = zoom
    with instances(server_env(sandbox, url, str(tmp_path / "remote.db"))) as (public, _):
        yield public


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def test_sign_in_call_refresh_and_revoke(zoom: tuple[Sandbox, str], remote: str) -> None:
    sandbox, sandbox_url = zoom
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    signed = SignedInClient(remote)
    async with signed.http_client() as http, Client(streamable_http_client(f"{remote}/mcp", http_client=http)) as c:
        tools = (await c.list_tools()).tools
        assert len(tools) > 70
        profile = await c.call_tool("mail_get_profile", {})
        assert not profile.is_error, text(profile)
        assert "bruno.alvarez@northwind.example" in text(profile)
    assert signed.authorizations == 1
    first = signed.storage.tokens
    assert first is not None and first.refresh_token
