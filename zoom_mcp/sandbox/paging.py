"""Opaque, expiring page tokens and the list slicing that uses them.

A token carries a position and a fingerprint of the listing it belongs to (endpoint, user,
filters), signed so clients cannot forge positions. Like Zoom's, it expires (15 minutes by
default); an expired, forged or foreign token answers code 300.

Zoom's chat tokens are opaque positions: a message posted between two page requests pushes
every later page down by one, so a client sees an item twice (and a deleted one makes it skip
an item) unless it guards against that. The sandbox does the same by default, so tests see
what clients of Zoom see. ``PageTokens.keyset`` switches to key cursors (the sort key of the
last item served), for lists that are sorted by a key and page exactly once under change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from zoom_mcp.sandbox.clock import Clock
from zoom_mcp.sandbox.routing import SandboxError

T = TypeVar("T")

_MAC_BYTES = 8
_FINGERPRINT_BYTES = 6
_TIME_BYTES = 6
_HEADER_BYTES = _FINGERPRINT_BYTES + _TIME_BYTES
INVALID_TOKEN = "The next page token is either invalid or has expired."


def fingerprint(*parts: Any) -> str:
    """A short digest naming one listing; pages of a different listing reject its tokens."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def query_fingerprint(endpoint: str, user: str, query: Mapping[str, str], *ignore: str) -> str:
    """Fingerprint of a listing from its query, minus the paging parameters themselves."""
    skip = {"next_page_token", "page_size", "pageToken", "maxResults", *ignore}
    return fingerprint(endpoint, user, sorted((k, v) for k, v in query.items() if k not in skip))


class PageTokens:
    def __init__(self, ttl: float, clock: Clock, secret: bytes | None = None, *, keyset: bool = False) -> None:
        self.ttl = ttl
        self.clock = clock
        self.keyset = keyset
        self._secret = secret or secrets.token_bytes(32)

    def encode(self, position: Any, fingerprint: str) -> str:
        """About as long as Zoom's (~32 characters): fingerprint, issue time, position, short MAC."""
        issued = int(self.clock.now() * 1000).to_bytes(_TIME_BYTES, "big")
        payload = bytes.fromhex(fingerprint)[:_FINGERPRINT_BYTES] + issued + json.dumps(position).encode()
        mac = hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")

    def decode(self, token: str, fingerprint: str) -> Any:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
            expected = hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_BYTES]
            if len(raw) <= _HEADER_BYTES + _MAC_BYTES or not hmac.compare_digest(mac, expected):
                raise ValueError("bad signature")
            owner = payload[:_FINGERPRINT_BYTES]
            issued = int.from_bytes(payload[_FINGERPRINT_BYTES:_HEADER_BYTES], "big") / 1000
            position = json.loads(payload[_HEADER_BYTES:])
        except ValueError as exc:
            raise invalid_token() from exc
        if owner != bytes.fromhex(fingerprint)[:_FINGERPRINT_BYTES] or self.clock.now() - issued > self.ttl:
            raise invalid_token()
        return position


def invalid_token() -> SandboxError:
    return SandboxError(400, 300, INVALID_TOKEN)


def paginate(
    items: Sequence[T],
    page_size: int,
    token: str | None,
    *,
    tokens: PageTokens,
    fingerprint: str,
    sort_key: Callable[[T], list[Any]] | None = None,
    descending: bool = False,
) -> tuple[list[T], str]:
    """One page of ``items`` and the token of the next (``""`` on the last page, as Zoom does).

    The position is an offset, as Zoom's is. With ``tokens.keyset`` and a ``sort_key``,
    ``items`` must be sorted by that key (``descending`` says which way) and the position is
    the key of the last item served.
    """
    if sort_key is None or not tokens.keyset:
        offset = tokens.decode(token, fingerprint) if token else 0
        if not isinstance(offset, int) or offset < 0:
            raise invalid_token()
        page = list(items[offset : offset + page_size])
        more = offset + page_size < len(items)
        return page, tokens.encode(offset + page_size, fingerprint) if more else ""
    remaining = list(items)
    if token:
        cursor = tokens.decode(token, fingerprint)
        if not isinstance(cursor, list):
            raise invalid_token()
        if descending:
            remaining = [item for item in items if sort_key(item) < cursor]
        else:
            remaining = [item for item in items if sort_key(item) > cursor]
    page = remaining[:page_size]
    more = len(remaining) > page_size
    return page, tokens.encode(sort_key(page[-1]), fingerprint) if more else ""


def page_size_param(
    query: Mapping[str, str], *, default: int, maximum: int, minimum: int = 1, name: str = "page_size"
) -> int:
    """Read and bound-check a page size the way Zoom validates it: out of range is code 300."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= maximum:
        raise SandboxError(
            400,
            300,
            "Validation Failed.",
            errors=[{"field": name, "message": f"must be between {minimum} and {maximum}"}],
        )
    return value
