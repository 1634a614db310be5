"""Section 5: process start to first tools/list answer over stdio, and import time beyond the SDK.

Both servers are driven the same way a desktop client does it: spawn, send initialize,
initialized and tools/list at once, stop the clock on the tools/list answer. Runs are
interleaved (alternating which goes first) so drift in machine load hits both equally.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import selectors
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.common import COLD_START_RATIO, PYTHON, ROOT, Figure, Unavailable, median, ratio
from tests.bench.procs import child_env, last_lines, spawned, tail

SECTION = "cold start"
BARE_SERVER = ROOT / "tests" / "bench" / "bare_server.py"
ZOOM_MCP = [PYTHON, "-m", "zoom_mcp", "--sandbox"]
BARE = [PYTHON, str(BARE_SERVER)]

_HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]
REQUESTS = b"".join(json.dumps(m).encode() + b"\n" for m in _HANDSHAKE)


@dataclass
class Start:
    wall: float  # seconds from spawn to the tools/list answer
    cpu: float  # CPU seconds the child had used by then: barely moved by other load on the machine
    tools: list[dict[str, Any]]  # the tools/list answer as it came over the wire


def _cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def first_tools_list(cmd: list[str], timeout: float) -> Start:
    """Spawn ``cmd``, send initialize + tools/list, and time the answer."""
    with tempfile.TemporaryDirectory() as tmp:
        errlog = Path(tmp) / "stderr"
        t0 = time.perf_counter()
        with spawned(cmd, stderr=errlog) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            # Written before the child reads anything: the pipe buffers it, as a client's would.
            proc.stdin.write(REQUESTS)
            proc.stdin.flush()
            fd = proc.stdout.fileno()
            buffer = b""
            with selectors.DefaultSelector() as sel:
                sel.register(fd, selectors.EVENT_READ)
                while True:
                    left = timeout - (time.perf_counter() - t0)
                    if left <= 0:
                        raise TimeoutError(f"{' '.join(cmd[1:])}: no tools/list answer in {timeout:.0f} s")
                    if not sel.select(left):
                        continue
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise RuntimeError(f"{' '.join(cmd[1:])} exited early: {tail(errlog)}")
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        message = json.loads(line)
                        if message.get("id") != 2:
                            continue
                        elapsed = time.perf_counter() - t0
                        cpu = _cpu_seconds(proc.pid)
                        if "error" in message:
                            raise RuntimeError(f"tools/list failed: {message['error']}")
                        return Start(elapsed, cpu, message["result"]["tools"])


# One process times the SDK import, then what the project adds on top of it: the increment is
# measured in the same process, so it is not drowned by process-to-process variance.
IMPORT_PROBE = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import mcp.server
t1, c1 = time.perf_counter(), time.process_time()
{imports}
t2, c2 = time.perf_counter(), time.process_time()
print(t1 - t0, t2 - t1, c1 - c0, c2 - c1)
"""


