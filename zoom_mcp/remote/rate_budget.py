"""Zoom's per-second rate limits, shared by every instance.

Zoom counts requests per account and rate label (zoom-api.md §3), whichever instance sends them,
so each instance takes a slot from a counter in the database before each request: one row per
account, label and window, incremented atomically (``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING``). A request that finds its window full waits for the next one; the executor's 429
handling stays as the net for other apps using the same account.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

import anyio

from zoom_mcp.remote.database import Database

# Requests per window by Zoom plan (zoom-api.md §3); "resource-intensive" is per minute.
PLAN_LIMITS: dict[str, dict[str, int]] = {
    "free": {"light": 4, "medium": 2, "heavy": 1, "resource-intensive": 10},
    "pro": {"light": 30, "medium": 20, "heavy": 10, "resource-intensive": 10},
    "business": {"light": 80, "medium": 60, "heavy": 40, "resource-intensive": 20},
}
WINDOWS = {"resource-intensive": 60}
# Seconds of windows kept in the table (older rows are dropped now and then).
KEEP_SECONDS = 600


class SharedRateBudget:
    def __init__(
        self,
        db: Database,
        limits: dict[str, int],
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self._rng = rng or random.Random()
        self.waits = 0

    async def take(self, account: str, label: str) -> None:
        """Return once this request has a slot in its window for ``account`` and ``label``."""
        limit = self.limits.get(label, self.limits["medium"])
        window = WINDOWS.get(label, 1)
        bucket = f"{account}:{label}"
        while True:
            now = self.clock()
            slot = int(now // window)
            start = slot * window  # the window's first second: rows of every label compare alike
            row = await self.db.fetchone(
                "INSERT INTO rate_windows (bucket, second, count) VALUES (?, ?, 1) "
                "ON CONFLICT (bucket, second) DO UPDATE SET count = rate_windows.count + 1 RETURNING count",
                bucket,
                start,
            )
            if row is not None and int(row[0]) <= limit:
                if int(row[0]) == 1 and self._rng.random() < 0.05:
                    await self.db.execute("DELETE FROM rate_windows WHERE second < ?", start - KEEP_SECONDS)
                return
            self.waits += 1
            # A little jitter, so the waiters of every instance do not all arrive at once.
            await self.sleep((slot + 1) * window - now + self._rng.uniform(0, 0.05 * window))
