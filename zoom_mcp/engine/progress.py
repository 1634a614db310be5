"""Progress notifications while a tool call waits on Zoom or on a retry.

Clients that reset their request timeout on progress (the TypeScript SDK's
``resetTimeoutOnProgress``, Cursor, ...) keep waiting for a slow send instead of giving up on it
and having the model send it again. The call's current wait is a note (``note``), set by the
executor wherever it is; ``reporting`` sends it about once a second after the first second, as
``notifications/progress``. The SDK sends nothing when the client gave no progress token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# Quick calls send nothing; a slow one is reported at this pace.
FIRST_REPORT = 1.0
REPORT_EVERY = 1.0

Report = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass
class Wait:
    """What the call is waiting on right now."""

    note: str = "waiting for Zoom"


_current: ContextVar[Wait | None] = ContextVar("zoom_mcp_wait", default=None)


def note(text: str) -> None:
    """Say what the current call waits on (no-op outside a reported call)."""
    wait = _current.get()
    if wait is not None:
        wait.note = text


@contextmanager
def tracking(wait: Wait) -> Iterator[Wait]:
    """Make ``wait`` the note holder of the call run inside the block (in this task)."""
    token = _current.set(wait)
    try:
        yield wait
    finally:
        _current.reset(token)


@asynccontextmanager
async def reporting(report: Report, wait: Wait) -> AsyncIterator[Wait]:
    """Report ``wait``'s note through ``report`` while the block runs longer than FIRST_REPORT.

    A timer starts the reporting task only for a call that is still running after FIRST_REPORT:
    a task group per call would cost every quick call tens of microseconds.
    """
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    ticker: asyncio.Task[None] | None = None

    def start() -> None:
        nonlocal ticker
        ticker = loop.create_task(_tick(report, wait, started))

    timer = loop.call_later(FIRST_REPORT, start)
    try:
        yield wait
    finally:
        timer.cancel()
        if ticker is not None:
            ticker.cancel()


async def _tick(report: Report, wait: Wait, started: float) -> None:
    while True:
        elapsed = time.monotonic() - started
        try:
            await report(round(elapsed, 1), None, f"{wait.note} ({elapsed:.0f} s)")
        except Exception:  # a client gone away: the call itself still finishes
            return
        await asyncio.sleep(REPORT_EVERY)
