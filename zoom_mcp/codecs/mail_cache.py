"""What a mail listing already knows: per-message metadata by id, kept current through the history API.

A message's headers, date, snippet and parts never change; its labels do. A listing fills each row
from a ``format=metadata`` fetch; this cache keeps those answers per mailbox, and before a listing
uses them it asks Zoom for the changes since the last sync (``GET …/history?startHistoryId=``).
Every history record carries the message's labels as they are after the change, so replaying the
records in order leaves each cached message with its current labels; a deleted or updated message
is dropped and fetched again. When the history cannot be had (no scope, too old, more than one
page of changes) the cache for that mailbox is emptied and the listing fetches every row, as it
would without a cache. The first sync point is the mailbox's ``historyId`` read before the first
fetch, so a change made while rows are being fetched is still replayed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
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
# Records that change a message's content or existence: the cached copy is dropped.
_DROPPING = frozenset({"messagesDeleted", "messagesUpdated"})
CACHE_KEY = "mail_metadata"


@dataclass
class MailboxCache:
    messages: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    history_id: str | None = None  # the mailbox state the cached labels reflect
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
    except ZoomAPIError:
        cache.clear()
        return
    if data.get("nextPageToken") or not data.get("historyId"):
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


async def metadata_for(
    ctx: CallContext, root: str, ids: list[str], fetch: Callable[[list[str]], Awaitable[list[Any]]]
) -> list[Any]:
    """Metadata for each id, in order: cached where current, else from ``fetch(missing_ids)``
    (which returns a metadata answer or a ZoomAPIError per id)."""
    cache = mailbox_cache(ctx, root)
    async with cache.lock:
        if any(i in cache.messages for i in ids):
            await _sync(ctx, root, cache)
        elif cache.history_id is None and ids:
            cache.clear()
            cache.history_id = await _sync_point(ctx, root)
        missing = [i for i in ids if i not in cache.messages]
        fetched = dict(zip(missing, await fetch(missing), strict=True)) if missing else {}
        if cache.history_id is not None:
            for result in fetched.values():
                if isinstance(result, Mapping) and result.get("id"):
                    cache.put(result)
        return [fetched[i] if i in fetched else dict(cache.get(i) or {}) for i in ids]
