"""Every command in README.md is exercised: run here against the sandbox, run by CI, or checked for what it can be.

Each command of a ``bash`` block must match one rule below; a command no rule knows fails the test, so
a new README command comes with a way to exercise it. Commands run verbatim, except that the
sandbox's and the HTTP server's ports become free ones and a placeholder Zoom app ("your-client-id")
is a sandbox with those credentials.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from zoom_mcp.cli import build_parser
from zoom_mcp.config import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
SETTINGS = {name for name, _, _ in ENVIRONMENT}
# Read by the HTTP stack and the standard library rather than declared settings.
NETWORK_ENV = {"HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"}
PLACEHOLDER_APP = {
    "client_id": "your-client-id",
    "client_secret": "your-client-secret",
    "account_id": "your-account-id",
}

pytestmark = pytest.mark.timeout(120)


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    out = []
    for line in joined.splitlines():
        line = re.sub(r"\s{2,}#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[str], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode}: {process.stderr.read() if process.stderr else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def shell_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "XDG_CONFIG"))}
    env.update(HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", **extra)
    return env


def local(command: str) -> str:
    """The README's `.venv/bin/...` is this interpreter's virtualenv."""
    return command.replace(".venv/bin/", f"{BIN}/")


def bash(script: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@contextmanager
def background(command: str, port: int, env: dict[str, str]) -> Iterator[None]:
    """Start a README command that serves (ends in `&` or never ends), wait for its port, stop it."""
    argv = shlex.split(local(command.rstrip("& ")))
    argv[0] = str(BIN / argv[0]) if (BIN / argv[0]).exists() else argv[0]
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(port, process)
        yield
    finally:
        process.terminate()
        process.wait(10)


def parses(argv: list[str]) -> None:
    """The zoom-mcp command line is valid for this CLI (flags, subcommands)."""
    build_parser().parse_args(argv)


def zoom_mcp_args(command: str) -> list[str]:
    words = shlex.split(command)
    return words[words.index("zoom-mcp") + 1 :] if "zoom-mcp" in words else []


# ---- the rules --------------------------------------------------------------------------------

CI_LINES = [line.strip() for line in CI.splitlines()]


def test_quick_start_commands_are_what_ci_runs() -> None:
    quick = commands(blocks("bash")[0])
    assert len(quick) == 2
    # CI feeds the stdio server an empty input so it ends; otherwise the lines are the same.
    assert f"{quick[0]} < /dev/null" in CI_LINES
    assert quick[1] in CI_LINES


def test_offline_zoom_mcp_commands_run_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    """In-process (the same code path as the script, without a process start per command)."""
    from zoom_mcp.cli import run

    ran = 0
    for block in blocks("bash"):
        for command in commands(block):
            words = shlex.split(command)
            offline = words[0].endswith("zoom-mcp") and (
                "--sandbox" in words[1:2] + words[-1:] or words[1:2] in (["scopes"], ["tools"])
            )
            if not offline or "--transport" in words or words[1:] == ["--sandbox"]:
                continue
            capsys.readouterr()
            assert run(words[1:]) == 0, f"{command}: {capsys.readouterr().err}"
            assert capsys.readouterr().out.strip(), command
            ran += 1
    assert ran >= 6


def test_the_sandbox_section_runs_on_a_port(tmp_path: Path) -> None:
    sandbox_blocks = [
        b
        for b in blocks("bash")
        if ("zoom-mcp sandbox --port 9000" in b or "localhost:9000" in b)
        and " login" not in b
        # The team deployment's rehearsal runs in tests/test_remote_readme.py.
        and "--auth oauth" not in b
    ]
    port = free_port()
    env = shell_env(tmp_path)
    script = [c.replace("9000", str(port)) for b in sandbox_blocks for c in commands(b)]
    starts = [c for c in script if c.startswith("zoom-mcp sandbox")]
    calls = [c for c in script if not c.startswith("zoom-mcp sandbox")]
    assert starts and len(calls) >= 7
    with background(starts[0], port, env):
        done = bash("\n".join(calls), env)
    assert done.returncode == 0, done.stderr
    assert '"channels"' in done.stdout and '"auto_approve":true' in done.stdout


def test_the_login_rehearsal_signs_in_through_a_browser_command(tmp_path: Path) -> None:
    block = next(b for b in blocks("bash") if "ZOOM_CLIENT_ID=sandbox-client" in b)
    port = free_port()
    start, login = (c.replace("9000", str(port)) for c in commands(block))
    # The "browser" webbrowser opens: it follows the redirects, like a user clicking Allow.
    env = shell_env(tmp_path, BROWSER="curl -sfL -o /dev/null %s")
    with background(start, port, env):
        httpx2.post(f"http://127.0.0.1:{port}/_sandbox/oauth", json={"auto_approve": True})
        done = bash(login, env)
        logout = bash(login.replace(" login", " logout"), env)
    assert done.returncode == 0, done.stderr
    assert "Signed in" in done.stdout and "Tokens saved to" in done.stdout
    assert logout.returncode == 0 and "Signed out" in logout.stdout


@contextmanager
def placeholder_zoom(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A sandbox that answers for the README's placeholder app, and the variables pointing there."""
    from tests.loopback import served
    from zoom_mcp.sandbox import Sandbox

    sandbox = Sandbox(**PLACEHOLDER_APP, auto_approve=True)
    with served(sandbox) as base:
        env = sandbox.settings_env(base_url=base)
        for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
            del env[name]  # the README's command sets them
        yield shell_env(tmp_path, BROWSER="curl -sfL -o /dev/null %s", **env)


