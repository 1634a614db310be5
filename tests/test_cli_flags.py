"""Serve-level flags mean the same wherever they stand, and bad settings stop in one line.

The configured account is a recording server on loopback: a command run with --sandbox must
never reach it, wherever --sandbox is typed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local_servers import Recorder, recording_server
from zoom_mcp.catalog.registry import select
from zoom_mcp.cli import run
from zoom_mcp.config import BOOLEANS, Settings
from zoom_mcp.tools import ALL_TOOLS

ROOT = Path(__file__).resolve().parent.parent
CANARY_SECRET = "configured-secret-canary-0123456789"
pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """Server-to-server credentials whose every host is the recorder."""
    with recording_server() as recorder:
        base = f"http://127.0.0.1:{recorder.port}"
        for name, value in {
            "ZOOM_ACCOUNT_ID": "configured-account",
            "ZOOM_CLIENT_ID": "configured-client",
            "ZOOM_CLIENT_SECRET": CANARY_SECRET,
            "ZOOM_OAUTH_BASE_URL": base,
            "ZOOM_API_BASE_URL": f"{base}/v2",
            "ZOOM_FILE_BASE_URL": f"{base}/v2",
            "ZOOM_MCP_TRUSTED_HOSTS": "127.0.0.1",
            "ZOOM_MCP_MAX_RETRIES": "0",
        }.items():
            monkeypatch.setenv(name, value)
        yield recorder


SANDBOX_RUNS = [
    ["--sandbox", "call", "chat_list_channels", '{"page_size": 1}'],
    ["call", "--sandbox", "chat_list_channels", '{"page_size": 1}'],
    ["call", "chat_list_channels", '{"page_size": 1}', "--sandbox"],
    ["--sandbox", "doctor"],
    ["doctor", "--sandbox"],
    ["--sandbox", "tools"],
    ["--sandbox", "scopes"],
    ["--sandbox", "--read-only", "call", "mail_list_labels"],
]


@pytest.mark.parametrize("argv", SANDBOX_RUNS, ids=" ".join)
def test_sandbox_anywhere_never_reaches_the_account(
    argv: list[str], account: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 0
    out, err = capsys.readouterr()
    assert account.requests == []
    assert CANARY_SECRET not in out + err


def test_without_sandbox_the_account_is_reached(account: Recorder, capsys: pytest.CaptureFixture[str]) -> None:
    # The control: the same command without --sandbox goes to the configured account.
    assert run(["call", "chat_list_channels"]) == 1
    assert account.requests and account.requests[0].startswith("POST /oauth/token")
    assert CANARY_SECRET not in "".join(capsys.readouterr())


@pytest.mark.parametrize(
    "argv",
    [["--read-only", "tools"], ["tools", "--read-only"], ["--read-only", "--sandbox", "tools", "--json"]],
    ids=" ".join,
)
def test_selection_flags_apply_before_or_after(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 0
    out = capsys.readouterr().out
    reads = [spec for spec in select(ALL_TOOLS, None) if spec.read_only]
    assert f"{len(reads)} of {len(ALL_TOOLS)}" in out or out.count('"readOnlyHint": true') == len(reads)
    assert "chat_send_message" not in out


def test_selection_before_call_reaches_the_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--read-only", "--sandbox", "call", "chat_send_message", '{"to_channel": "x", "message": "hi"}']) == 2
    assert "read-only" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["tools", "--transport", "http"], "--transport"),
        (["--port", "9001", "call", "chat_list_channels"], "--port"),
        (["doctor", "--no-confirm"], "--no-confirm"),
        (["--json-response", "scopes"], "--json-response"),
        (["sandbox", "--sandbox"], "--sandbox"),
        (["--toolsets", "chat", "sandbox"], "--toolsets"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_flags_a_command_cannot_use_are_refused(argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and flag in err and "cannot be used with" in err


# Settings fail closed -----------------------------------------------------------------------------

BAD_SETTINGS = [
    ("ZOOM_MCP_READ_ONLY", "ture"),
    ("ZOOM_MCP_READ_ONLY", "Y"),
    ("ZOOM_MCP_READ_ONLY", "enabled"),
    ("ZOOM_MCP_READ_ONLY", "2"),
    ("ZOOM_MCP_CONFIRM", "ture"),
    ("ZOOM_MCP_TIMEOUT", "abc"),
    ("ZOOM_MCP_TIMEOUT", "0"),
    ("ZOOM_MCP_MAX_RETRIES", "three"),
    ("ZOOM_MCP_RESULT_BUDGET", "1e3x"),
    ("ZOOM_MCP_LOG_LEVEL", "loud"),
    ("ZOOM_API_BASE_URL", "api.zoom.us/v2"),
    ("ZOOM_MCP_HTTP_TOKEN", "short"),
]
COMMANDS = [[], ["--sandbox"], ["tools"], ["scopes"], ["call", "chat_list_channels", "--sandbox"], ["doctor"]]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv) or "serve")
def test_a_bad_setting_stops_every_command_in_one_line(
    name: str, value: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    assert run(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("zoom-mcp: ") and name in err


def test_a_short_http_token_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_MCP_HTTP_TOKEN", "x" * 31)
    assert run(["--transport", "http", "--sandbox"]) == 2
    assert "secrets.token_urlsafe(32)" in capsys.readouterr().err


@pytest.mark.parametrize(("raw", "expected"), [*BOOLEANS.items(), *((k.upper(), v) for k, v in BOOLEANS.items())])
def test_documented_booleans_are_read(raw: str, expected: bool) -> None:
    settings = Settings.from_env({"ZOOM_MCP_READ_ONLY": f" {raw} ", "ZOOM_MCP_CONFIRM": raw})
    assert settings.read_only is expected and settings.confirm_destructive is expected


def test_a_bad_setting_in_a_real_process_prints_no_traceback() -> None:
    env = {**os.environ, "ZOOM_MCP_TIMEOUT": "abc", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "zoom_mcp", "--sandbox", "call", "chat_list_channels"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "zoom-mcp: ZOOM_MCP_TIMEOUT='abc' is not a number\n"
