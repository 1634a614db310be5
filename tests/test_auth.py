"""Auth providers: caching, single flight, renewal, rotation persistence, scopes, api_url."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import httpx2
import pytest

from zoom_mcp.catalog import ToolInput, ToolSpec
from zoom_mcp.config import Settings
from zoom_mcp.engine.auth import (
    AccountCredentialsAuth,
    MissingAuth,
    RefreshTokenAuth,
    StaticTokenAuth,
    auth_from_settings,
    fingerprint,
)
from zoom_mcp.engine.executor import Executor
from zoom_mcp.errors import ToolUsageError, ZoomAuthError
from zoom_mcp.scopes import needs

S2S: dict[str, Any] = {"account_id": "acct-1", "client_id": "client-1", "client_secret": "client-secret-value-1"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TokenServer:
    """Zoom's /oauth/token: numbered tokens, rotating refresh tokens, a short pause per call."""

    def __init__(self, **extra: Any) -> None:
        self.requests: list[httpx2.Request] = []
        self.extra = extra

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        await anyio.sleep(0.01)
        n = len(self.requests)
        body = {"access_token": f"access-token-{n:04d}", "token_type": "bearer", "expires_in": 3600, **self.extra}
        if parse_qs(request.content.decode()).get("grant_type") == ["refresh_token"]:
            body["refresh_token"] = f"refresh-token-{n:04d}"
        return httpx2.Response(200, json=body)

    def form(self, index: int = -1) -> dict[str, list[str]]:
        return parse_qs(self.requests[index].content.decode())


def client(handler: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.MockTransport(handler))


@pytest.mark.anyio
async def test_s2s_request_is_basic_auth_with_a_form_body() -> None:
    server = TokenServer(scope="chat_message:read team_chat:read:list_user_messages")
    async with client(server) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)
        assert await auth.token() == "access-token-0001"
    sent = server.requests[0]
    assert str(sent.url) == "https://zoom.us/oauth/token"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"client-1:client-secret-value-1").decode()
    assert server.form() == {"grant_type": ["account_credentials"], "account_id": ["acct-1"]}
    assert auth.granted_scopes == frozenset({"chat_message:read", "team_chat:read:list_user_messages"})


@pytest.mark.anyio
async def test_twenty_concurrent_callers_share_one_token_request() -> None:
    server = TokenServer()
    tokens: list[str] = []
    async with client(server) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)

        async def caller() -> None:
            tokens.append(await auth.token())

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(caller)
    assert len(server.requests) == 1
    assert set(tokens) == {"access-token-0001"}


@pytest.mark.anyio
async def test_token_is_cached_and_renewed_a_minute_before_expiry() -> None:
    server = TokenServer()
    clock = Clock()
    async with client(server) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http, clock=clock)
        assert await auth.token() == "access-token-0001"
        clock.now += 3600 - 61
        assert await auth.token() == "access-token-0001"
        clock.now += 2
        assert await auth.token() == "access-token-0002"
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_renew_after_code_124_happens_once_for_all_stale_holders() -> None:
    server = TokenServer()
    async with client(server) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)
        stale = await auth.token()
        renewed = []

        async def holder() -> None:
            renewed.append(await auth.renew(stale))

        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(holder)
    assert len(server.requests) == 2
    assert set(renewed) == {"access-token-0002"}


@pytest.mark.anyio
async def test_scope_changes_are_reported_to_listeners() -> None:
    scopes = iter(["chat_message:read", "chat_message:read", "chat_message:read mail:read"])

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"access_token": "token-abcdefgh", "expires_in": 3600, "scope": next(scopes)})

    seen: list[frozenset[str] | None] = []
    async with client(handler) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)
        auth.on_scopes_changed(seen.append)
        stale = await auth.token()
        stale = await auth.renew(stale)
        await auth.renew(stale)
    assert seen == [frozenset({"chat_message:read"}), frozenset({"chat_message:read", "mail:read"})]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("https://api-eu.zoom.us", "https://api-eu.zoom.us/v2"),
        ("https://api.zoom.us/v2/", "https://api.zoom.us/v2"),
        ("https://api.attacker.example", None),
        (None, None),
    ],
)
async def test_api_url_from_the_token_response_becomes_the_api_base(api_url: str | None, expected: str | None) -> None:
    server = TokenServer(**({"api_url": api_url} if api_url else {}))
    async with client(server) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)
        await auth.token()
    assert auth.api_base_url == expected


class NoArguments(ToolInput):
    pass


PROFILE = ToolSpec(
    name="mail_get_profile",
    title="Profile",
    description="Mailbox profile.",
    endpoint="GET /emails/mailboxes/me/profile",
    input=NoArguments,
    scopes=needs("mail:read"),
    toolset="mail_mailbox",
    rate="light",
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
)


@pytest.mark.anyio
async def test_executor_sends_to_the_api_url_host() -> None:
    hosts: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        hosts.append(request.url.host)
        if request.url.path == "/oauth/token":
            body = {"access_token": "token-abcdefgh", "expires_in": 3600, "api_url": "https://api-eu.zoom.us"}
            return httpx2.Response(200, json=body)
        return httpx2.Response(200, json={"messages": []})

    async with Executor(Settings(**S2S), transport=httpx2.MockTransport(handler)) as ex:
        result = await ex.call(PROFILE, {})
    assert not result.is_error, result.text
    assert hosts == ["zoom.us", "api-eu.zoom.us"]