def test_commands_for_your_zoom_app_run_against_a_stand_in(tmp_path: Path) -> None:
    ran = []
    with placeholder_zoom(tmp_path) as env:
        for block in blocks("bash"):
            for command in commands(block):
                if "ZOOM_CLIENT_ID=your-client-id" not in command or command.startswith("claude"):
                    continue
                done = bash(command, env)
                assert "Traceback" not in done.stderr, done.stderr
                ran.append((command.split()[-1], done))
    kinds = [kind for kind, _ in ran]
    assert kinds == ["doctor", "login", "login"]
    doctor, login, second = (done for _, done in ran)
    assert "credentials:" in doctor.stdout and "token:" in doctor.stdout
    assert login.returncode == 0 and "Signed in as" in login.stdout
    # The second account's login is refused: the stand-in signs in its owner, not second@example.com.
    assert second.returncode == 1 and "but ZOOM_MCP_DEFAULT_USER is second@example.com" in second.stderr


def test_serving_commands_start_serving(tmp_path: Path) -> None:
    ran = 0
    for block in blocks("bash"):
        for command in commands(block):
            words = shlex.split(command)
            if words[0] != "zoom-mcp" or ("--transport" not in words and words[1:] != []):
                continue
            if "--auth" in words:  # remote mode: tests/test_remote_readme.py
                continue
            port = free_port()
            command = re.sub(r"--port \d+", f"--port {port}", command)
            if "--transport" in words and "--port" not in words:
                command += f" --port {port}"
            env = shell_env(tmp_path, ZOOM_MCP_SANDBOX="1")
            if "--transport" in words:
                with background(command, port, env):
                    ran += 1
            else:  # stdio: ends with its input
                done = subprocess.run(shlex.split(local(command)), env=env, stdin=subprocess.DEVNULL, timeout=60)
                assert done.returncode == 0
                ran += 1
    assert ran == 4


# Commands that need what a test cannot have; their zoom-mcp part is still checked for validity.
EXTERNAL = {
    "claude mcp add": "needs Claude Code",
    "uvx --from git+": "needs the published repository",
    "pipx run --spec git+": "needs the published repository",
}


def test_every_readme_command_is_covered_by_a_rule() -> None:
    uncovered = []
    for block in blocks("bash"):
        for command in commands(block):
            words = shlex.split(command)
            external = next((prefix for prefix in EXTERNAL if command.startswith(prefix)), None)
            if external is not None:
                args = zoom_mcp_args(command)
                if command.startswith("claude mcp add") and "-e" in words:
                    names = {words[i + 1].split("=")[0] for i, w in enumerate(words) if w == "-e"}
                    assert names <= SETTINGS, command
                if args:
                    parses(args)
                continue
            known = (
                command in CI_LINES
                or f"{command} < /dev/null" in CI_LINES
                or command.startswith(("zoom-mcp", ".venv/bin/zoom-mcp", "curl", "TOKEN="))
                or "ZOOM_CLIENT_ID=" in command
                or command == "realpath .venv/bin/zoom-mcp"
            )
            if not known:
                uncovered.append(command)
    assert uncovered == []


def test_realpath_names_the_script_clients_start() -> None:
    done = subprocess.run(["realpath", local(".venv/bin/zoom-mcp")], capture_output=True, text=True, check=True)
    assert os.access(done.stdout.strip(), os.X_OK)


def test_every_zoom_mcp_command_in_the_text_parses() -> None:
    inline = re.findall(r"`(zoom-mcp [^`]+)`", README)
    assert len(inline) >= 10
    for command in inline:
        parses(shlex.split(command)[1:])


def test_client_configs_are_valid_json_with_real_flags_and_settings() -> None:
    checked = 0
    for block in blocks("json"):
        config = json.loads(block)
        servers = config.get("mcpServers") or config.get("servers") or {}
        if "env" in config:  # a fragment: the env block of a server entry
            servers = {"fragment": config}
        for entry in servers.values():
            if "command" in entry:
                parses(entry.get("args", []))
            assert set(entry.get("env", {})) <= SETTINGS | NETWORK_ENV, entry
            checked += 1
    assert checked >= 9


def test_the_python_example_runs() -> None:
    (example,) = blocks("python")
    exec(compile(example, "README.md", "exec"), {})
