"""The zoom-mcp command line, run in-process (``cli.run`` returns the exit code)."""

from __future__ import annotations

import json
import sys

import pytest

from zoom_mcp.catalog.registry import select
from zoom_mcp.cli import run
from zoom_mcp.config import ENVIRONMENT
from zoom_mcp.scopes import parse_scopes
from zoom_mcp.serving import transports
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

CHAT_READ = "chat_message:read chat_channel:read"
# The developer's own Zoom settings must not leak into what these commands print.
pytestmark = pytest.mark.usefixtures("clean_env")


def test_help_has_examples_and_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "zoom-mcp call chat_list_channels" in out and "--transport" in out
    for name, _, _ in ENVIRONMENT:
        assert name in out


def test_tools_table_for_given_scopes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tools", "--scopes", CHAT_READ]) == 0
    out = capsys.readouterr().out
    expected = select(ALL_TOOLS, parse_scopes(CHAT_READ))
    assert f"{len(expected)} of {len(ALL_TOOLS)} tools" in out
    assert "chat_list_messages" in out and "GET /chat/users/{userId}/messages" in out
    assert "chat_send_message" not in out


def test_tools_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tools", "--json", "--read-only", "--toolsets", "chat"]) == 0
    tools = json.loads(capsys.readouterr().out)
    assert tools and all(t["annotations"]["readOnlyHint"] for t in tools)
    first = tools[0]
    spec = BY_NAME[first["name"]]
    assert first["inputSchema"] == spec.input_schema
    assert first["method"] == spec.method and first["path"] == spec.path and first["host"] == spec.host
    assert first["scopes"] == list(spec.scopes.alternatives)
    assert {"title", "description"} <= first.keys()


def test_scopes_map_and_smallest_cover(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scopes", "--toolsets", "chat_messages"]) == 0
    out = capsys.readouterr().out
    assert "chat_message:read" in out and "chat_list_messages" in out
    assert "smallest scope set" in out
    assert run(["scopes", "--toolsets", "chat_messages", "--granular"]) == 0
    assert "team_chat:read:list_user_messages" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "valid"),
    [
        (["tools", "--toolsets", "chatt"], "valid toolsets: all, chat, mail"),
        (["tools", "--tools", "chat_sned_message"], "did you mean chat_send_message"),
        (["--toolsets", "nope"], "valid toolsets"),
    ],
)
def test_unknown_selection_names(argv: list[str], valid: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "unknown toolset or tool name" in err and valid in err


def test_non_loopback_bind_needs_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--transport", "http", "--host", "0.0.0.0", "--sandbox"]) == 2
    err = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0" in err and "ZOOM_MCP_HTTP_TOKEN" in err


def test_call_rejects_bad_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["call", "chat_list_channels", "{nope"]) == 2
    assert run(["call", "chat_list_channels", "[1]"]) == 2
    assert "JSON object" in capsys.readouterr().err


def test_call_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["call", "chat_list_channels", '{"page_size": 2}', "--sandbox"]) == 0
    out = capsys.readouterr().out
    assert "next_page_token" in out
    assert run(["call", "chat_list_channels", '{"page_size": 2}', "--sandbox", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["isError"] is False and "next_page_token" in result["content"][0]["text"]
    # One result form by default: the text, without a structuredContent copy.
    assert "structuredContent" not in result


def test_call_error_result_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["call", "chat_get_channel", '{"channel_id": "does-not-exist"}', "--sandbox"]) == 1
    assert capsys.readouterr().out.strip()
    assert run(["call", "chat_no_such_tool", "{}", "--sandbox"]) == 2
    assert "Unknown tool" in capsys.readouterr().err


def test_doctor_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor", "--sandbox"]) == 0
    out = capsys.readouterr().out
    assert "credentials: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET" in out
    assert "token:       obtained" in out
    selected = len(select(ALL_TOOLS, None))
    assert f"tools:       {selected}/{selected} registered (of {len(ALL_TOOLS)}, by the tool selection)" in out


def test_doctor_without_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "credentials: none found" in out and "FAILED" in out


def test_interactive_stdio_prints_one_hint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    served: list[object] = []

    async def serve_stdio(server: object) -> None:
        served.append(server)

    monkeypatch.setattr(transports, "serve_stdio", serve_stdio)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert run(["--sandbox"]) == 0
    out, err = capsys.readouterr()
    assert served and out == ""
    assert [line for line in err.splitlines() if "zoom-mcp call" in line] == [err.strip().splitlines()[0]]


def test_scopes_lists_each_tool_once_per_scope(capsys: pytest.CaptureFixture[str]) -> None:
    # A mail list needs its own scope and its row read's: both are mail:read, listed once.
    assert run(["scopes", "--toolsets", "mail"]) == 0
    for line in capsys.readouterr().out.splitlines():
        names = [name.strip() for name in line.partition("  ")[2].split(",") if name.strip()]
        assert len(names) == len(set(names)), line
