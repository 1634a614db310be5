"""A sandbox served on a loopback port from a thread, and the environment that points zoom-mcp at it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.local_servers import served_sandbox
from zoom_mcp.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(sandbox: Sandbox) -> Iterator[str]:
    """Serve ``sandbox`` on 127.0.0.1 at a free port; yields its base URL; always shuts down."""
    with served_sandbox(sandbox) as port:
        yield f"http://127.0.0.1:{port}"


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
