"""The README's "Deploy for a team": its settings are real, its commands parse, and its local
rehearsal (the sandbox on a port, a remote-mode server in front) signs a user in and calls a tool."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from tests.remote_parts import SignedInClient, as_user, free_port
from zoom_mcp.cli import build_parser
from zoom_mcp.config import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Deploy for a team") :].split("\n## ", 1)[0]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.anyio


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", SECTION, re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def test_the_settings_are_real_and_the_commands_parse() -> None:
    names = {name for name, _, _ in ENVIRONMENT}
    (env_file,) = blocks("ini")
    assert {line.split("=", 1)[0] for line in commands(env_file)} <= names
    table = set(re.findall(r"`(ZOOM_[A-Z_]+)`", SECTION))
    assert table <= names and {"ZOOM_MCP_SECRET_KEY", "ZOOM_MCP_ALLOWED_ACCOUNTS", "ZOOM_MCP_DATABASE_URL"} <= table
    for block in blocks("bash"):
        for command in commands(block):
            words = shlex.split(command.rstrip("& "))
            if "zoom-mcp" in words:
                build_parser().parse_args(words[words.index("zoom-mcp") + 1 :])
    assert "claude mcp add --transport http zoom https://zoom-mcp.example.com/mcp" in SECTION


@contextmanager
def started(command: str, port: int) -> Iterator[None]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", HOME=os.environ.get("HOME", "/tmp"))
    process = subprocess.Popen(
        ["bash", "-c", command], env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError(f"{command} exited: {process.stderr.read() if process.stderr else ''}")
            try:
                httpx2.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(10)


async def test_the_local_rehearsal_signs_in_and_calls_a_tool(tmp_path: Path) -> None:
    block = next(b for b in blocks("bash") if "zoom-mcp sandbox --port 9000" in b)
    sandbox_port, server_port = free_port(), free_port()
    sandbox_start, server_start = (
        c.rstrip("& ").replace("9000", str(sandbox_port)).replace("8000", str(server_port)) for c in commands(block)
    )
    server_start += f" --port {server_port}"
    # Its database goes where the home directory says; here, the test's folder.
    server_start = f"HOME={tmp_path} {server_start}"
    sandbox_url, public = f"http://127.0.0.1:{sandbox_port}", f"http://127.0.0.1:{server_port}"
    with started(sandbox_start, sandbox_port), started(server_start, server_port):
        as_user(sandbox_url, "emi.tanaka@northwind.example")
        signed = SignedInClient(public)
        async with signed.http_client() as http, Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c:
            assert len((await c.list_tools()).tools) > 70
            profile = await c.call_tool("mail_get_profile", {})
        assert "emi.tanaka@northwind.example" in profile.content[0].text  # type: ignore[union-attr]
    assert (tmp_path / ".local/share/zoom-mcp/remote.db").exists()
