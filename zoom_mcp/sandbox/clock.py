"""The sandbox's notion of "now": wall-clock time plus an offset tests can advance.

Token and page-token expiry, rate-limit windows and new message timestamps all read this one
clock, so a test can jump an hour ahead instead of sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> None:
        self._offset += seconds
