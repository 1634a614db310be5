"""End to end over stdio: ``python -m zoom_mcp --sandbox`` as a subprocess, driven by the SDK client."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import mcp.types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from zoom_mcp.catalog.registry import select
from zoom_mcp.serving.server import CANCELLED
from zoom_mcp.tools import ALL_TOOLS

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
ROOT = Path(__file__).resolve().parent.parent


def server_params(*args: str) -> StdioServerParameters:
    # The SDK passes the child only an allow-listed environment (no ZOOM_* variables); the
    # sandbox brings its own credentials, so only the interpreter's search path is added.
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    return StdioServerParameters(command=sys.executable, args=["-m", "zoom_mcp", "--sandbox", *args], env=env, cwd=ROOT)


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stdio_session(mode: str, tmp_path: Path) -> None:
    answers = iter([False, True])

    async def confirm(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        return types.ElicitResult(action="accept", content={"confirm": next(answers)})

    errlog = tmp_path / "stderr.txt"
    with errlog.open("w") as err, anyio.fail_after(45):
        # The session reads ids from structuredContent, as a programmatic client would.
        transport = stdio_client(server_params("--structured-content"), errlog=err)
        async with Client(transport, mode=mode, read_timeout_seconds=20, elicitation_callback=confirm) as c:
            assert c.protocol_version == ("2026-07-28" if mode == "auto" else "2025-11-25")
            tools = (await c.list_tools()).tools
            assert len(tools) == len(select(ALL_TOOLS, None))

            channels = await c.call_tool("chat_list_channels", {})
            assert not channels.is_error and channels.structured_content is not None
            general = next(ch["id"] for ch in channels.structured_content["channels"] if ch["name"] == "general")
            sent = await c.call_tool("chat_send_message", {"to_channel": general, "message": f"over stdio {mode}"})
            assert not sent.is_error and sent.structured_content is not None
            message_id = sent.structured_content["id"]
            listed = await c.call_tool("chat_list_messages", {"to_channel": general})
            assert f"over stdio {mode}" in text(listed)

            ref = {"message_id": message_id, "to_channel": general}
            refused = await c.call_tool("chat_delete_message", ref)
            assert text(refused) == CANCELLED and not refused.is_error
            assert not (await c.call_tool("chat_get_message", ref)).is_error
            accepted = await c.call_tool("chat_delete_message", ref)
            assert not accepted.is_error
            assert (await c.call_tool("chat_get_message", ref)).is_error

            prompt = await c.get_prompt("summarize_channel", {"channel": "general", "since": "2026-11-01"})
            assert "chat_list_messages" in prompt.messages[0].content.text  # type: ignore[union-attr]
    # Logs go to stderr (stdout carries only the protocol, or the session above would have broken).
    assert f"registered {len(select(ALL_TOOLS, None))} of {len(ALL_TOOLS)} tools" in errlog.read_text()
