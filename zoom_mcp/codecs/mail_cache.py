"""What a mail listing already knows: per-message metadata by id, kept current through the history API.

A message's headers, date, snippet and parts never change; its labels do. A listing fills each row
from a ``format=metadata`` fetch; this cache keeps those answers per mailbox, and before a listing
uses them it asks Zoom for the changes since the last sync (``GET …/history?startHistoryId=``).
Every history record carries the message's labels as they are after the change, so replaying the
records in order leaves each cached message with its current labels; a deleted or updated message
is dropped and fetched again. Replaying from too early a point is harmless (a record older than a
cached copy is followed by the newer ones); only a point too late loses changes. When the history
cannot be had (no scope, too old, more than one page of changes) the cache for that mailbox is
emptied and the listing fetches every row, as it would without a cache.

The first sync point costs no request: Zoom's document says a history id may be taken "from the
``historyId`` of a message", and each fetched row carries one (the last event that changed it).
Their maximum alone is not safe: row A is fetched, A's labels change, then row B changes and is
fetched; B's id is above A's change, which a sync from it would never replay. What is safe is
the id of an event that happened before the first row was asked for: every later change then
has a larger id (ids grow with time) and is replayed, and every earlier one shows in the rows
fetched. A listed row's arrival precedes the listing; its label changes are dated by
``lastMoved`` ("the last time the message had a label change"). So the sync point is the largest
``historyId`` among rows whose ``lastMoved`` is older than the fetch's start by ``SETTLED_MS``,
which covers Zoom's whole seconds and a clock of ours running up to that much ahead of Zoom's.
Rows changed since then are cached too: their changes come after that point and are replayed.
If no row qualifies (all changed moments ago, or Zoom sent no ``lastMoved``) the batch is not
kept and the next fill reads the mailbox profile first, as fills do for good once a sync from a
message's id has failed (too old: Zoom keeps history for about a week; or a page or more of
changes behind). What this cannot date is a change other than a label change
(``messagesUpdated``) made, while the rows are fetched, to the very row whose id is chosen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

from zoom_mcp.catalog import Request
from zoom_mcp.errors import ZoomAPIError

if TYPE_CHECKING:  # the executor imports the tools, whose hooks import this module
    from zoom_mcp.catalog import CallContext

# Per mailbox: enough for several pages of the busiest folders, small in memory (headers only).
MAX_MESSAGES = 2000
# One history page of this size covers the changes between two listings of any sane inbox.
HISTORY_PAGE = 500
# A row whose label change is older than this, by Zoom's clock against ours, changed before the
# fetch began: minutes of disagreement between the clocks, and Zoom's whole seconds, are covered.
SETTLED_MS = 5 * 60 * 1000
# History answers meaning the sync point is too old or too far behind (not a missing scope).
_STALE_STATUSES = frozenset({404})
# Records that change a message's content or existence: the cached copy is dropped.
_DROPPING = frozenset({"messagesDeleted", "messagesUpdated"})
CACHE_KEY = "mail_metadata"


@dataclass
class MailboxCache:
    messages: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    history_id: str | None = None  # the mailbox state the cached labels reflect
    # A message's history id proved too old a sync point once: fills read the profile first.
    profile_first: bool = False
    lock: anyio.Lock = field(default_factory=anyio.Lock)

    def clear(self) -> None:
        self.messages.clear()
        self.history_id = None

    def get(self, message_id: str) -> dict[str, Any] | None:
        meta = self.messages.get(message_id)
        if meta is not None:
            self.messages.move_to_end(message_id)
        return meta

    def put(self, meta: Mapping[str, Any]) -> None:
        message_id = str(meta.get("id") or "")
        if not message_id:
            return
        self.messages[message_id] = dict(meta)
        self.messages.move_to_end(message_id)
        while len(self.messages) > MAX_MESSAGES:
            self.messages.popitem(last=False)

    def apply(self, history: list[Mapping[str, Any]]) -> None:
        """Replay history records (oldest first) onto the cached messages."""
        for record in history:
            for key, entries in record.items():
                if not isinstance(entries, list):
                    continue
                for entry in entries:
                    message = entry.get("message") if isinstance(entry, Mapping) else None
                    if not isinstance(message, Mapping):
                        continue
                    message_id = str(message.get("id") or "")
                    cached = self.messages.get(message_id)
                    if cached is None:
                        continue
                    if key in _DROPPING or "labelIds" not in message:
                        del self.messages[message_id]
                    else:
                        cached["labelIds"] = list(message.get("labelIds") or [])


def mailbox_cache(ctx: CallContext, root: str) -> MailboxCache:
    caches: dict[str, MailboxCache] = ctx.caches.setdefault(CACHE_KEY, {})
    return caches.setdefault(root, MailboxCache())


async def _sync(ctx: CallContext, root: str, cache: MailboxCache) -> None:
    """Bring the cached labels up to date, or empty the cache when that cannot be done."""
    if cache.history_id is None:
        cache.clear()
        return
    query = {"startHistoryId": cache.history_id, "maxResults": HISTORY_PAGE}
    try:
        data = await ctx.send(Request(method="GET", path=f"{root}/history", query=query)) or {}
    except ZoomAPIError as error:
        cache.profile_first = cache.profile_first or error.status in _STALE_STATUSES
        cache.clear()
        return
    if data.get("nextPageToken") or not data.get("historyId"):
        cache.profile_first = True
        cache.clear()
        return
    cache.apply(data.get("history") or [])
    cache.history_id = str(data["historyId"])


async def _sync_point(ctx: CallContext, root: str) -> str | None:
    try:
        profile = await ctx.send(Request(method="GET", path=f"{root}/profile"))
    except ZoomAPIError:
        return None
    value = (profile or {}).get("historyId")
    return str(value) if value else None


def _number(value: Any) -> int | None:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isdigit() else None


def settled_sync_point(results: Iterable[Any], started_ms: int) -> str | None:
    """The largest ``historyId`` among fetched rows whose last label change is older than the
    fetch's start by ``SETTLED_MS``: an event before the fetch began (see the module doc)."""
    best: int | None = None
    for result in results:
        if not isinstance(result, Mapping):
            continue
        history_id, moved = _number(result.get("historyId")), _number(result.get("lastMoved"))
        if history_id is None or moved is None or moved >= started_ms - SETTLED_MS:
            continue
        best = history_id if best is None else max(best, history_id)
    return None if best is None else str(best)


