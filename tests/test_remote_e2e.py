"""Remote multi-user mode end to end, against SQLite: the SDK's OAuth client registers, signs in
through the sandbox's Zoom, lists and calls tools as its user, refreshes and revokes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import mcp.types as types
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from tests.remote_parts import SignedInClient, as_user, instances, server_env
from zoom_mcp import cli
from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture
def remote(zoom: tuple[Sandbox, str], tmp_path: Path) -> Iterator[str]:
    sandbox, url = zoom
    with instances(server_env(sandbox, url, str(tmp_path / "remote.db"))) as (public, _):
        yield public


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def test_sign_in_call_refresh_and_revoke(zoom: tuple[Sandbox, str], remote: str, tmp_path: Path) -> None:
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

    # At rest: our tokens only as digests, Zoom's sealed; none of them readable in the database file.
    database = b"".join(path.read_bytes() for path in tmp_path.glob("remote.db*"))
    zoom_tokens = [t.value for t in sandbox.tokens.tokens.values()] + list(sandbox.tokens.refresh_tokens)
    assert zoom_tokens
    for secret in [first.access_token, first.refresh_token, *zoom_tokens]:
        assert secret.encode() not in database

    # An hour on, the access token's lifetime is up: the SDK's client refreshes it before its next request.
    provider = signed.provider()
    async with httpx2.AsyncClient(auth=provider) as http:
        async with Client(streamable_http_client(f"{remote}/mcp", http_client=http)) as c:
            await c.list_tools()
        provider.context.token_expiry_time = time.time() - 1
        async with Client(streamable_http_client(f"{remote}/mcp", http_client=http)) as c:
            assert "bruno.alvarez@northwind.example" in text(await c.call_tool("mail_get_profile", {}))
    again = signed
    assert again.authorizations == 1, "refreshed, not signed in again"
    second = again.storage.tokens
    assert second is not None and second.access_token != first.access_token
    assert second.refresh_token not in (None, first.refresh_token)

    async with httpx2.AsyncClient(base_url=remote) as raw:
        # Rotation: the spent refresh token is dead.
        reused = await raw.post(
            "/token", data=client_form(again, grant_type="refresh_token", refresh_token=first.refresh_token)
        )
        assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")
        # Revoking the access token ends the whole grant: the access token and its refresh token.
        revoked = await raw.post("/revoke", data=client_form(again, token=second.access_token))
        assert revoked.status_code == 200
        denied = await raw.post("/mcp", json=LIST, headers=bearer(second.access_token))
        assert denied.status_code == 401
        assert (
            f'resource_metadata="{remote}/.well-known/oauth-protected-resource/mcp"'
            in denied.headers["www-authenticate"]
        )
        dead = await raw.post(
            "/token", data=client_form(again, grant_type="refresh_token", refresh_token=second.refresh_token)
        )
        assert dead.json()["error"] == "invalid_grant"


LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream", **extra}


def client_form(signed: SignedInClient, **fields: str | None) -> dict[str, str]:
    info = signed.storage.client_info
    assert info is not None
    form = {"client_id": info.client_id, **({"client_secret": info.client_secret} if info.client_secret else {})}
    return {**form, **{k: v for k, v in fields.items() if v is not None}}


def test_oauth_mode_fails_closed_naming_every_missing_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [name for name in os.environ if name.startswith("ZOOM_")]:
        monkeypatch.delenv(name)
    serve = ["--transport", "http", "--auth", "oauth", "--public-url", "http://zoom-mcp.example.com"]
    assert cli.run(serve) == 2
    missing = capsys.readouterr().err
    for name in ("ZOOM_MCP_SECRET_KEY", "ZOOM_CLIENT_ID", "ZOOM_MCP_ALLOWED_ACCOUNTS"):
        assert name in missing
    for name, value in (("ZOOM_MCP_SECRET_KEY", "k" * 40), ("ZOOM_CLIENT_ID", "id"), ("ZOOM_CLIENT_SECRET", "s")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZOOM_MCP_ALLOWED_ACCOUNTS", "*")
    assert cli.run(serve) == 2
    assert "must be https" in capsys.readouterr().err
    assert cli.run(["--auth", "oauth"]) == 2
    assert "add --transport http" in capsys.readouterr().err
    monkeypatch.setenv("ZOOM_MCP_DOWNLOAD_DIR", "/tmp")
    assert cli.run([*serve[:-1], "https://zoom-mcp.example.com"]) == 2
    assert "ZOOM_MCP_DOWNLOAD_DIR cannot be used with --auth oauth" in capsys.readouterr().err
    monkeypatch.delenv("ZOOM_MCP_DOWNLOAD_DIR")
    monkeypatch.setenv("ZOOM_MCP_DEFAULT_MAILBOX", "boss@example.com")
    assert cli.run([*serve[:-1], "https://zoom-mcp.example.com"]) == 2
    assert "ZOOM_MCP_DEFAULT_MAILBOX must stay me" in capsys.readouterr().err


async def test_a_user_who_removed_the_app_at_zoom_is_told_to_sign_in_again(
    zoom: tuple[Sandbox, str], remote: str
) -> None:
    sandbox, sandbox_url = zoom
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    signed = SignedInClient(remote)
    async with signed.http_client() as http, Client(streamable_http_client(f"{remote}/mcp", http_client=http)) as c:
        assert not (await c.call_tool("mail_get_profile", {})).is_error
        # The user removes the app at Zoom (its grant is revoked), and the hour runs out.
        (refresh,) = sandbox.tokens.refresh_tokens
        assert sandbox.tokens.revoke_chain(refresh)
        sandbox.advance_clock(sandbox.tokens.ttl + 1)
        gone = await c.call_tool("mail_get_profile", {})
        assert gone.is_error and "sign in again" in text(gone)
        assert "Traceback" not in text(gone)


async def test_handshake_era_clients_are_told_destructive_tools_cannot_confirm(
    zoom: tuple[Sandbox, str], remote: str
) -> None:
    _sandbox, sandbox_url = zoom
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    signed = SignedInClient(remote)
    async with (
        signed.http_client() as http,
        Client(streamable_http_client(f"{remote}/mcp", http_client=http), mode="legacy") as c,
    ):
        # No session to carry the question, so nothing is deleted and the answer says why.
        refused = await c.call_tool("mail_delete_draft", {"draft_id": "r-1234"})
        assert refused.is_error and "--no-confirm" in text(refused)
