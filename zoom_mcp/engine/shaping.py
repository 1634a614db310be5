"""Zoom data into a result a model reads well, within the result budget.

Compaction drops empty fields and makes timestamps readable. Everything from Zoom is data,
never instructions, so the rendered data sits between ``<zoom-data id=NONCE>`` markers with a
fresh nonce per result; notes (how to continue, what was cut) stay outside them. A list that
does not fit is cut between items and resumes exactly there through an opaque page token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import re
import secrets
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from zoom_mcp.catalog import Page
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.engine.text_format import render
from zoom_mcp.errors import ToolUsageError

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
#
# Zoom's page tokens are positions: an item added or removed before a position shifts what the
# next page holds. So a resume never trusts a position alone. It carries the identity of the
# last item returned (its id and, where the list has one, its sort key) and Zoom's token of the
# page that item was on; the next call reads that page again and starts after that item
# (``zoom_mcp.engine.executor`` does the walk). Without a sort key it also names the first item not yet
# returned, so a deleted last item still has a neighbour to find.


@dataclass(frozen=True)
class Identity:
    """Who an item is: its id (or a digest of it) and its sort key (epoch ms) when it has one."""

    id: str
    key: int | None = None


@dataclass(frozen=True)
class Anchor:
    """The last item returned, and the first one not yet returned when it is known and needed."""

    last: Identity
    following: str | None = None
    descending: bool = True


@dataclass(frozen=True)
class PageCursor:
    """Where a listing resumes: Zoom's token of the page holding ``anchor`` (None: the first
    page), the page size (0: Zoom's default), and the item to resume after (None: from the start).
    """

    zoom: str | None
    size: int
    anchor: Anchor | None = None


_ID_FIELDS = ("id", "message_id", "msg_id", "member_id", "channel_id", "email", "peer_contact_user_id")
_KEY_FIELDS = ("timestamp", "message_timestamp", "internalDate", "date_time", "last_message_sent_time")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UUID_UPPER = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
# An id field starts with its length as a zigzag varint, always even: odd first bytes mark UUIDs.
_UUID_LOWER_MARK, _UUID_UPPER_MARK, _HEX_MARK = 1, 3, 5
# Ids of lowercase hex runs joined by "_" (Zoom Mail's ``7d4d447700000000_e85f09d67065eb70_121``)
# pack two digits a byte.
_HEX_ID = re.compile(r"^[0-9a-f]+(?:_[0-9a-f]+)*$")
_CANONICAL_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
# Flag bits of the token's first byte.
_F_ZOOM, _F_ZOOM_B64, _F_ANCHOR, _F_KEY, _F_FOLLOWING, _F_ASCENDING = (1 << bit for bit in range(6))
_DIGEST_PREFIX = "#"


def item_identity(item: Any) -> Identity:
    """An item's id field, else a short digest of its content; its sort key when it has one."""
    if not isinstance(item, dict):
        return Identity(_digest(item))
    ident = next((str(item[name]) for name in _ID_FIELDS if isinstance(item.get(name), str | int) and item[name]), None)
    return Identity(ident or _digest(item), _sort_key(item))


def _digest(item: Any) -> str:
    text = json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)
    return _DIGEST_PREFIX + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _sort_key(item: dict[str, Any]) -> int | None:
    for name in _KEY_FIELDS:
        value = item.get(name)
        if isinstance(value, bool) or value in (None, ""):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return int(moment.timestamp() * 1000) if moment.tzinfo else None
    return None


def encode_page_token(cursor: PageCursor) -> str:
    """A compact binary form, base64url: flags, size, Zoom's token, the anchor's ids and key."""
    flags = 0
    parts: list[bytes] = [_varint(cursor.size)]
    if cursor.zoom:
        flags |= _F_ZOOM
        raw = _b64_bytes(cursor.zoom)
        if raw is not None:
            flags |= _F_ZOOM_B64
        parts.append(_field(raw if raw is not None else cursor.zoom.encode()))
    anchor = cursor.anchor
    if anchor is not None:
        flags |= _F_ANCHOR | (0 if anchor.descending else _F_ASCENDING)
        parts.append(_id_field(anchor.last.id))
        if anchor.last.key is not None:
            flags |= _F_KEY
            parts.append(_varint(anchor.last.key))
        if anchor.following is not None:
            flags |= _F_FOLLOWING
            parts.append(_id_field(anchor.following))
    raw_token = bytes([flags]) + b"".join(parts)
    return base64.urlsafe_b64encode(raw_token).decode().rstrip("=")


