"""Section 4: what the MCP layer adds to one call, in process.

The same sandbox endpoint is hit two ways through the same kind of ASGI transport: a tools/call
through the SDK client (mode auto) -> server -> executor, and a direct httpx2 request. Both run
interleaved after a warm-up, so the difference is the per-call overhead of client, protocol,
validation, executor and shaping. Two calls: a small result (the fixed cost) and a 10-message
channel history (fixed cost plus shaping a real payload).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench import tasks
from tests.bench.common import OVERHEAD_MS_PER_CALL, Figure, median, percentile, ratio
from tests.bench.stack import Stack, stack

SECTION = "call overhead"
PROFILE_FILE = Path(__file__).parent / "results" / "overhead_profile.txt"


async def _members(s: Stack) -> dict[str, Any]:
    return {"channel_id": await tasks.big_channel_id(s), "page_size": 10}


async def _history(s: Stack) -> dict[str, Any]:
    return {"to_channel": await tasks.big_channel_id(s), "page_size": 10}


CASES: list[tuple[str, str, Callable[[Stack], Awaitable[dict[str, Any]]]]] = [
    ("small result", "chat_list_channel_members", _members),
    ("10-message history", "chat_list_messages", _history),
]


async def _direct_request(s: Stack, tool: str, args: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """The request the tool makes, taken from one recorded call, to replay it directly."""
    outcome = await s.call(tool, args)
    if outcome.is_error or len(outcome.exchanges) != 1:
        raise RuntimeError(f"{tool} made {len(outcome.exchanges)} requests: {outcome.text[:160]}")
    exchange = outcome.exchanges[0]
    path, _, query = exchange.url.partition("?")
    path = path[len(s.settings.api_base_url.rstrip("/")) :]
    return exchange.method, path, dict(p.split("=", 1) for p in query.split("&") if p)


@dataclass
class Samples:
    mcp: list[float] = field(default_factory=list)  # wall seconds per tools/call
    direct: list[float] = field(default_factory=list)  # wall seconds per direct request
    # CPU seconds of the call minus the direct request's: unaffected by time spent descheduled.
    cpu_overhead: list[float] = field(default_factory=list)


async def _time(
    s: Stack,
    tool: str,
    args: dict[str, Any],
    direct: tuple[str, str, dict[str, str]],
    calls: int,
    warmup: int,
    profiler: cProfile.Profile | None,
) -> Samples:
    method, path, query = direct
    for _ in range(warmup):
        await s.client.call_tool(tool, args)
        await s.http.request(method, path, params=query)
    samples = Samples()
    for _ in range(calls):
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = await s.client.call_tool(tool, args)
        if profiler:
            profiler.disable()
        t1, c1 = time.perf_counter(), time.process_time()
        response = await s.http.request(method, path, params=query)
        t2, c2 = time.perf_counter(), time.process_time()
        if result.is_error or response.status_code != 200:
            raise RuntimeError(f"{tool} failed during timing: {result.content[0]}")
        samples.mcp.append(t1 - t0)
        samples.direct.append(t2 - t1)
        samples.cpu_overhead.append((c1 - c0) - (c2 - c1))
    return samples


def _figures(label: str, tool: str, samples: Samples, calls: int) -> list[Figure]:
    us = 1e6
    mcp_s, direct_s = samples.mcp, samples.direct
    cpu_med = median(samples.cpu_overhead) * us
    mcp_med, direct_med = median(mcp_s) * us, median(direct_s) * us
    mcp_p95, direct_p95 = percentile(mcp_s, 95) * us, percentile(direct_s, 95) * us
    # Paired differences: each MCP call is compared with the direct request right after it, so a
    # slow spell on a shared machine shifts both sides of a pair rather than one side of the medians.
    paired = [(m - d) * us for m, d in zip(mcp_s, direct_s, strict=True)]
    over_med, over_p95 = median(paired), percentile(paired, 95)
    limit_us = OVERHEAD_MS_PER_CALL * 1000
    return [
        Figure(
            SECTION,
            f"tools/call, {label} ({tool}), median",
            round(mcp_med),
            "µs",
            baseline=round(direct_med),
            baseline_label="direct httpx2 request",
            ratio=ratio(mcp_med, direct_med),
            note=f"{calls} calls; p95 {mcp_p95:,.0f} vs {direct_p95:,.0f} µs",
            extra={
                "mcp_us": [round(x * us) for x in mcp_s],
                "direct_us": [round(x * us) for x in direct_s],
                "cpu_overhead_us": [round(x * us) for x in samples.cpu_overhead],
            },
        ),
        Figure(
            SECTION,
            f"  overhead per call, {label}: median / p95",
            round(over_med),
            "µs",
            baseline=round(limit_us),
            baseline_label="budget",
            ratio=ratio(over_med, limit_us),
            flag=f"> {OVERHEAD_MS_PER_CALL:g} ms per call" if over_med > limit_us else "",
            note=f"p95 {over_p95:,.0f} µs; CPU time {cpu_med:,.0f} µs",
        ),
    ]


async def run(quick: bool, profile: bool = False) -> list[Figure]:
    calls = 60 if quick else 500
    warmup = 10 if quick else 50
    # A recording stack finds the exact requests; timing uses a stack with a plain transport.
    plans = []
    async with stack() as probe:
        for label, tool, make_args in CASES:
            tasks.require_tools(probe, tool)
            args = await make_args(probe)
            plans.append((label, tool, args, await _direct_request(probe, tool, args)))

    figures: list[Figure] = []
    profiler = cProfile.Profile() if profile else None
    async with stack(record=False) as s:
        for label, tool, args, direct in plans:
            samples = await _time(s, tool, args, direct, calls, warmup, profiler)
            figures += _figures(label, tool, samples, calls)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        PROFILE_FILE.parent.mkdir(parents=True, exist_ok=True)
        PROFILE_FILE.write_text(out.getvalue())
        print(f"[bench] profile of the MCP call path written to {PROFILE_FILE}", file=sys.stderr)
    return figures
