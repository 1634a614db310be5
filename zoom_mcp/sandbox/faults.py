"""Switchable failures and Zoom's per-second rate limits.

Faults are armed per endpoint (the catalog endpoint string, or a substring of the request path,
optionally with a method) or globally, for the next N matching requests or until cleared.
Global faults apply to API calls only; the token endpoint fails only when a fault names it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

from zoom_mcp.sandbox.clock import Clock
from zoom_mcp.sandbox.routing import SandboxError

FaultKind = Literal[
    "rate_limit", "daily_limit", "error_500", "error_503", "slow", "slow_after", "bad_json", "token_expired"
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
# Zoom's Pro plan quotas, requests per window; "resource-intensive" is per minute.
PRO_QUOTAS: dict[str, int] = {"light": 30, "medium": 20, "heavy": 10, "resource-intensive": 10}
WINDOWS: dict[str, int] = {"resource-intensive": 60}
DAILY_LIMITS: dict[str, int] = {"light": 6000, "medium": 2000, "heavy": 30000, "resource-intensive": 30000}

_ids = itertools.count(1)


@dataclass
class Fault:
    kind: str
    endpoint: str | None = None
    method: str | None = None
    times: int | None = 1  # None: until cleared
    delay: float = 0.0
    fired: int = 0
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, method: str, path: str, endpoint: str | None) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.endpoint is None:
            return endpoint is not None  # global faults hit API calls, not the token endpoint
        return self.endpoint == endpoint or self.endpoint in path

    def describe(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "endpoint": self.endpoint,
            "method": self.method,
            "times": self.times,
            "delay": self.delay,
            "fired": self.fired,
        }


class FaultSet:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        kind: str,
        endpoint: str | None = None,
        method: str | None = None,
        times: int | None = 1,
        delay: float = 0.0,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        fault = Fault(kind, endpoint, method.upper() if method else None, times, delay)
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        self._faults = [f for f in self._faults if f.id != fault.id]

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[Fault]:
        return [f for f in self._faults if not f.spent]

    def take(self, method: str, path: str, endpoint: str | None) -> Fault | None:
        """The first armed fault matching this request, counted as fired."""
        for fault in self._faults:
            if not fault.spent and fault.matches(method, path, endpoint):
                fault.fired += 1
                if fault.spent:
                    self.remove(fault)
                return fault
        return None


def category(label: str) -> str:
    return "-".join(part.capitalize() for part in label.split("-"))


def qps_error(label: str, limit: int, retry_after: bool) -> SandboxError:
    headers = {"X-RateLimit-Category": category(label), "X-RateLimit-Type": "QPS", "X-RateLimit-Limit": str(limit)}
    if retry_after:
        headers["Retry-After"] = "1"
    return SandboxError(429, 429, QPS_MESSAGE, headers=headers)


def daily_error(label: str, now: datetime) -> SandboxError:
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    headers = {
        "X-RateLimit-Category": category(label),
        "X-RateLimit-Type": "Daily-limit",
        "X-RateLimit-Limit": str(DAILY_LIMITS.get(label, 2000)),
        "X-RateLimit-Remaining": "0",
        # For daily limits Zoom sends the reset as an ISO-8601 date-time, not seconds.
        "Retry-After": midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return SandboxError(429, 429, DAILY_MESSAGE, headers=headers)


class RateLimiter:
    """Per-label fixed windows, shared by every caller (Zoom counts per account)."""

    def __init__(self, clock: Clock, quotas: dict[str, int] | None = None, *, enabled: bool = False) -> None:
        self.clock = clock
        self.quotas = {**PRO_QUOTAS, **(quotas or {})}
        self.enabled = enabled
        self.retry_after = True
        self._windows: dict[str, tuple[int, int]] = {}  # label -> (window slot, requests in it)

    def check(self, label: str) -> None:
        if not self.enabled:
            return
        window = WINDOWS.get(label, 1)
        slot = int(self.clock.now() // window)
        current, used = self._windows.get(label, (slot, 0))
        if current != slot:
            used = 0
        limit = self.quotas.get(label, PRO_QUOTAS["medium"])
        if used >= limit:
            raise qps_error(label, limit, self.retry_after)
        self._windows[label] = (slot, used + 1)