def decode_page_token(token: str) -> PageCursor:
    text = token.strip()
    try:
        reader = _Reader(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        flags = reader.byte()
        size = reader.varint()
        zoom = None
        if flags & _F_ZOOM:
            raw = reader.field()
            zoom = _b64_text(raw) if flags & _F_ZOOM_B64 else raw.decode()
        anchor = None
        if flags & _F_ANCHOR:
            ident = reader.id_field()
            key = reader.varint() if flags & _F_KEY else None
            following = reader.id_field() if flags & _F_FOLLOWING else None
            anchor = Anchor(Identity(ident, key), following, descending=not flags & _F_ASCENDING)
        reader.end()
    except (binascii.Error, ValueError, IndexError):
        raise ToolUsageError(f"next_page_token is not one this server issued: {RESTART_LISTING}.") from None
    return PageCursor(zoom, size, anchor)


def _varint(number: int) -> bytes:
    """Zigzag LEB128: small and negative numbers stay short."""
    value = (number << 1) ^ (number >> 63) if number < 0 else number << 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(raw: bytes) -> bytes:
    return _varint(len(raw)) + raw


def _id_field(ident: str) -> bytes:
    """A UUID (either case) as its 16 bytes after a mark, anything else as UTF-8."""
    for pattern, mark in ((_UUID, _UUID_LOWER_MARK), (_UUID_UPPER, _UUID_UPPER_MARK)):
        if pattern.match(ident):
            return bytes([mark]) + uuid.UUID(ident).bytes
    if _HEX_ID.match(ident) and len(ident) >= 8:
        runs = ident.split("_")
        packed = b"".join(_varint(len(run)) + bytes.fromhex(run + "0" * (len(run) % 2)) for run in runs)
        return bytes([_HEX_MARK]) + _varint(len(runs)) + packed
    return _field(ident.encode())


def _b64_bytes(text: str) -> bytes | None:
    """Zoom's token as the bytes it encodes, when it is canonical unpadded base64url (a third shorter)."""
    if not _CANONICAL_B64.match(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if _b64_text(raw) == text else None


def _b64_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at]
        self.at += 1
        return value

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return (value >> 1) ^ -(value & 1)
            if shift > 70:
                raise ValueError("varint too long")

    def field(self) -> bytes:
        length = self.varint()
        if length < 0 or self.at + length > len(self.data):
            raise ValueError("truncated")
        value = self.data[self.at : self.at + length]
        self.at += length
        return value

    def id_field(self) -> str:
        mark = self.data[self.at]
        if mark in (_UUID_LOWER_MARK, _UUID_UPPER_MARK):
            self.at += 1
            raw = self.data[self.at : self.at + 16]
            if len(raw) != 16:
                raise ValueError("truncated")
            self.at += 16
            text = str(uuid.UUID(bytes=raw))
            return text.upper() if mark == _UUID_UPPER_MARK else text
        if mark == _HEX_MARK:
            self.at += 1
            runs = []
            for _ in range(self.varint()):
                digits = self.varint()
                raw = self.data[self.at : self.at + (digits + 1) // 2]
                if digits <= 0 or len(raw) != (digits + 1) // 2:
                    raise ValueError("truncated")
                self.at += len(raw)
                runs.append(raw.hex()[:digits])
            if not runs:
                raise ValueError("empty id")
            return "_".join(runs)
        return self.field().decode()

    def end(self) -> None:
        if self.at != len(self.data):
            raise ValueError("trailing bytes")


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


def shrink_strings(value: Any, size: Callable[[Any], int], budget: int, *, floor: int = MIN_STRING_KEEP) -> Any:
    """Cut the longest strings, each with a note of what was cut, until ``size`` fits ``budget``.

    Stops when no cut gains anything (strings are kept to ``floor`` characters): the caller
    then returns the value over budget rather than losing structure.
    """
    for _ in range(100):
        excess = size(value) - budget
        if excess <= 0:
            return value
        length, path = _longest_string(value)
        if length <= floor:
            return value
        text = _get_at(value, path)
        cut = _cut(text, max(floor, length - excess - CUT_NOTE_ROOM))
        if len(cut) >= length:
            cut = _cut(text, floor)
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
    text = _compose(shaped, notes, nonce)
    if len(text) <= budget:  # the common case: nothing to cut, so render once
        return ToolResult(text=text, structured=_as_dict(shaped))

    def size(value: Any) -> int:
        return len(_compose(value, notes, nonce))

    shaped = shrink_strings(shaped, size, budget)
    shaped = shrink_lists(shaped, size, budget, notes)
    structured = _as_dict(shaped)
    if notes:
        structured = {**structured, "truncated": list(notes)}
    return ToolResult(text=_compose(shaped, notes, nonce), structured=structured)


def shape_page(
    data: Any,
    page: Page,
    cursor: PageCursor,
    zoom_next: str | None,
    budget: int,
    identities: list[Identity] | None = None,
    *,
    following: str | None = None,
    pages: list[str | None] | None = None,
) -> ToolResult:
    """One page of a list, cut at an item boundary to fit, with the token that resumes after it.

    ``data`` holds only items not yet returned; they came from the Zoom page ``cursor.zoom``
    names, or, where ``pages`` is given, from the page it names for each item. ``identities``
    are the items' identities as Zoom sent them (before a decode hook reshaped them); without
    them, or when the hook changed the count, the shaped items are used. ``following`` is the id
    of the first item not in ``data`` (Zoom's next page, or an item read and held back), when the
    caller knows it; an item held back means there is more even without a Zoom token.
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
    if identities is None or len(identities) != len(items):
        identities = [item_identity(item) for item in items]
    descending = cursor.anchor.descending if cursor.anchor else _descending(identities)
    nonce = new_nonce()

    sources = pages if pages is not None and len(pages) == len(items) else None

    def page_of(index: int) -> str | None:
        """Zoom's token of the page the item came from: where the next call reads again."""
        return sources[index] if sources is not None else cursor.zoom

    def resume_cursor(count: int) -> PageCursor | None:
        if count < len(items):
            last, upcoming = identities[count - 1], identities[count]
            # With a sort key the key finds the place; without one, the next item's id does.
            anchor = Anchor(last, None if last.key is not None else upcoming.id, descending)
            return PageCursor(page_of(count - 1), cursor.size, anchor)
        if count and (zoom_next or following is not None):
            last = identities[-1]
            anchor = Anchor(last, following if last.key is None else None, descending)
            return PageCursor(page_of(count - 1), cursor.size, anchor)
        if not zoom_next:
            return None
        return PageCursor(zoom_next, cursor.size, cursor.anchor)

    def build(shown: list[Any], count: int, body_envelope: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resumes = resume_cursor(count)
        token = encode_page_token(resumes) if resumes is not None else None
        expiry = TOKEN_LIFETIME_NOTE if resumes is not None and resumes.zoom else ""
        body = {**body_envelope, page.items: shown}
        note = f"more: pass next_page_token={token}{expiry}" if token else "end of list"
        structured = {**body, "next_page_token": token} if token else body
        return _compose(body, [note], nonce), structured

    built: dict[int, tuple[str, dict[str, Any]]] = {}

    def fits(count: int) -> bool:
        built[count] = build(items[:count], count, envelope)
        return len(built[count][0]) <= budget

    count = _largest_fitting(len(items), fits)
    if count == 0 and items:
        # One item alone is over budget: it is still returned (never skipped), cut to fit.
        text, structured = _shortened_alone(items[0], envelope, lambda one, env: build(one, 1, env), budget)
    else:
        text, structured = built[count] if count in built else build(items[:count], count, envelope)
    return ToolResult(text=text, structured=structured)


def _shortened_alone(
    item: Any,
    envelope: dict[str, Any],
    build: Callable[[list[Any], dict[str, Any]], tuple[str, dict[str, Any]]],
    budget: int,
) -> tuple[str, dict[str, Any]]:
    """A lone item (and the page's other fields) cut to fit: long strings first, kept to
    MIN_STRING_KEEP, then shorter; if that is not enough, its last fields."""
    body = {"envelope": envelope, "item": item}

    def size(value: dict[str, Any]) -> int:
        return len(build([value["item"]], value["envelope"])[0])

    for floor in (MIN_STRING_KEEP, 0):
        body = shrink_strings(body, size, budget, floor=floor)
    item = _elided(body["item"], lambda candidate: size({**body, "item": candidate}), budget)
    return build([item], body["envelope"])


def _elided(item: Any, size: Callable[[Any], int], budget: int) -> Any:
    """Last resort for an item of many short fields: its last fields give way to one note of how
    many were cut; the id stays, so the whole item can be fetched by it."""
    if not isinstance(item, dict) or size(item) <= budget:
        return item
    names = [key for key in item if key not in _ID_FIELDS]
    candidate = item
    for count in range(1, len(names) + 1):
        dropped = set(names[-count:])
        kept = {key: value for key, value in item.items() if key not in dropped}
        candidate = {**kept, "cut": f"{count} more fields: over the result budget"}
        if size(candidate) <= budget:
            break
    return candidate


def _descending(identities: list[Identity]) -> bool:
    """Which way a list is sorted, from its items' keys; newest first unless they say otherwise."""
    keys = [ident.key for ident in identities if ident.key is not None]
    for first, second in itertools.pairwise(keys):
        if first != second:
            return first > second
    return True


def after_anchor(ident: Identity, anchor: Anchor) -> bool | None:
    """Whether ``ident`` sorts strictly after the anchor; None when keys cannot tell."""
    if ident.key is None or anchor.last.key is None or ident.key == anchor.last.key:
        return None
    return ident.key < anchor.last.key if anchor.descending else ident.key > anchor.last.key


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
