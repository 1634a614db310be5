"""Day-to-day use: log levels, Ctrl-C, closed pipes, typos, table width, the sandbox command, bind errors."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from zoom_mcp.cli import TABLE_WIDTH, run
from zoom_mcp.config import ENVIRONMENT
from zoom_mcp.sandbox import __main__ as sandbox_main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
for _name, _, _ in ENVIRONMENT:
    ENV.pop(_name, None)
pytestmark = pytest.mark.usefixtures("clean_env")


def test_debug_logs_one_line_per_request_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--log-level", "debug", "--sandbox", "call", "chat_list_messages", '{"to_channel": "x", "page_size": 3}']
    run(argv)
    out, err = capsys.readouterr()
    assert "zoom-mcp:" not in out
    lines = [line for line in err.splitlines() if " -> " in line]
    assert lines[0].startswith("zoom-mcp: POST sandbox.zoom-mcp.local/oauth/token -> 200 in ")
    request = next(line for line in lines if "/chat/users/me/messages" in line)
    # Query names, never their values; the status, the time and Zoom's tracking id.
    assert "?page_size&to_channel -> 404 in " in request and " ms (tracking id " in request
    assert "sandbox-secret" not in err and "Bearer" not in err


def test_the_environment_sets_the_log_level(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_MCP_LOG_LEVEL", "DEBUG")
    assert run(["--sandbox", "call", "mail_get_profile"]) == 0
    assert "/emails/mailboxes/me/profile -> 200" in capsys.readouterr().err
    assert run(["--sandbox", "call", "mail_get_profile", "--log-level", "error"]) == 0
    assert capsys.readouterr().err == ""


def test_an_unknown_tool_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["call", "chat_sned_message", "{}", "--sandbox"]) == 2
    assert "did you mean chat_send_message" in capsys.readouterr().err


def test_tools_fits_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tools"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= TABLE_WIDTH
    assert any("mail_get_attachment" in line for line in lines)


def test_the_sandbox_command_offers_the_sandbox_module_options(capsys: pytest.CaptureFixture[str]) -> None:
    module = argparse.ArgumentParser()
    sandbox_main.add_options(module, bind=True)
    wanted = {option for action in module._actions for option in action.option_strings}
    with pytest.raises(SystemExit):
        run(["sandbox", "--help"])
    shown = capsys.readouterr().out
    assert wanted - {"-h", "--help"} and all(option in shown for option in wanted)


def test_the_sandbox_refuses_a_remote_host_unless_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    warning = sandbox_main.remote_warning("0.0.0.0", allow_remote=True)
    assert warning is not None and "control routes" in warning
    assert sandbox_main.remote_warning("127.0.0.1", allow_remote=False) is None


@pytest.mark.parametrize("argv", [["--sandbox", "--transport", "http"], ["sandbox"]], ids=" ".join)
def test_a_taken_port_fails_before_any_serving_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run([*argv, "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert "serving" not in out + err and "sandbox Zoom at" not in out
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in err


def test_a_closed_pipe_is_not_a_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_mcp", "tools", "--json"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert process.returncode == 141


def _message(process: subprocess.Popen[bytes], payload: dict[str, object]) -> dict[str, object]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write((json.dumps(payload) + "\n").encode())
    process.stdin.flush()
    return json.loads(process.stdout.readline())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is a POSIX thing")
def test_ctrl_c_stops_the_stdio_server_at_once() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_mcp", "--sandbox"],
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        hello = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        }
        assert "result" in _message(process, hello)
        # stdin stays open with nothing more to read: the old reader needed an Enter here.
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        process.wait(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate(timeout=10)
    assert b"Traceback" not in err, err


def test_an_allowed_remote_sandbox_serves_and_warns() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = ["sandbox", "--host", "0.0.0.0", "--allow-remote", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_mcp", *argv], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().decode().startswith(f"sandbox Zoom at http://0.0.0.0:{port}")
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/_sandbox/faults", timeout=2)
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert answer.status_code == 200
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert b"control routes" in err.splitlines()[0]
