"""Paging a Zoom list across tool calls: exactly once, even while the list changes.

Zoom's page tokens are positions: an item added or removed before a position shifts what the
next page holds. So the token a result hands out (``zoom_mcp.engine.shaping.PageCursor``) names the
last item shown, by identity, and Zoom's token of the page it was on; the next call reads that
page again and goes on after that item, reading on or back as far as the item moved.

Items without a sort key cannot be placed by key if the last one shown is deleted, so the token
also names the item after it. Lists that page by ``Page.max_size`` (Zoom Mail's) ask Zoom for
one item more than the page shows and hold that one back: it is only the next page's first item,
never fetched or shown here. The next call reads the page holding the last item shown again and,
when few items follow it there, the page after, until it has a page and one more (two list
requests from the second page on, one for the first). A page size at Zoom's maximum falls back
to reading the next page ahead after the decode hook.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from zoom_mcp.catalog import Page, Request, ToolInput, ToolSpec
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.engine.shaping import (
    Anchor,
    Identity,
    PageCursor,
    after_anchor,
    decode_page_token,
    item_identity,
    shape_page,
)

if TYPE_CHECKING:
    from zoom_mcp.engine.executor import CallContext


def page_cursor(args: ToolInput) -> PageCursor:
    token = getattr(args, "next_page_token", None)
    if token:
        return decode_page_token(token)
    return PageCursor(None, getattr(args, "page_size", None) or 0)


def read_size(page: Page, cursor: PageCursor) -> int:
    """How many items to ask Zoom for: the page, and one more where the list holds one back."""
    if page.max_size is not None and 0 < cursor.size < page.max_size:
        return cursor.size + 1
    return cursor.size


def _with_paging(request: Request, spec: ToolSpec, page: Page, cursor: PageCursor) -> Request:
    """Replace the model's paging fields with Zoom's, from the cursor."""
    model_names = {"page_size", "next_page_token"}
    wire_names = {spec.locations[name][0] for name in model_names if name in spec.locations}
    query = {key: value for key, value in request.query.items() if key not in model_names | wire_names}
    size = read_size(page, cursor)
    if size:
        query[page.size_param] = size
    if cursor.zoom:
        query[page.token_param] = cursor.zoom
    return replace(request, query=query)


def _zoom_next_token(data: Any, page: Page | None) -> str | None:
    if page is None or not isinstance(data, dict):
        return None
    token = data.get(page.token_field)
    return token if isinstance(token, str) and token else None


# Zoom list pages one call may read to find where a listing resumes (see ``resume``).
MAX_RESUME_PAGES = 40


@dataclass
class Resumed:
    """Zoom's answer holding only items not yet returned, the cursor naming the page they came
    from, Zoom's next token, and the items' identities as Zoom sent them.

    Where the list holds one item back (``read_size``), ``pages`` is Zoom's token of the page each
    item came from (the items may span two) and ``upcoming`` the item held back, if any: it is
    not in ``data``, and a full page names it as the next page's first item.
    """

    data: Any
    cursor: PageCursor
    zoom_next: str | None
    identities: list[Identity] | None
    pages: list[str | None] | None = None
    upcoming: Identity | None = None

    @property
    def held_back(self) -> bool:
        return self.pages is not None


async def resume(context: CallContext, request: Request, spec: ToolSpec, page: Page, cursor: PageCursor) -> Resumed:
    """The items after the cursor's anchor: a page of them, and the one after where the list
    holds one back (read on to the next Zoom page for it when the anchor's page runs out)."""
    placed = await _place_anchor(context, request, spec, page, cursor)
    wanted = read_size(page, cursor)
    if wanted == cursor.size or placed.identities is None:
        return placed
    size = cursor.size
    items = list(_listed(placed.data, page) or [])
    identities = list(placed.identities)
    pages: list[str | None] = [placed.cursor.zoom] * len(items)
    token = placed.zoom_next
    for _ in range(MAX_RESUME_PAGES):
        if len(items) >= wanted or not token:
            break
        data = await context.send(_with_paging(request, spec, page, replace(cursor, zoom=token)))
        seen = {ident.id for ident in identities}
        for item in _listed(data, page) or []:
            ident = item_identity(item)
            if ident.id not in seen:  # an item added meanwhile pushes the last one onto this page
                items.append(item)
                identities.append(ident)
                pages.append(token)
        token = _zoom_next_token(data, page)
    # Items past the one held back were read, not returned: the next call reads their page again.
    upcoming = identities[size] if len(items) > size else None
    return Resumed(
        _with_items(placed.data, page, items[:size]),
        placed.cursor,
        token,
        identities[:size],
        pages[:size],
        upcoming,
    )


async def _place_anchor(
    context: CallContext, request: Request, spec: ToolSpec, page: Page, cursor: PageCursor
) -> Resumed:
    """Read Zoom's pages from ``cursor`` until the item after the cursor's anchor.

    Zoom's tokens are positions, so items added or removed since the last call move the anchor:
    added ones push it onto a later page (read on), removed ones pull it onto an earlier page,
    which shows as a page wholly after it (read again from the first page). A deleted anchor is
    placed by its sort key, or by the item that followed it. Where nothing can place it, the
    page is shown again whole: an item may repeat, none is lost.
    """
    anchor, token, restarted = cursor.anchor, cursor.zoom, False
    first: Resumed | None = None
    for _ in range(MAX_RESUME_PAGES):
        here = replace(cursor, zoom=token)
        data = await context.send(_with_paging(request, spec, page, here))
        zoom_next = _zoom_next_token(data, page)
        items = _listed(data, page)
        if items is None:
            return Resumed(data, here, zoom_next, None)
        identities = [item_identity(item) for item in items]
        if anchor is None:
            return Resumed(data, here, zoom_next, identities)
        first = first or Resumed(data, here, zoom_next, identities)
        place = _place(identities, anchor, first_page=token is None)
        if isinstance(place, int):
            if place < len(items) or not zoom_next:
                return Resumed(_with_items(data, page, items[place:]), here, zoom_next, identities[place:])
            anchor, token = None, zoom_next  # the anchor ended this page: the rest is on the next
        elif place == "earlier" and not restarted:
            token, restarted = None, True
        elif place == "earlier":
            return Resumed(data, here, zoom_next, identities)
        elif zoom_next:
            token = zoom_next  # "later" or "unknown": read on
        elif place == "later":
            return Resumed(_with_items(data, page, []), here, None, [])  # nothing after the anchor
        elif not restarted:
            token, restarted = None, True
        else:
            break
    assert first is not None
    return first


async def shape_listing(
    context: CallContext, request: Request, spec: ToolSpec, data: Any, resumed: Resumed
) -> ToolResult:
    """The page shaped to the budget. A page shown to its end, whose items have no sort key, also
    names the first item of Zoom's next page: should the last item shown be deleted before the
    next call, that one still marks where to resume. Lists that hold an item back know it
    already; others read the next page ahead for it."""
    page = spec.page
    assert page is not None
    budget = context.settings.result_budget
    cursor, zoom_next, identities = resumed.cursor, resumed.zoom_next, resumed.identities
    if resumed.held_back:
        following = resumed.upcoming.id if resumed.upcoming is not None else None
        return shape_page(data, page, cursor, zoom_next, budget, identities, following=following, pages=resumed.pages)
    result = shape_page(data, page, cursor, zoom_next, budget, identities)
    shown = (result.structured or {}).get(page.items)
    whole = isinstance(shown, list) and identities is not None and len(shown) == len(identities) > 0
    if not (whole and zoom_next and identities and identities[-1].key is None):
        return result
    ahead = await context.send(_with_paging(request, spec, page, replace(cursor, zoom=zoom_next)))
    upcoming = _listed(ahead, page)
    if not upcoming:
        return result
    return shape_page(data, page, cursor, zoom_next, budget, identities, following=item_identity(upcoming[0]).id)


def _place(identities: list[Identity], anchor: Anchor, *, first_page: bool) -> int | str:
    """Index of the first item after ``anchor`` on this page, or where to look: "later" (every
    item sorts at or before it), "earlier" (every item sorts after it), "unknown" (no keys)."""
    ids = [ident.id for ident in identities]
    if anchor.last.id in ids:
        return ids.index(anchor.last.id) + 1
    if anchor.following is not None and anchor.following in ids:
        return ids.index(anchor.following)
    if anchor.last.key is None or not identities or any(ident.key is None for ident in identities):
        return "unknown"
    after = [after_anchor(ident, anchor) for ident in identities]
    if True not in after:
        return "later"
    start = after.index(True)
    return start if start or first_page else "earlier"


def _listed(data: Any, page: Page) -> list[Any] | None:
    if isinstance(data, list):
        return data
    items = data.get(page.items) if isinstance(data, dict) else None
    if isinstance(data, dict) and items is None:
        return []
    return items if isinstance(items, list) else None


def _with_items(data: Any, page: Page, items: list[Any]) -> Any:
    return items if isinstance(data, list) else {**data, page.items: items}
