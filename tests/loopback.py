"""A sandbox served on a loopback port from a thread, and the environment that points zoom-mcp at it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from zoom_mcp.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(sandbox: Sandbox) -> Iterator[str]:
    """Serve ``sandbox`` on 127.0.0.1 at a free port; yields its base URL; always shuts down."""
    server = uvicorn.Server(uvicorn.Config(sandbox.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def user_app_env(sandbox: Sandbox, base_url: str, home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a General (user OAuth) app against the served sandbox, with its own home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "XDG_CONFIG"))}
    env.update(sandbox.settings_env(base_url=base_url))
    del env["ZOOM_ACCOUNT_ID"]  # a user-level app: no account credentials
    env.update(HOME=str(home), PYTHONPATH=str(ROOT), **extra)
    return env


def zoom_mcp(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zoom_mcp", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
