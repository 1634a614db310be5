"""Section 6: throughput, latency and memory with concurrent clients over Streamable HTTP.

The server runs as a subprocess on loopback and N SDK clients call a fixed mix of read tools
for a fixed time. Three runs: ``--sandbox`` (sandbox inside the server process); the server
against a sandbox in its own process (tests/bench/sandbox_proc.py); and that again with the
sandbox's per-label rate limits on, where the server must pace itself (retry 429 QPS) rather
than fail calls. The separate sandbox reports how many 429s it served.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench import tasks
from tests.bench.common import PYTHON, Figure, Unavailable, median, percentile, ratio
from tests.bench.procs import LOOPBACK, free_port, read_line, spawned, tail, wait_for_port
from tests.bench.stack import stack

SECTION = "load"
CLIENTS = 8


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    per_tool: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # the first few messages
    failed: int = 0
    seconds: float = 0.0
    peak_rss: int = 0
    idle_rss: int = 0
    statuses: dict[str, int] | None = None

    def fail(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < 20:
            self.errors.append(message[:300])

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class RssSampler(threading.Thread):
    """Peak resident memory of the server process and its children, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.halt = threading.Event()

    def rss(self) -> int:
        import psutil

        total = 0
        try:
            for p in [self.proc, *self.proc.children(recursive=True)]:
                total += p.memory_info().rss
        except psutil.Error:
            pass
        return total

    def run(self) -> None:
        while not self.halt.wait(0.05):
            self.peak = max(self.peak, self.rss())


async def _workload(probe: Any) -> list[tuple[str, dict[str, Any]]]:
    """A fixed mix of what an agent reads: channels, history, members, labels, inbox, one long mail."""
    # The seed is deterministic: the ids are found on an in-process sandbox (results carry no
    # structuredContent by default, so the served text is not parsed for them).
    async with stack(record=False) as s:
        channel = {"id": await tasks.big_channel_id(s)}
        mail = {"id": await tasks.long_html_message_id(s)}
    return [
        ("chat_list_channels", {}),
        ("chat_list_messages", {"to_channel": channel["id"], "page_size": 10}),
        ("chat_list_channel_members", {"channel_id": channel["id"]}),
        ("mail_list_labels", {}),
        ("mail_list_messages", {"label_ids": ["INBOX"], "page_size": 5}),
        ("mail_get_message", {"message_id": mail["id"]}),
    ]


async def _statuses(url: str | None) -> Counter[str]:
    if url is None:
        return Counter()
    import httpx2

    async with httpx2.AsyncClient(trust_env=False, timeout=10) as http:
        return Counter((await http.get(url)).json())


async def _drive(url: str, seconds: float, out: Outcome, statuses_url: str | None) -> None:
    from mcp import Client

    async with Client(url, read_timeout_seconds=60) as probe:
        calls = await _workload(probe)
    # Only the timed window counts: finding the ids above also made requests (and got the token).
    before = await _statuses(statuses_url)
    stop_at = time.perf_counter() + seconds

    async def client(index: int) -> None:
        async with Client(url, read_timeout_seconds=60) as c:
            i = index
            while time.perf_counter() < stop_at:
                name, args = calls[i % len(calls)]
                i += 1
                t0 = time.perf_counter()
                try:
                    result = await c.call_tool(name, args)
                except Exception as exc:
                    out.fail(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                if result.is_error:
                    out.fail(f"{name}: {result.content[0].text if result.content else ''}")
                else:
                    elapsed = time.perf_counter() - t0
                    out.latencies.append(elapsed)
                    out.per_tool.setdefault(name, []).append(elapsed)

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    out.seconds = time.perf_counter() - t0
    if statuses_url is not None:
        out.statuses = dict(await _statuses(statuses_url) - before)


def _sandbox_process(stack: ExitStack, rate_limits: bool) -> tuple[dict[str, str], str]:
    """A sandbox in its own process: the environment pointing at it, and its status-count URL."""
    port = free_port()
    args = [PYTHON, "-m", "tests.bench.sandbox_proc", "--port", str(port)] + (["--rate-limits"] if rate_limits else [])
    proc = stack.enter_context(spawned(args, stderr=None))
    env = json.loads(read_line(proc, timeout=30))["env"]
    wait_for_port(port, proc, timeout=30)
    return env, f"http://{LOOPBACK}:{port}/_bench/statuses"


def one_run(seconds: float, *, external: bool, rate_limits: bool = False) -> Outcome:
    out = Outcome()
    port = free_port()
    args = [PYTHON, "-m", "zoom_mcp", "--transport", "http", "--host", LOOPBACK, "--port", str(port)]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        env: dict[str, str] = {}
        statuses_url = None
        if external:
            env, statuses_url = _sandbox_process(stack, rate_limits)
        else:
            args.append("--sandbox")
        errlog = Path(tmp) / "stderr"
        with spawned(args, env=env, stderr=errlog, stdout=subprocess.DEVNULL) as proc:
            try:
                wait_for_port(port, proc, timeout=30)
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}: {tail(errlog)}") from exc
            sampler = RssSampler(proc.pid)
            out.idle_rss = sampler.rss()
            sampler.start()
            try:
                url = f"http://{LOOPBACK}:{port}/mcp"
                asyncio.run(asyncio.wait_for(_drive(url, seconds, out, statuses_url), seconds + 60))
            finally:
                sampler.halt.set()
                sampler.join()
            out.peak_rss = max(sampler.peak, out.idle_rss)
    return out


