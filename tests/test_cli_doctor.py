"""``zoom-mcp doctor`` against a sandbox served on loopback: real token, real reads, real faults."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, quote

import pytest

from tests.local_servers import json_server
from tests.loopback import served
from zoom_mcp.cli import run
from zoom_mcp.sandbox import Sandbox

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_env", "no_retries")]


@contextmanager
def configured_as_the_account(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """``box`` on a loopback port, configured as the account (server-to-server OAuth)."""
    with served(box) as base:
        for name, value in box.settings_env(base_url=base).items():
            monkeypatch.setenv(name, value)
        yield box


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with configured_as_the_account(Sandbox(), monkeypatch) as box:
        yield box


def test_healthy_account(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "token:       obtained" in out
    assert "team chat:   ok, as user me" in out
    assert "mail:        ok, mailbox avery.chen@northwind.example" in out
    assert "77/77 registered (of 81" in out and "all checks passed" in out
    assert "server-to-server app has no user of its own" in out
    assert sandbox.client_secret not in out
    assert len(out.splitlines()) < 20 and max(len(line) for line in out.splitlines()) <= 100


def test_default_user_silences_the_warning(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = sandbox.state.require_user(sandbox.state.owner_id)
    monkeypatch.setenv("ZOOM_MCP_DEFAULT_USER", owner.email)
    monkeypatch.setenv("ZOOM_MCP_DEFAULT_MAILBOX", owner.email)
    assert run(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"as user {owner.email}" in out and "no user of its own" not in out


def test_verbose_lists_every_scope(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "email:read:profile" in out and "chat_channel:read" in out


def test_missing_scopes_are_summarised_per_toolset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with configured_as_the_account(Sandbox(scopes="chat_channel:read chat_message:read"), monkeypatch):
        assert run(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "scopes:      2 granted (--verbose lists them)" in lines
    assert any(line.startswith("  mail_messages: 0/11; add mail:read mail:write") for line in lines)
    assert not any("(or granular:" in line for line in lines)
    assert max(len(line) for line in lines) <= 100


def test_a_tool_selection_is_counted_as_such(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--toolsets", "chat", "doctor"]) == 0
    out = capsys.readouterr().out
    # The chat toolset without the opt-in deprecated IM tools.
    assert "tools:       36/36 registered (of 81, by the tool selection)" in out and "mail:" not in out


def test_a_garbage_static_token_fails(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_ACCESS_TOKEN", "garbage-token-0123456789")
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "team chat:   FAILED" in out and "mail:        FAILED" in out
    assert "garbage-token-0123456789" not in out
    assert "all checks passed" not in out


def test_an_api_failure_fails(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox.faults.add("error_500", endpoint="/profile", times=None)
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "team chat:   ok" in out
    assert "mail:        FAILED: Zoom error 500" in out


def test_refused_credentials_fail_and_never_print_the_secret(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "wrong-secret-0123456789")
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "token:       FAILED: Zoom refused the credentials" in out
    assert "ZOOM_CLIENT_SECRET" in out  # the fix names the setting ...
    assert "wrong-secret-0123456789" not in out  # ... never its value
    assert "registered" not in out


def test_a_token_endpoint_that_echoes_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, refresh = "echoed+client/secret=0123", "echoed-refresh-token-4567"
    basic = base64.b64encode(f"client:{secret}".encode()).decode()
    encoded = quote(secret, safe="")

    def answer(method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        echo = f"bad grant {form.get('refresh_token')} for Basic {basic} ({secret}, {encoded}, {json.dumps(form)})"
        return 400, {"reason": echo, "error": "invalid_grant"}

    with json_server(answer) as port:
        base = f"http://127.0.0.1:{port}"
        monkeypatch.setenv("ZOOM_CLIENT_ID", "client")
        monkeypatch.setenv("ZOOM_CLIENT_SECRET", secret)
        monkeypatch.setenv("ZOOM_REFRESH_TOKEN", refresh)
        monkeypatch.setenv("ZOOM_TOKEN_FILE", "/nonexistent/zoom-mcp-test/token.json")
        monkeypatch.setenv("ZOOM_OAUTH_BASE_URL", base)
        assert run(["doctor"]) == 1
    out, err = capsys.readouterr()
    assert "bad grant" in out
    for leaked in (secret, refresh, basic, encoded):
        assert leaked not in out + err


def test_mail_not_enabled_in_plain_words(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def answer(method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if path.startswith("/oauth/token"):
            return 200, {
                "access_token": "a-token-for-the-test-0123",
                "expires_in": 3600,
                "scope": "team_chat:read:list_user_channels email:read:profile",
            }
        if "/chat/" in path:
            return 200, {"channels": [], "total_records": 0}
        return 400, {"code": 4001, "message": "Mail service is not enabled for this account."}

    with json_server(answer) as port:
        base = f"http://127.0.0.1:{port}"
        for name, value in {
            "ZOOM_ACCOUNT_ID": "account",
            "ZOOM_CLIENT_ID": "client",
            "ZOOM_CLIENT_SECRET": "a-client-secret-0123",
            "ZOOM_OAUTH_BASE_URL": base,
            "ZOOM_API_BASE_URL": f"{base}/v2",
            "ZOOM_MCP_DEFAULT_USER": "owner@example.com",
            "ZOOM_MCP_DEFAULT_MAILBOX": "owner@example.com",
        }.items():
            monkeypatch.setenv(name, value)
        assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "team chat:   ok, as user owner@example.com: 0 channel(s)" in out
    assert "Zoom Mail is not available for owner@example.com" in out
    assert "end-to-end encryption off" in out


def test_no_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "credentials: none found" in out and "token:       FAILED" in out
    assert "registered" not in out
