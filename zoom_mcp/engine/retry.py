"""When a failed Zoom request is tried again, and how long to wait first.

Zoom's rate-limit headers are observed behaviour rather than documented (zoom-api.md §3), so
every header is optional and read case-insensitively, and the message text is the fallback.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

from zoom_mcp.catalog import Method

# A per-second (QPS) limit clears within a second or two; Zoom did not process the request.
QPS_WAIT = 1.0
QPS_JITTER = 0.5
# A Retry-After longer than this is not worth holding a tool call for.
MAX_RETRY_AFTER = 10.0
# 5xx and network failures: exponential backoff with full jitter, 0.5 s, 1 s, 2 s, ... capped.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0

RateLimitKind = Literal["qps", "daily"]


def may_retry_failure(method: Method, spec_idempotent: bool) -> bool:
    """Whether a request whose outcome is unknown (5xx, timeout, dropped) may be sent again.

    GET, PUT and DELETE are idempotent by HTTP semantics; PATCH only when the tool says so;
    POST never, since a second send could post a message or mail twice.
    """
    if method in ("GET", "PUT", "DELETE"):
        return True
    if method == "PATCH":
        return spec_idempotent
    return False


def rate_limit_kind(headers: dict[str, str], message: str) -> RateLimitKind:
    """Daily limits fail at once; everything else is treated as a per-second limit."""
    limit_type = headers.get("x-ratelimit-type", "").lower()
    if limit_type:
        return "daily" if "daily" in limit_type else "qps"
    return "daily" if "daily" in message.lower() else "qps"


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as an absolute UTC time: delta seconds, an HTTP-date or ISO-8601."""
    if not value:
        return None
    value = value.strip()
    try:
        return now + timedelta(seconds=max(0.0, float(value)))
    except ValueError:
        pass
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def qps_wait(headers: dict[str, str], now: datetime, rng: random.Random) -> float:
    """Seconds to wait before retrying a per-second 429."""
    when = parse_retry_after(headers.get("retry-after"), now)
    if when is not None:
        return min(MAX_RETRY_AFTER, max(0.0, (when - now).total_seconds()))
    return QPS_WAIT + rng.uniform(0, QPS_JITTER)


def backoff(attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff for the ``attempt``-th retry (1-based)."""
    return rng.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))) + BACKOFF_BASE / 2


def daily_reset(headers: dict[str, str], now: datetime) -> datetime | None:
    """When a daily limit resets: Retry-After if Zoom sent it (an ISO date in practice)."""
    return parse_retry_after(headers.get("retry-after"), now)
