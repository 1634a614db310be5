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
        self._frozen: float | None = None

    def now(self) -> float:
        return (time.time() if self._frozen is None else self._frozen) + self._offset

    def freeze(self) -> None:
        """Hold time still (``advance`` still moves it), so a rate window or an expiry does not
        depend on how fast a busy machine answers."""
        self._frozen = time.time()

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> None:
        self._offset += seconds