async def metadata_for(
    ctx: CallContext, root: str, ids: list[str], fetch: Callable[[list[str]], Awaitable[list[Any]]]
) -> list[Any]:
    """Metadata for each id, in order: cached where current, else from ``fetch(missing_ids)``
    (which returns a metadata answer or a ZoomAPIError per id)."""
    cache = mailbox_cache(ctx, root)
    async with cache.lock:
        if cache.history_id is not None and any(i in cache.messages for i in ids):
            await _sync(ctx, root, cache)
        elif cache.history_id is None:
            cache.clear()
        missing = [i for i in ids if i not in cache.messages]
        fetched: dict[str, Any] = {}
        if missing:
            fresh = cache.history_id is None
            if fresh and cache.profile_first:
                cache.history_id = await _sync_point(ctx, root)
                fresh = cache.history_id is None  # no profile either: the rows may still give one
            started_ms = int(time.time() * 1000)
            fetched = dict(zip(missing, await fetch(missing), strict=True))
            if fresh:
                cache.history_id = settled_sync_point(fetched.values(), started_ms)
                cache.profile_first = cache.history_id is None
        if cache.history_id is not None:
            for result in fetched.values():
                if isinstance(result, Mapping) and result.get("id"):
                    cache.put(result)
        return [fetched[i] if i in fetched else dict(cache.get(i) or {}) for i in ids]
