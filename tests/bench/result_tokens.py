"""Section 2: tokens of a tool result versus Zoom's raw JSON for the same data.

Raw = the bodies of the Zoom requests the tool itself made (recorded at the transport), counted
compact (as Zoom sends it) and pretty-printed. For the inbox, the tool reads list + per-message
metadata; a second baseline adds what an agent would fetch to read the mails (format=full GETs).

Wire size = the whole ``CallToolResult`` as JSON, as it travels to the client (what a client that
forwards the JSON or its repr pays): the default form (the text alone) next to the same call with
``ZOOM_MCP_STRUCTURED_CONTENT=1`` (text plus ``structuredContent``, the form before it was opt-in).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.bench import tasks
from tests.bench.common import RESULT_SHARE_OF_RAW, Figure, Unavailable, compact, pretty, ratio, tokens
from tests.bench.stack import Outcome, Stack, stack

SECTION = "result size"


@dataclass
class Case:
    label: str
    tool: str
    args: Callable[[Stack], Awaitable[dict[str, Any]]]


async def _inbox(s: Stack) -> dict[str, Any]:
    return {"label_ids": ["INBOX"], "page_size": 20}


async def _long_mail(s: Stack) -> dict[str, Any]:
    return {"message_id": await tasks.long_html_message_id(s)}


async def _history(s: Stack) -> dict[str, Any]:
    return {"to_channel": await tasks.big_channel_id(s), "page_size": 50}


async def _members(s: Stack) -> dict[str, Any]:
    return {"channel_id": await tasks.big_channel_id(s), "page_size": 50}


INBOX = Case("20-message inbox listing", "mail_list_messages", _inbox)
HISTORY = Case("50-message channel history", "chat_list_messages", _history)
CASES = [
    INBOX,
    Case("long HTML email read", "mail_get_message", _long_mail),
    HISTORY,
    Case("channel member list", "chat_list_channel_members", _members),
]
WIRE_CASES = [INBOX, HISTORY]


def leaf_values(obj: Any) -> list[str]:
    """Every scalar in a result, without keys or punctuation: the content floor of that result."""
    if isinstance(obj, dict):
        return [v for value in obj.values() for v in leaf_values(value)]
    if isinstance(obj, list):
        return [v for value in obj for v in leaf_values(value)]
    return [] if obj is None else [str(obj)]


def raw_tokens(bodies: list[Any]) -> tuple[int, int]:
    return sum(tokens(compact(b)) for b in bodies), sum(tokens(pretty(b)) for b in bodies)


async def _full_mail_bodies(s: Stack, outcome: Outcome) -> list[Any]:
    """The list response plus a format=full GET per listed message: reading the mails without the server."""
    listing = outcome.exchanges[0].json()
    ids = [m["id"] for m in (listing or {}).get("messages", [])]
    full = [await s.raw("GET", f"/emails/mailboxes/me/messages/{i}", {"format": "full"}) for i in ids]
    return [listing, *full]


async def _case(s: Stack, case: Case) -> list[Figure]:
    tasks.require_tools(s, case.tool)
    outcome = await s.call(case.tool, await case.args(s))
    if outcome.is_error:
        raise RuntimeError(f"{case.tool} failed: {outcome.text[:200]}")
    bodies = [e.json() for e in outcome.exchanges]
    raw_c, raw_p = raw_tokens(bodies)
    result = tokens(outcome.text)
    share = ratio(result, raw_c)
    floor = tokens("\n".join(leaf_values(outcome.structured))) if outcome.structured else None
    responses = f"{len(bodies)} response{'s' if len(bodies) != 1 else ''}"
    figures = [
        Figure(
            SECTION,
            f"{case.label} ({case.tool})",
            result,
            "tok",
            baseline=raw_c,
            baseline_label=f"raw JSON, {responses}",
            ratio=share,
            flag=f"> {RESULT_SHARE_OF_RAW:.0%} of raw" if share is not None and share > RESULT_SHARE_OF_RAW else "",
            note=f"raw pretty: {raw_p:,} tok ({ratio(result, raw_p):.2f}x); the values alone: {floor:,} tok",
            extra={
                "result_chars": len(outcome.text),
                "structured_tokens": tokens(compact(outcome.structured)) if outcome.structured else None,
                "values_only_tokens": floor,
                "raw_compact_tokens": raw_c,
                "raw_pretty_tokens": raw_p,
                "zoom_requests": [f"{e.method} {e.url}" for e in outcome.exchanges],
            },
        )
    ]
    if case.tool == "mail_list_messages":
        full_c, full_p = raw_tokens(await _full_mail_bodies(s, outcome))
        figures.append(
            Figure(
                SECTION,
                "  inbox listing vs list + format=full GETs",
                result,
                "tok",
                baseline=full_c,
                baseline_label="raw JSON, list + 20 format=full GETs",
                ratio=ratio(result, full_c),
                note=f"raw pretty: {full_p:,} tok; what an agent fetches to read the mails itself",
            )
        )
    return figures


async def _wire(case: Case, structured: bool) -> Outcome:
    # A fresh sandbox per form: the same seed, so both forms carry the same data.
    async with stack(structured_content=True if structured else None) as s:
        tasks.require_tools(s, case.tool)
        outcome = await s.call(case.tool, await case.args(s))
    if outcome.is_error:
        raise RuntimeError(f"{case.tool} failed: {outcome.text[:200]}")
    return outcome


async def _wire_case(case: Case) -> Figure:
    served, both = await _wire(case, structured=False), await _wire(case, structured=True)
    size, both_size = len(served.wire.encode()), len(both.wire.encode())
    return Figure(
        SECTION,
        f"  wire size: {case.label}",
        tokens(served.wire),
        "tok",
        baseline=tokens(both.wire),
        baseline_label="with structuredContent (ZOOM_MCP_STRUCTURED_CONTENT=1)",
        ratio=ratio(size, both_size),
        note=f"{size:,} bytes vs {both_size:,} bytes; structuredContent sent: {served.structured is not None}",
        extra={
            "wire_bytes": size,
            "wire_bytes_structured": both_size,
            "structured_sent": served.structured is not None,
        },
    )


async def _guarded(label: str, figures: list[Figure], make: Callable[[], Awaitable[list[Figure]]]) -> None:
    try:
        figures += await make()
    except Unavailable as exc:
        figures.append(Figure(SECTION, label, None, note=f"n/a ({exc})"))
    except Exception as exc:  # one broken tool must not hide the other cases
        figures.append(Figure(SECTION, label, None, note=f"n/a (error: {type(exc).__name__}: {exc})"))


async def run(quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    # With structuredContent on: the text is measured either way, and the values floor needs the data.
    async with stack(structured_content=True) as s:
        for case in CASES:
            await _guarded(case.label, figures, lambda case=case: _case(s, case))  # type: ignore[misc]
    for case in WIRE_CASES:

        async def wire(case: Case = case) -> list[Figure]:
            return [await _wire_case(case)]

        await _guarded(f"wire size: {case.label}", figures, wire)
    return figures