def _medium_quota() -> int:
    """Requests per second the sandbox allows for the "medium" label every tool in the mix has."""
    try:
        from zoom_mcp.sandbox.faults import PRO_QUOTAS
    except ImportError:
        return 20
    return PRO_QUOTAS["medium"]


def _figures(label: str, o: Outcome, baseline: Outcome | None, baseline_label: str) -> list[Figure]:
    calls = len(o.latencies)
    figs = [
        Figure(
            SECTION,
            f"{label}: calls/s, {CLIENTS} clients",
            round(o.rate, 1),
            "calls/s",
            baseline=round(baseline.rate, 1) if baseline else None,
            baseline_label=baseline_label,
            ratio=ratio(o.rate, baseline.rate) if baseline else None,
            note=f"{calls} calls in {o.seconds:.1f} s",
            extra={"p50_ms_per_tool": {k: round(median(v) * 1000, 1) for k, v in sorted(o.per_tool.items())}},
        )
    ]
    if calls:
        p50 = median(o.latencies) * 1000
        base_p50 = median(baseline.latencies) * 1000 if baseline and baseline.latencies else None
        figs.append(
            Figure(
                SECTION,
                "  latency p50 (p99 in note)",
                round(p50, 1),
                "ms",
                baseline=round(base_p50, 1) if base_p50 else None,
                baseline_label=baseline_label,
                ratio=ratio(p50, base_p50),
                note=f"p99 {percentile(o.latencies, 99) * 1000:,.1f} ms",
            )
        )
    figs.append(
        Figure(
            SECTION,
            "  failed calls",
            o.failed,
            flag=f"{o.failed} calls failed under load" if o.failed else "",
            note=("first: " + o.errors[0]) if o.errors else "",
            extra={"errors": o.errors},
        )
    )
    figs.append(
        Figure(
            SECTION,
            "  peak server RSS",
            round(o.peak_rss / 2**20, 1),
            "MiB",
            baseline=round(o.idle_rss / 2**20, 1),
            baseline_label="idle",
            ratio=ratio(o.peak_rss, o.idle_rss),
        )
    )
    if o.statuses is not None:
        served = sum(o.statuses.values())
        figs.append(
            Figure(
                SECTION,
                "  429s the sandbox served",
                o.statuses.get("429", 0),
                baseline=served,
                baseline_label="Zoom requests",
                ratio=ratio(o.statuses.get("429", 0), served),
                extra={"statuses": o.statuses},
            )
        )
    if o.statuses is not None and baseline is not None:
        # How close pacing gets to the quota: answered (non-429) requests per second vs the limit.
        answered = sum(n for status, n in o.statuses.items() if status != "429") / o.seconds
        quota = _medium_quota()
        figs.append(
            Figure(
                SECTION,
                "  Zoom requests answered per second",
                round(answered, 1),
                "req/s",
                baseline=quota,
                baseline_label="medium-label quota",
                ratio=ratio(answered, quota),
            )
        )
    return figs


def _shout(label: str, o: Outcome) -> None:
    if o.failed:
        print(f"!! LOAD ({label}): {o.failed} failed calls; first: {o.errors[0]}", flush=True)


def run(quick: bool, deadline: float) -> list[Figure]:
    if importlib.util.find_spec("zoom_mcp.cli") is None:
        raise Unavailable("zoom_mcp.cli not written yet")
    seconds = 4.0 if quick else 15.0
    figures: list[Figure] = []
    runs = [
        ("--sandbox (in-process sandbox)", False, False),
        ("sandbox in its own process", True, False),
        ("same, rate limits on", True, True),
    ]
    outcomes: list[Outcome] = []
    for label, external, limits in runs:
        if time.monotonic() + seconds + 30 > deadline:
            figures.append(Figure(SECTION, label, None, note="n/a (section time bound reached)"))
            continue
        o = one_run(seconds, external=external, rate_limits=limits)
        _shout(label, o)
        baseline = outcomes[1] if limits and len(outcomes) > 1 else None
        figures += _figures(label, o, baseline, "rate limits off" if baseline else "")
        outcomes.append(o)
    return figures