@pytest.mark.anyio
async def test_refused_credentials_name_the_settings_to_fix() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(400, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"})

    async with client(handler) as http:
        auth = AccountCredentialsAuth(Settings(**S2S), http)
        with pytest.raises(ZoomAuthError) as caught:
            await auth.token()
    assert caught.value.message == "Invalid client_id or client_secret"
    assert "ZOOM_CLIENT_SECRET" in caught.value.fix


# ---- user OAuth: refresh-token rotation ----------------------------------------------------


def user_settings(tmp_path: Path, refresh: str | None = "env-refresh-token-1", **extra: Any) -> Settings:
    return Settings(
        client_id="client-1",
        client_secret="client-secret-value-1",
        refresh_token=refresh,
        token_file=tmp_path / "conf" / "token.json",
        **extra,
    )


@pytest.mark.anyio
async def test_each_rotated_refresh_token_is_persisted_atomically_with_mode_0600(tmp_path: Path) -> None:
    server = TokenServer()
    settings = user_settings(tmp_path)
    async with client(server) as http:
        auth = RefreshTokenAuth(settings, http, settings.token_file)  # type: ignore[arg-type]
        first = await auth.token()
        await auth.renew(first)
    assert server.form(0)["refresh_token"] == ["env-refresh-token-1"]
    assert server.form(1)["refresh_token"] == ["refresh-token-0001"]
    path = settings.token_file
    assert path is not None
    saved = json.loads(path.read_text())
    assert saved["refresh_token"] == "refresh-token-0002"
    assert saved["origin"] == fingerprint("env-refresh-token-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No temporary file is left behind; the lock file beside it is what processes take turns on.
    assert sorted(p.name for p in path.parent.iterdir()) == ["token.json", "token.json.lock"]


@pytest.mark.anyio
async def test_the_token_file_outlives_the_environment_token_it_came_from(tmp_path: Path) -> None:
    server = TokenServer()
    settings = user_settings(tmp_path)
    clock = Clock()

    async def start(settings: Settings) -> None:
        # Each run starts after the previous run's access token expired, so each one refreshes.
        clock.now += 4000
        await RefreshTokenAuth(settings, http, settings.token_file, clock=clock, wall=clock).token()  # type: ignore[arg-type]

    async with client(server) as http:
        await start(settings)
        # A restart with the same (now spent) environment token uses the file's newer token.
        await start(settings)
        # A re-authorization (new environment token) wins over the file.
        await start(user_settings(tmp_path, refresh="env-refresh-token-2"))
        # With no environment token the file is used.
        await start(user_settings(tmp_path, refresh=None))
    sent = [server.form(i)["refresh_token"][0] for i in range(4)]
    assert sent == ["env-refresh-token-1", "refresh-token-0001", "env-refresh-token-2", "refresh-token-0003"]


@pytest.mark.anyio
async def test_a_hand_written_token_file_is_used_unless_the_environment_names_another(tmp_path: Path) -> None:
    server = TokenServer()
    path = tmp_path / "token.json"
    path.write_text(json.dumps({"refresh_token": "hand-written-token-1"}))
    clock = Clock()

    async def start(refresh: str | None) -> None:
        clock.now += 4000  # the previous run's access token has expired
        await RefreshTokenAuth(user_settings(tmp_path, refresh=refresh), http, path, clock=clock, wall=clock).token()

    async with client(server) as http:
        await start(None)
        await start("env-refresh-token-9")
        await start("env-refresh-token-9")
    sent = [server.form(i)["refresh_token"][0] for i in range(3)]
    assert sent == ["hand-written-token-1", "env-refresh-token-9", "refresh-token-0002"]


@pytest.mark.anyio
async def test_a_refresh_token_without_a_file_goes_to_the_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    settings = Settings(client_id="client-1", client_secret="client-secret-value-1", refresh_token="env-refresh-1")
    async with client(TokenServer()) as http:
        auth = auth_from_settings(settings, http)
        assert isinstance(auth, RefreshTokenAuth)
        await auth.token()
    saved = tmp_path / ".config" / "zoom-mcp" / "tokens" / "client-1" / "me.json"
    assert json.loads(saved.read_text())["refresh_token"] == "refresh-token-0001"


@pytest.mark.anyio
async def test_no_refresh_token_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    settings = user_settings(tmp_path, refresh=None)
    async with client(TokenServer()) as http:
        auth = auth_from_settings(settings, http)
        with pytest.raises(ToolUsageError, match="ZOOM_REFRESH_TOKEN"):
            await auth.token()


# ---- choosing a provider -------------------------------------------------------------------


@pytest.mark.anyio
async def test_static_token_uses_configured_scopes() -> None:
    async with client(TokenServer()) as http:
        auth = auth_from_settings(Settings(access_token="static-token-1", scopes="a:b c:d"), http)
    assert isinstance(auth, StaticTokenAuth)
    assert await auth.token() == "static-token-1"
    assert auth.granted_scopes == frozenset({"a:b", "c:d"})


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({}, ""),
        ({"client_id": "x"}, "ZOOM_CLIENT_SECRET is not set"),
        ({"client_id": "x", "client_secret": "y"}, "add ZOOM_ACCOUNT_ID"),
        ({"account_id": "a"}, "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET are not set"),
    ],
)
async def test_missing_credentials_explain_what_to_set(settings: dict[str, Any], missing: str) -> None:
    async with client(TokenServer()) as http:
        auth = auth_from_settings(Settings(**settings), http)
    assert isinstance(auth, MissingAuth)
    with pytest.raises(ToolUsageError) as caught:
        await auth.token()
    text = str(caught.value)
    assert missing in text
    assert "ZOOM_ACCESS_TOKEN" in text and "ZOOM_REFRESH_TOKEN" in text