def import_seconds(modules: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds to import the SDK and then ``modules``, and the same in CPU seconds."""
    probe = IMPORT_PROBE.format(imports="\n".join(f"import {m}" for m in modules))
    out = subprocess.run([PYTHON, "-c", probe], cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"import {', '.join(modules)} failed: {last_lines(out.stderr)}")
    sdk, ours, sdk_cpu, ours_cpu = (float(x) for x in out.stdout.split())
    return sdk, ours, sdk_cpu, ours_cpu


_IMPORTTIME = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def heaviest_imports_beyond_sdk(modules: list[str], top: int = 6) -> list[tuple[str, float]]:
    """Modules loaded beyond what ``mcp.server`` loads, by self time (ms), from -X importtime."""
    out = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", "; ".join(f"import {m}" for m in ["mcp.server", *modules])],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = out.stderr.splitlines()
    # Everything after the top-level mcp.server entry was imported by the project's module.
    start = next(i for i, line in enumerate(lines) if re.search(r"\|\s?mcp\.server$", line) or line.endswith("| mcp"))
    rows = [m for line in lines[start + 1 :] if (m := _IMPORTTIME.search(line))]
    by_self = sorted(((m.group(4), int(m.group(1)) / 1000) for m in rows), key=lambda r: -r[1])
    return [(name, round(ms, 1)) for name, ms in by_self[:top]]


# What a client's server uses, and what ``python -m zoom_mcp --sandbox`` loads on top (CLI, sandbox).
SERVER_MODULES = ["zoom_mcp.serving.server", "zoom_mcp.engine.executor"]
# The sandbox package exports ``Sandbox`` on first use: its core is what a --sandbox run loads.
SANDBOX_PATH_MODULES = [*SERVER_MODULES, "zoom_mcp.cli", "zoom_mcp.serving.transports", "zoom_mcp.sandbox.core"]


def _import_figure(label: str, modules: list[str], runs: int) -> Figure:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise Unavailable(f"{', '.join(missing)} not written yet")
    import_seconds(modules)  # untimed: fills the bytecode cache
    samples = [import_seconds(modules) for _ in range(runs)]
    sdk = median([s[0] for s in samples]) * 1000
    extra = median([s[1] for s in samples]) * 1000
    extra_cpu = median([s[3] for s in samples]) * 1000
    heavy = heaviest_imports_beyond_sdk(modules)
    return Figure(
        SECTION,
        f"import time beyond the SDK: {label}",
        round(extra, 1),
        "ms",
        baseline=round(sdk, 1),
        baseline_label="import mcp.server",
        ratio=ratio(extra, sdk),
        note=f"median of {runs}, same process; CPU {extra_cpu:.0f} ms; heaviest: "
        + ", ".join(f"{n} {ms} ms" for n, ms in heavy[:4]),
        extra={"heaviest_self_ms": heavy, "samples_s": samples},
    )


# What ``--sandbox`` does before it can answer, phase by phase, in a fresh process.
PHASES_PROBE = """
import time
t0 = time.perf_counter()
import mcp.server
t1 = time.perf_counter()
import httpx2
import zoom_mcp.cli, zoom_mcp.serving.transports
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.serving.server import ZoomServer
t2 = time.perf_counter()
box = Sandbox()
t3 = time.perf_counter()
settings = Settings.from_env(box.settings_env())
server = ZoomServer(Executor(settings, transport=httpx2.ASGITransport(app=box.app)), settings)
t4 = time.perf_counter()
print(t2 - t1, t3 - t2, t4 - t3)
"""
PHASES = ("project imports", "Sandbox()", "Executor + ZoomServer()")


def phases_figure(runs: int) -> Figure:
    samples: list[list[float]] = []
    for _ in range(runs):
        out = subprocess.run(
            [PYTHON, "-c", PHASES_PROBE], cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60
        )
        if out.returncode != 0:
            raise RuntimeError(f"start-up phases probe failed: {last_lines(out.stderr)}")
        samples.append([float(x) * 1000 for x in out.stdout.split()])
    medians = [median([s[i] for s in samples]) for i in range(len(PHASES))]
    return Figure(
        SECTION,
        "  start-up work beyond the SDK import (--sandbox)",
        round(sum(medians)),
        "ms",
        note="; ".join(f"{name} {ms:.0f} ms" for name, ms in zip(PHASES, medians, strict=True)),
        extra={"phases_ms": dict(zip(PHASES, medians, strict=True))},
    )


def import_figures(runs: int) -> list[Figure]:
    return [
        _import_figure("zoom_mcp.serving.server + engine.executor", SERVER_MODULES, runs),
        _import_figure("+ cli, transports, sandbox (--sandbox path)", SANDBOX_PATH_MODULES, runs),
    ]


def stdio_figures(runs: int, deadline: float) -> list[Figure]:
    if importlib.util.find_spec("zoom_mcp.cli") is None:
        raise Unavailable("zoom_mcp.cli not written yet")
    if not BARE_SERVER.exists():
        raise Unavailable("tests/bench/bare_server.py missing")
    timeout = 20.0
    # One untimed start each: bytecode caches and the page cache are warm for both.
    first_tools_list(ZOOM_MCP, timeout)
    first_tools_list(BARE, timeout)
    ours: list[Start] = []
    bare: list[Start] = []
    for i in range(runs):
        if ours and time.monotonic() > deadline - 2 * timeout:
            break
        order = [(ZOOM_MCP, ours), (BARE, bare)]
        for cmd, sink in order if i % 2 == 0 else reversed(order):
            sink.append(first_tools_list(cmd, timeout))
    wall, bare_wall = median([s.wall for s in ours]) * 1000, median([s.wall for s in bare]) * 1000
    cpu, bare_cpu = median([s.cpu for s in ours]) * 1000, median([s.cpu for s in bare]) * 1000
    r = ratio(wall, bare_wall)
    return [
        Figure(
            SECTION,
            f"stdio start -> first tools/list, zoom-mcp --sandbox ({len(ours[-1].tools)} tools)",
            round(wall),
            "ms",
            baseline=round(bare_wall),
            baseline_label="bare SDK server, 1 tool",
            ratio=r,
            flag=f"> {COLD_START_RATIO}x bare server" if r is not None and r > COLD_START_RATIO else "",
            note=f"median of {len(ours)}, interleaved",
            extra={
                "zoom_mcp": [{"wall": s.wall, "cpu": s.cpu} for s in ours],
                "bare": [{"wall": s.wall, "cpu": s.cpu} for s in bare],
            },
        ),
        Figure(
            SECTION,
            "  same, CPU time of the server process",
            round(cpu),
            "ms",
            baseline=round(bare_cpu),
            baseline_label="bare SDK server",
            ratio=ratio(cpu, bare_cpu),
            note="user + system CPU until the answer; steadier than wall time on a busy machine",
        ),
    ]


def run(quick: bool, deadline: float) -> list[Figure]:
    runs = 3 if quick else 9
    starts = 5 if quick else 11  # at least five side by side even in a smoke run
    figures: list[Figure] = []
    # Each part fails on its own: import time needs only the server module, not a working CLI.
    for label, part in (
        ("import time beyond the SDK", lambda: import_figures(runs)),
        ("stdio cold start", lambda: stdio_figures(starts, deadline)),
        ("start-up phases", lambda: [phases_figure(3)]),
    ):
        try:
            figures += part()
        except Unavailable as exc:
            figures.append(Figure(SECTION, label, None, note=f"n/a ({exc})"))
        except (RuntimeError, TimeoutError, OSError, ValueError) as exc:
            figures.append(Figure(SECTION, label, None, note=f"n/a (error: {exc})"))
    return figures
