"""Subprocess helpers: loopback ports, bounded waits and cleanup that never leaves a server behind."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.bench.common import ROOT

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


# Children start the way an installed server does, from cached bytecode. The cache lives here, not in
# __pycache__ folders across the tree, and an inherited PYTHONDONTWRITEBYTECODE would make every
# start compile the project from source.
PYCACHE = ROOT / "tests" / "bench" / "results" / "pycache"


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The bench's environment without Zoom credentials, so a server only ever sees the sandbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra or {})
    return env


def stop(proc: subprocess.Popen[bytes], grace: float = 3.0) -> None:
    """Terminate, then kill after a grace period; always reaps the child."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(grace)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def spawned(
    args: list[str], *, env: dict[str, str] | None = None, stderr: Path | None = None, stdout: int = subprocess.PIPE
) -> Iterator[subprocess.Popen[bytes]]:
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=child_env(env),
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=err,
    )
    try:
        yield proc
    finally:
        stop(proc)
        if stderr:
            err.close()  # type: ignore[union-attr]


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """One line of the child's stdout, or TimeoutError: a silent child must not hang the bench."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buffer = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no output from {proc.args!r} within {timeout:.0f} s")
            if sel.select(left):
                # One byte at a time: nothing past the line is consumed, so later reads see it.
                chunk = os.read(fd, 1)
                if not chunk:
                    raise RuntimeError(f"{proc.args!r} exited with code {proc.wait()}")
                buffer += chunk
    return buffer


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before listening")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"server did not listen on {LOOPBACK}:{port} within {timeout:.0f} s")


def last_lines(text: str, count: int = 2) -> str:
    """The end of a child's stderr: with a traceback, the exception line is what explains it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-count:])


def tail(path: Path, count: int = 2) -> str:
    try:
        return last_lines(path.read_text(errors="replace"), count)
    except OSError:
        return ""
