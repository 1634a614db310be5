"""Run the benchmark suite: ``python -m tests.bench [--quick] [--only catalog,load] [--profile]``.

Each section runs on its own event loop under a time bound; a section whose part of the
project is missing, or which fails, reports "n/a (reason)" and the others still run.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench import catalog_tokens, coldstart, load, overhead, peer, result_tokens, roundtrips
from tests.bench.common import Figure, Unavailable, na
from tests.bench.report import text_table, write

# name -> (runner, time bound in seconds for a full run)
SECTIONS: dict[str, tuple[Callable[..., Any], float]] = {
    "catalog": (catalog_tokens.run, 120),
    "results": (result_tokens.run, 120),
    "roundtrips": (roundtrips.run, 120),
    "overhead": (overhead.run, 120),
    "coldstart": (coldstart.run, 180),
    "load": (load.run, 150),
    "peer": (peer.run, 420),
}
TIMED = ("overhead", "coldstart", "load", "peer")


def cpu_seconds() -> tuple[float, float]:
    """(CPU seconds the whole machine has been busy, CPU seconds of this run incl. reaped children)."""
    import psutil

    machine = psutil.cpu_times()
    busy = machine.user + machine.system + getattr(machine, "nice", 0.0) + getattr(machine, "steal", 0.0)
    own = os.times()
    return busy, own.user + own.system + own.children_user + own.children_system


def run_section(name: str, runner: Callable[..., Any], bound: float, args: argparse.Namespace) -> list[Figure]:
    kwargs: dict[str, Any] = {"quick": args.quick}
    if "profile" in inspect.signature(runner).parameters:
        kwargs["profile"] = args.profile
    try:
        if inspect.iscoroutinefunction(runner):
            return asyncio.run(asyncio.wait_for(runner(**kwargs), bound))
        return runner(**kwargs, deadline=time.monotonic() + bound)
    except Unavailable as exc:
        return [na(name, name, str(exc))]
    except TimeoutError:
        return [na(name, name, f"timed out after {bound:.0f} s")]
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return [na(name, name, f"error: {type(exc).__name__}: {exc}")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and shorter load runs (smoke test)")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process call path (overhead)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results", help="output folder")
    args = parser.parse_args(argv)

    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections: {unknown}")

    started = time.monotonic()
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    others: dict[str, float] = {}
    for name in chosen:
        runner, bound = SECTIONS[name]
        t0 = time.monotonic()
        busy0, own0 = cpu_seconds()
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        figures += run_section(name, runner, bound / (2 if args.quick else 1), args)
        busy1, own1 = cpu_seconds()
        timings[name] = round(time.monotonic() - t0, 1)
        # CPUs kept busy by other processes on the machine while this section ran.
        others[name] = round(max(0.0, (busy1 - busy0) - (own1 - own0)) / max(timings[name], 0.1), 2)
        print(f"[bench] {name} done in {timings[name]} s", file=sys.stderr, flush=True)

    meta = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "section_seconds": timings,
        "other_processes_cpus_per_section": others,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print(text_table(figures))
    flagged = [f for f in figures if f.flag]
    if flagged:
        print("\nPast thresholds:")
        for f in flagged:
            print(f"  !! {f.figure.strip()}: {f.flag}")
    # Timings on a shared machine are inflated; token and request counts do not depend on it.
    busiest = max((v for k, v in others.items() if k in TIMED), default=0.0)
    if busiest > 0.25:
        print(
            f"\nNote: other processes kept {busiest} of {os.cpu_count()} CPUs busy during a timed section; "
            "timings are inflated."
        )
    json_path, md_path = write(figures, meta, args.out)
    print(f"\nWrote {json_path} and {md_path} ({meta['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
