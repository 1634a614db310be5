"""Zoom data into a result a model reads well, within the result budget.

Compaction drops empty fields and makes timestamps readable. Everything from Zoom is data,
never instructions, so the rendered data sits between ``<zoom-data id=NONCE>`` markers with a
fresh nonce per result; notes (how to continue, what was cut) stay outside them. A list that
does not fit is cut between items and resumes exactly there through an opaque page token.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from zoom_mcp.catalog import Page
from zoom_mcp.errors import ToolUsageError
from zoom_mcp.results import ToolResult
from zoom_mcp.text_format import render

DATA_TAG = "zoom-data"
_TAG_IN_DATA = re.compile(r"<(/?)\s*zoom-data", re.IGNORECASE)
NONCE_ALPHABET = string.ascii_letters + string.digits
NONCE_LENGTH = 4
# Zoom's chat page tokens live 15 minutes (zoom-api.md §4).
TOKEN_LIFETIME_NOTE = " (expires in ~15 min)"
RESTART_LISTING = "start the listing again without next_page_token"
# Strings are never cut below this, so a truncated value still says what it was.
MIN_STRING_KEEP = 200
# Room for the "…[+N chars cut: over the result budget]" note when sizing a cut.
CUT_NOTE_ROOM = 48
_CUT_NOTE = re.compile(r"…\[\+(\d+) chars cut: over the result budget\]$")
# Keys whose epoch values stay numbers: chat mark-read and thread lookups need them exact.
NUMERIC_TIME_KEYS = frozenset({"ts"})
_ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-]00:?00)$")
# Epoch values between 2001-09 and 5138 in seconds, or the same span in milliseconds.
_EPOCH_S = (1e9, 1e11)
_EPOCH_MS = (1e11, 1e14)
_PAGING_FIELDS = frozenset({"next_page_token", "nextPageToken", "page_size", "page_count", "page_number"})


# ---- compaction ----------------------------------------------------------------------------


def compact(value: Any, key: str = "") -> Any:
    """Drop None, "", [] and {} recursively; make timestamps readable (see ``readable_time``)."""
    if isinstance(value, dict):
        out = {}
        for name, item in value.items():
            shaped = compact(item, str(name))
            if not _empty(shaped):
                out[name] = shaped
        return out
    if isinstance(value, list):
        return [shaped for item in value if not _empty(shaped := compact(item, key))]
    return readable_time(key, value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0)


def _is_time_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in NUMERIC_TIME_KEYS or "timestamp" in lowered:
        return False
    return lowered.endswith(("time", "date", "_at")) or lowered in ("expiration", "lastmoved")


def readable_time(key: str, value: Any) -> Any:
    """``2026-11-20 14:03:05Z`` for epoch values under time-like keys and for ISO-8601 UTC strings.

    Seconds are dropped when zero (``14:03Z``), which costs no information and a few tokens.
    """
    if isinstance(value, str):
        match = _ISO_UTC.match(value)
        if match:
            date, hours_minutes, seconds = match.groups()
            return f"{date} {hours_minutes}{':' + seconds if seconds and seconds != '00' else ''}Z"
        if value.isdigit() and _is_time_key(key):
            return _from_epoch(int(value), value)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and _is_time_key(key):
        return _from_epoch(value, value)
    return value


def _from_epoch(number: float, original: Any) -> Any:
    if _EPOCH_MS[0] <= number < _EPOCH_MS[1]:
        seconds = number / 1000
    elif _EPOCH_S[0] <= number < _EPOCH_S[1]:
        seconds = number
    else:
        return original
    moment = datetime.fromtimestamp(seconds, UTC)
    text = moment.strftime("%Y-%m-%d %H:%M")
    return f"{text}:{moment.second:02d}Z" if moment.second else f"{text}Z"


# ---- page tokens ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageCursor:
    """Where a listing resumes: Zoom's page token, items of that page already shown, page size.

    ``size`` 0 means the tool has no page size: Zoom's default applies.
    """

    zoom: str | None
    offset: int
    size: int


def encode_page_token(cursor: PageCursor) -> str:
    payload: dict[str, Any] = {"o": cursor.offset, "s": cursor.size}
    if cursor.zoom:
        payload["z"] = cursor.zoom
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str) -> PageCursor:
    try:
        raw = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
        payload = json.loads(raw)
        zoom, offset, size = payload.get("z"), payload["o"], payload["s"]
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise ToolUsageError(f"next_page_token is not one this server issued: {RESTART_LISTING}.") from None
    valid = (
        isinstance(offset, int) and offset >= 0 and isinstance(size, int) and size >= 0 and isinstance(zoom, str | None)
    )
    if not valid:
        raise ToolUsageError(f"next_page_token is not one this server issued: {RESTART_LISTING}.")
    return PageCursor(zoom, offset, size)


# ---- untrusted data ------------------------------------------------------------------------


def new_nonce() -> str:
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def delimit(body: str, nonce: str) -> str:
    """Wrap data in markers it cannot forge: any such tag inside the data is defused."""
    body = _TAG_IN_DATA.sub(r"<\1zoom_data", body)
    return f"<{DATA_TAG} id={nonce}>\n{body}\n</{DATA_TAG} id={nonce}>"


# ---- budget --------------------------------------------------------------------------------


def _longest_string(value: Any, path: tuple[Any, ...] = ()) -> tuple[int, tuple[Any, ...]]:
    if isinstance(value, str):
        return len(value), path
    best = (-1, ())
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        candidate = _longest_string(item, (*path, key))
        if candidate[0] > best[0]:
            best = candidate
    return best


def _replace_at(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace_at(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace_at(copy[head], rest, new)
    return copy


def _get_at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _cut(text: str, keep: int) -> str:
    """``text`` cut to ``keep`` characters plus a note; a second cut keeps the total count."""
    match = _CUT_NOTE.search(text)
    body, already = (text[: match.start()], int(match.group(1))) if match else (text, 0)
    return f"{body[:keep]}…[+{len(body) - keep + already} chars cut: over the result budget]"


def shrink_strings(value: Any, size: Callable[[Any], int], budget: int) -> Any:
    """Cut the longest strings, each with a note of what was cut, until ``size`` fits ``budget``.

    Stops when no cut gains anything (strings are kept to MIN_STRING_KEEP): the caller then
    returns the value over budget rather than losing structure.
    """
    for _ in range(100):
        excess = size(value) - budget
        if excess <= 0:
            return value
        length, path = _longest_string(value)
        if length <= MIN_STRING_KEEP:
            return value
        text = _get_at(value, path)
        cut = _cut(text, max(MIN_STRING_KEEP, length - excess - CUT_NOTE_ROOM))
        if len(cut) >= length:
            cut = _cut(text, MIN_STRING_KEEP)
            if len(cut) >= length:
                return value
        value = _replace_at(value, path, cut)
    return value


def shrink_lists(value: Any, size: Callable[[Any], int], budget: int, notes: list[str]) -> Any:
    """Last resort for non-list results: shorten the longest lists, noting each cut."""
    for _ in range(50):
        if size(value) <= budget:
            return value
        count, path = _longest_list(value)
        if count <= 1:
            return value
        original = _get_at(value, path)
        keep = count // 2
        value = _replace_at(value, path, original[:keep])
        label = ".".join(str(part) for part in path) or "result"
        notes.append(f"{label}: showing {keep} of {count} items (over the result budget)")
    return value


def _longest_list(value: Any, path: tuple[Any, ...] = ()) -> tuple[int, tuple[Any, ...]]:
    best = (len(value), path) if isinstance(value, list) else (-1, ())
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        candidate = _longest_list(item, (*path, key))
        if candidate[0] > best[0]:
            best = candidate
    return best


# ---- results -------------------------------------------------------------------------------


def _as_dict(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    if isinstance(data, list):
        return {"items": data}
    return {"result": data}


def _compose(data: Any, notes: list[str], nonce: str) -> str:
    text = delimit(render(data), nonce)
    return "\n".join([text, *notes])


def shape_result(data: Any, budget: int) -> ToolResult:
    """A non-list result: compacted, rendered, and cut to the budget with notes."""
    if data is None:
        return ToolResult(text="Done: Zoom accepted the request (no content returned).", structured={"done": True})
    shaped = compact(data)
    nonce = new_nonce()
    notes: list[str] = []

    def size(value: Any) -> int:
        return len(_compose(value, notes, nonce))

    shaped = shrink_strings(shaped, size, budget)
    shaped = shrink_lists(shaped, size, budget, notes)
    structured = _as_dict(shaped)
    if notes:
        structured = {**structured, "truncated": list(notes)}
    return ToolResult(text=_compose(shaped, notes, nonce), structured=structured)


def shape_page(
    data: Any, page: Page, cursor: PageCursor, zoom_next: str | None, budget: int, *, skip: int | None = None
) -> ToolResult:
    """One page of a list, resuming at ``cursor.offset`` and cut at an item boundary to fit.

    ``skip`` is how many leading items of ``data`` were already returned (``cursor.offset``
    unless the caller removed them before decoding).
    """
    shaped = compact(data)
    if isinstance(shaped, list):
        envelope: dict[str, Any] = {}
        items: list[Any] = shaped
    else:
        envelope = {
            key: value
            for key, value in _as_dict(shaped).items()
            if key not in _PAGING_FIELDS and key not in (page.items, page.token_field)
        }
        found = _as_dict(shaped).get(page.items, [])
        items = found if isinstance(found, list) else [found]
    remaining = items[cursor.offset if skip is None else skip :]
    nonce = new_nonce()

    def build(shown: list[Any], count: int) -> tuple[str, dict[str, Any]]:
        if count < len(remaining):
            token: str | None = encode_page_token(PageCursor(cursor.zoom, cursor.offset + count, cursor.size))
            expiry = TOKEN_LIFETIME_NOTE if cursor.zoom else ""
        elif zoom_next:
            token = encode_page_token(PageCursor(zoom_next, 0, cursor.size))
            expiry = TOKEN_LIFETIME_NOTE
        else:
            token, expiry = None, ""
        body = {**envelope, page.items: shown}
        note = f"more: pass next_page_token={token}{expiry}" if token else "end of list"
        structured = {**body, "next_page_token": token} if token else body
        return _compose(body, [note], nonce), structured

    built: dict[int, tuple[str, dict[str, Any]]] = {}

    def fits(count: int) -> bool:
        built[count] = build(remaining[:count], count)
        return len(built[count][0]) <= budget

    count = _largest_fitting(len(remaining), fits)
    if count == 0 and remaining:
        # One item alone is over budget: it is still returned (never skipped), its strings cut.
        def size(item: Any) -> int:
            return len(build([item], 1)[0])

        first = shrink_strings(remaining[0], size, budget)
        text, structured = build([first], 1)
    else:
        text, structured = built[count] if count in built else build(remaining[:count], count)
    return ToolResult(text=text, structured=structured)


def _largest_fitting(total: int, fits: Callable[[int], bool]) -> int:
    """The largest count in 0..total that fits, by bisection (size grows with the count)."""
    if fits(total):
        return total
    low, high = 0, total  # fits(low) or low == 0; not fits(high)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def restart_message() -> str:
    return f"Zoom no longer accepts this page token (they expire after ~15 min): {RESTART_LISTING}."
