"""The user OAuth token file shared by several processes and accounts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from tests.loopback import ROOT, served, user_app_env
from zoom_mcp.config import Settings
from zoom_mcp.engine.auth import (
    LOGIN_FIX,
    RefreshTokenAuth,
    auth_from_settings,
    default_token_file,
    token_file_for,
    write_token_file,
)
from zoom_mcp.errors import ZoomAuthError
from zoom_mcp.sandbox import Sandbox

SANDBOX = "http://sandbox.zoom.test"


def grant(sandbox: Sandbox) -> str:
    """A refresh token of a fresh authorization of the owner (what `zoom-mcp login` saves)."""
    return sandbox.tokens.new_refresh_token(sandbox.state.owner_id, sandbox.granted_scopes, chain="login-1")


def test_two_processes_share_one_grant_through_many_rotations(tmp_path: Path) -> None:
    # Tokens live 2 s (renewed after 1 s): in 8 s the two processes go through a rotation about every second.
    sandbox = Sandbox(token_ttl=2)
    path = tmp_path / "shared" / "token.json"
    write_token_file(path, {"refresh_token": grant(sandbox)})
    with served(sandbox) as base:
        env = user_app_env(sandbox, base, tmp_path, ZOOM_TOKEN_FILE=str(path))
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.token_worker", "8"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        summaries = [json.loads(worker.communicate(timeout=60)[0]) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert [s["failures"] for s in summaries] == [[], []]
    assert all(s["calls"] >= 20 for s in summaries)
    assert sandbox.tokens.refreshes() >= 5
    # Only the newest refresh token is alive, and it is the one in the file.
    assert list(sandbox.tokens.refresh_tokens) == [json.loads(path.read_text())["refresh_token"]]


def sandbox_settings(sandbox: Sandbox, path: Path) -> Settings:
    env = sandbox.settings_env(SANDBOX)
    del env["ZOOM_ACCOUNT_ID"]
    return Settings.from_env({**env, "ZOOM_TOKEN_FILE": str(path)})


@pytest.mark.anyio
async def test_a_second_process_uses_the_first_ones_fresh_token_instead_of_rotating(tmp_path: Path) -> None:
    sandbox = Sandbox()
    path = tmp_path / "token.json"
    write_token_file(path, {"refresh_token": grant(sandbox)})
    settings = sandbox_settings(sandbox, path)
    async with httpx2.AsyncClient(transport=sandbox.transport()) as http:
        first = RefreshTokenAuth(settings, http, path)
        second = RefreshTokenAuth(settings, http, path)  # started before the first refreshed: holds the old token
        token = await first.token()
        assert await second.token() == token
        # A token Zoom rejected (code 124) is renewed once, and the other process picks that up too.
        renewed = await second.renew(token)
        assert renewed != token and await first.renew(token) == renewed
    assert sandbox.tokens.refreshes() == 2


class RotatesBehindTheLock(httpx2.AsyncBaseTransport):
    """A writer that does not take the lock (another tool): it rotates the grant just before our refresh lands."""

    def __init__(self, sandbox: Sandbox, path: Path) -> None:
        self.inner = sandbox.transport()
        self.path = path
        self.done = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/oauth/token" and not self.done:
            self.done = True
            current = json.loads(self.path.read_text())["refresh_token"]
            async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self.inner.app)) as other:
                answer = await other.post(
                    f"{SANDBOX}/oauth/token",
                    data={"grant_type": "refresh_token", "refresh_token": current},
                    auth=("sandbox-client", "sandbox-secret"),
                )
            write_token_file(self.path, {"refresh_token": answer.json()["refresh_token"]})
        return await self.inner.handle_async_request(request)


@pytest.mark.anyio
async def test_a_refused_refresh_token_rereads_the_file_before_giving_up(tmp_path: Path) -> None:
    sandbox = Sandbox()
    path = tmp_path / "token.json"
    write_token_file(path, {"refresh_token": grant(sandbox)})
    async with httpx2.AsyncClient(transport=RotatesBehindTheLock(sandbox, path)) as http:
        auth = RefreshTokenAuth(sandbox_settings(sandbox, path), http, path)
        token = await auth.token()
    assert sandbox.tokens.lookup(token) is not None
    assert sandbox.tokens.refreshes() == 2  # theirs, then ours with the token they wrote


@pytest.mark.anyio
async def test_a_revoked_grant_asks_the_user_to_log_in_again(tmp_path: Path) -> None:
    sandbox = Sandbox()
    path = tmp_path / "token.json"
    refresh = grant(sandbox)
    write_token_file(path, {"refresh_token": refresh})
    sandbox.tokens.revoke_chain(refresh)
    async with httpx2.AsyncClient(transport=sandbox.transport()) as http:
        auth = RefreshTokenAuth(sandbox_settings(sandbox, path), http, path)
        with pytest.raises(ZoomAuthError) as caught:
            await auth.token()
    assert "Invalid Token!" in caught.value.message
    assert caught.value.fix == LOGIN_FIX and "zoom-mcp login" in LOGIN_FIX


def test_each_app_and_account_has_its_own_default_token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    app = {"client_id": "app-1", "client_secret": "s"}
    me = default_token_file(Settings(**app))
    other_user = default_token_file(Settings(**app, default_user="bob@example.com"))
    other_app = default_token_file(Settings(client_id="app-2", client_secret="s"))
    assert me == tmp_path / "zoom-mcp" / "tokens" / "app-1" / "me.json"
    assert len({me, other_user, other_app}) == 3
    assert other_user.name == "bob@example.com.json"
    # A client id cannot climb out of the folder.
    assert default_token_file(Settings(client_id="../../etc", client_secret="s")).parent.parent == me.parent.parent
    explicit = tmp_path / "mine.json"
    assert token_file_for(Settings(**app, token_file=explicit)) == explicit


@pytest.mark.anyio
async def test_the_single_token_file_of_earlier_versions_moves_to_the_apps_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    legacy = tmp_path / "zoom-mcp" / "token.json"
    sandbox = Sandbox()
    write_token_file(legacy, {"refresh_token": grant(sandbox)})
    env = sandbox.settings_env(SANDBOX)
    del env["ZOOM_ACCOUNT_ID"]
    settings = Settings.from_env(env)
    async with httpx2.AsyncClient(transport=sandbox.transport()) as http:
        auth = auth_from_settings(settings, http)
        assert isinstance(auth, RefreshTokenAuth)
        await auth.token()
    assert not legacy.exists()
    assert json.loads(default_token_file(settings).read_text())["refresh_token"] in sandbox.tokens.refresh_tokens
