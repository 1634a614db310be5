"""Section "peer": zoom-mcp next to a FastMCP server generated from Zoom's OpenAPI, in the same run.

Both serve the same operations (the peer is restricted to the ones the user-level default catalog
covers) on the same seeded sandbox and are driven by the same SDK client. Figures, ours vs the peer:
catalog tokens (wire and model-visible), result tokens, MCP calls and Zoom requests for fixed
tasks, in-process and stdio latency for three reads, cold start, throughput at 1/8/32 clients; and
against the floors: a direct HTTP request (latency, throughput), the bare SDK server (cold start).
All timings are medians of interleaved runs (ours, peer, floor in turn), so machine load hits all.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import peer_build, tasks
from tests.bench.coldstart import BARE, ZOOM_MCP, first_tools_list
from tests.bench.common import PYTHON, USER_LEVEL_SCOPES, Figure, Unavailable, compact, median, ratio, tokens
from tests.bench.stack import TOKEN_PATH, Stack, stack, wire_tools

SECTION = "vs peer"
PEER_LABEL = "FastMCP-from-OpenAPI peer"
TOOLS_PER_TOOL_BUDGET = 100
MODEL_VISIBLE = ("name", "description", "inputSchema")


@dataclass
class Pair:
    """Our stack and the peer on the same sandbox; ``peer_names`` maps our tool to the peer's."""

    s: Stack
    peer: Any  # mcp.Client connected to the peer
    peer_server: Any  # the SDK server inside FastMCP
    spec: dict[str, Any]
    peer_names: dict[str, str]

    def requests(self) -> int:
        return sum(1 for r in self.s.sandbox.requests if TOKEN_PATH not in r[1])

    async def ours(self, tool: str, args: dict[str, Any]) -> str:
        return await _text(self.s.client, tool, args)

    async def theirs(self, tool: str, args: dict[str, Any]) -> str:
        return await _text(self.peer, self.peer_names[tool], args)


async def _text(client: Any, tool: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(tool, args)
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    if result.is_error:
        raise RuntimeError(f"{tool} failed: {text[:200]}")
    return text


@asynccontextmanager
async def pair() -> AsyncIterator[Pair]:
    import httpx2
    from mcp import Client

    async with AsyncExitStack() as exits:
        s = await exits.enter_async_context(stack(scopes=USER_LEVEL_SCOPES, record=False))
        spec, names = peer_build.restricted_spec((spec.method, spec.path) for spec in s.server.registered)
        token = await s.executor.auth.token()
        peer = peer_build.build(spec, s.settings.api_base_url, token, httpx2.ASGITransport(app=s.sandbox.app))
        server = peer_build.low_level(peer)
        client = await exits.enter_async_context(Client(server))
        ours_to_peer = {
            spec.name: names[key]
            for spec in s.server.registered
            if (key := peer_build.shape(spec.method, spec.path)) in names
        }
        yield Pair(s, client, server, spec, ours_to_peer)


# ---- catalog --------------------------------------------------------------------------------------


def _catalog_stats(tools: list[dict[str, Any]]) -> dict[str, Any]:
    wire = [tokens(compact(t)) for t in tools]
    visible = [tokens(compact({k: t[k] for k in MODEL_VISIBLE if k in t})) for t in tools]
    top = max(range(len(tools)), key=lambda i: visible[i])
    return {
        "tools": len(tools),
        "wire_total": tokens(compact(tools)),
        "wire_per_tool": sum(wire) / len(tools),
        "wire_max": max(wire),
        "visible_total": sum(visible),
        "visible_per_tool": sum(visible) / len(tools),
        "visible_max": visible[top],
        "visible_max_name": tools[top]["name"],
    }


async def catalog_figures(p: Pair) -> list[Figure]:
    ours = _catalog_stats(wire_tools(await p.s.client.list_tools()))
    peer = _catalog_stats(wire_tools(await p.peer.list_tools()))
    label = f"{ours['tools']} vs {peer['tools']} tools"
    per_tool = ours["visible_per_tool"]

    def fig(name: str, key: str, note: str = "", flag: str = "") -> Figure:
        return Figure(
            SECTION,
            name,
            round(ours[key]),
            "tok",
            baseline=round(peer[key]),
            baseline_label=PEER_LABEL,
            ratio=ratio(ours[key], peer[key]),
            note=note,
            flag=flag,
            extra={"ours": ours, "peer": peer},
        )

    return [
        fig(f"catalog, model-visible (name, description, inputSchema), user-level default ({label})", "visible_total"),
        fig(
            "  model-visible per tool",
            "visible_per_tool",
            note=f"budget {TOOLS_PER_TOOL_BUDGET} tok/tool",
            flag=f"> {TOOLS_PER_TOOL_BUDGET} tok/tool" if per_tool > TOOLS_PER_TOOL_BUDGET else "",
        ),
        fig(
            "  model-visible max",
            "visible_max",
            note=f"ours: {ours['visible_max_name']}; peer: {peer['visible_max_name']}",
        ),
        fig("catalog, wire (whole tools/list entries)", "wire_total"),
        fig("  wire per tool", "wire_per_tool"),
        fig("  wire max", "wire_max"),
    ]


# ---- fixed tasks: result tokens, MCP calls, Zoom requests -------------------------------------------


@dataclass
class Run:
    texts: list[str]
    requests: int

    @property
    def calls(self) -> int:
        return len(self.texts)


async def _counted(p: Pair, steps: Callable[[list[str]], Awaitable[None]]) -> Run:
    before, texts = p.requests(), []
    await steps(texts)
    return Run(texts, p.requests() - before)


def _json(text: str) -> dict[str, Any]:
    """A peer result as data: FastMCP wraps some bodies in ``{"result": ...}``."""
    data = json.loads(text)
    return data.get("result", data) if isinstance(data, dict) else {}


def _ids(text: str, key: str, field: str = "id") -> list[str]:
    return [str(item[field]) for item in (_json(text).get(key) or [])]


async def task_unread(p: Pair) -> tuple[Run, Run]:
    async def ours(out: list[str]) -> None:
        out.append(await p.ours("mail_list_messages", {"label_ids": ["UNREAD"], "page_size": 20}))

    async def theirs(out: list[str]) -> None:
        listing = await p.theirs("mail_list_messages", {"email": "me", "labelIds": "UNREAD", "maxResults": "20"})
        out.append(listing)
        # The list is ids only: who wrote what needs one metadata GET per message.
        for message_id in _ids(listing, "messages"):
            args = {"email": "me", "messageId": message_id, "format": "metadata"}
            out.append(await p.theirs("mail_get_message", args))

    return await _counted(p, ours), await _counted(p, theirs)


async def task_unread_again(p: Pair) -> tuple[Run, Run]:
    """The same question a minute later, nothing changed: what a second listing costs."""
    await task_unread(p)
    return await task_unread(p)


async def task_long_mail(p: Pair) -> tuple[Run, Run]:
    message_id = await tasks.long_html_message_id(p.s)

    async def ours(out: list[str]) -> None:
        out.append(await p.ours("mail_get_message", {"message_id": message_id}))

    async def theirs(out: list[str]) -> None:
        out.append(await p.theirs("mail_get_message", {"email": "me", "messageId": message_id}))

    return await _counted(p, ours), await _counted(p, theirs)


async def task_history(p: Pair) -> tuple[Run, Run]:
    async def ours(out: list[str]) -> None:
        channels = await p.ours("chat_list_channels", {"page_size": 50})
        out.append(channels)
        out.append(await p.ours("chat_list_messages", {"to_channel": await tasks.big_channel_id(p.s), "page_size": 50}))

    async def theirs(out: list[str]) -> None:
        channels = await p.theirs("chat_list_channels", {"userId": "me", "page_size": 50})
        out.append(channels)
        found = [c["id"] for c in _json(channels).get("channels", []) if c.get("name") == tasks.BIG_CHANNEL]
        args = {"userId": "me", "to_channel": found[0], "page_size": 50}
        out.append(await p.theirs("chat_list_messages", args))

    return await _counted(p, ours), await _counted(p, theirs)


async def task_members(p: Pair) -> tuple[Run, Run]:
    channel = await tasks.big_channel_id(p.s)

    async def ours(out: list[str]) -> None:
        out.append(await p.ours("chat_list_channel_members", {"channel_id": channel, "page_size": 50}))

    async def theirs(out: list[str]) -> None:
        out.append(await p.theirs("chat_list_channel_members", {"channelId": channel, "page_size": 50}))

    return await _counted(p, ours), await _counted(p, theirs)


TASKS: list[tuple[str, Callable[[Pair], Awaitable[tuple[Run, Run]]]]] = [
    ("what is unread in my inbox (20 rows with sender and subject)", task_unread),
    ("  same question again, mailbox unchanged", task_unread_again),
    ("long HTML email read", task_long_mail),
    ("summarize the last 50 messages of #channel", task_history),
    ("channel member list (50)", task_members),
]


async def task_figures(p: Pair) -> list[Figure]:
    figures = []
    for label, task in TASKS:
        ours, peer = await task(p)
        ours_tok, peer_tok = sum(tokens(t) for t in ours.texts), sum(tokens(t) for t in peer.texts)
        figures.append(
            Figure(
                SECTION,
                f"result tokens: {label}",
                ours_tok,
                "tok",
                baseline=peer_tok,
                baseline_label=PEER_LABEL,
                ratio=ratio(ours_tok, peer_tok),
                note=f"MCP calls {ours.calls} vs {peer.calls}; Zoom requests {ours.requests} vs {peer.requests}",
                extra={"calls": [ours.calls, peer.calls], "zoom_requests": [ours.requests, peer.requests]},
            )
        )
    return figures


# ---- latency ---------------------------------------------------------------------------------------


@dataclass
class Read:
    label: str
    ours: tuple[str, dict[str, Any]]
    peer: tuple[str, dict[str, Any]]  # peer tool under our tool's name, and its arguments
    direct: tuple[str, dict[str, Any]]  # the floor: the one Zoom request, path and query
    fresh: bool = False  # clear our decoded-body cache before each call: a first read, not a re-read


async def reads(s: Stack) -> list[Read]:
    channel = await tasks.big_channel_id(s)
    message_id = await tasks.long_html_message_id(s)
    return [
        Read(
            "small read (10 channel members)",
            ("chat_list_channel_members", {"channel_id": channel, "page_size": 10}),
            ("chat_list_channel_members", {"channelId": channel, "page_size": 10}),
            (f"/chat/channels/{channel}/members", {"page_size": 10}),
        ),
        Read(
            "long HTML mail, first read",
            ("mail_get_message", {"message_id": message_id}),
            ("mail_get_message", {"email": "me", "messageId": message_id}),
            (f"/emails/mailboxes/me/messages/{message_id}", {"format": "full"}),
            fresh=True,
        ),
        Read(
            "long HTML mail, read again",
            ("mail_get_message", {"message_id": message_id}),
            ("mail_get_message", {"email": "me", "messageId": message_id}),
            (f"/emails/mailboxes/me/messages/{message_id}", {"format": "full"}),
        ),
        Read(
            "inbox listing, 20 rows (ours: repeat, list + history; peer: ids only)",
            ("mail_list_messages", {"label_ids": ["INBOX"], "page_size": 20}),
            ("mail_list_messages", {"email": "me", "labelIds": "INBOX", "maxResults": "20"}),
            ("/emails/mailboxes/me/messages", {"labelIds": "INBOX", "maxResults": 20}),
        ),
    ]


async def _fresh(read: Read, client: Any) -> str:
    if read.fresh:
        forget_decoded_bodies()
    return await _text(client, *read.ours)


def forget_decoded_bodies() -> None:
    from zoom_mcp.codecs import mime

    clear = getattr(getattr(mime, "html_excerpt", None), "cache_clear", None)
    if clear is not None:
        clear()


async def _timed(call: Callable[[], Awaitable[Any]]) -> float:
    t0 = time.perf_counter()
    await call()
    return time.perf_counter() - t0


async def inprocess_latency(p: Pair, calls: int) -> list[Figure]:
    figures = []
    for read in await reads(p.s):
        legs: list[Callable[[], Awaitable[Any]]] = [
            lambda r=read: _fresh(r, p.s.client),
            lambda r=read: p.theirs(*r.peer),
            lambda r=read: p.s.raw("GET", *r.direct),
        ]
        for leg in legs:  # warm-up: first-use caches on every side
            await leg()
        samples: list[list[float]] = [[], [], []]
        for i in range(calls):
            order = list(range(3)) if i % 2 == 0 else [2, 1, 0]
            for k in order:
                samples[k].append(await _timed(legs[k]))
        figures.append(_latency_figure(f"in-process latency: {read.label}", samples, "direct httpx2 request"))
    return figures


def _latency_figure(name: str, samples: list[list[float]], floor_label: str) -> Figure:
    ours, peer, floor = (median(x) * 1000 for x in samples)
    return Figure(
        SECTION,
        name,
        round(ours, 2),
        "ms",
        baseline=round(peer, 2),
        baseline_label=PEER_LABEL,
        ratio=ratio(ours, peer),
        note=f"floor ({floor_label}) {floor:.2f} ms: ours {ours / floor:.2f}x, peer {peer / floor:.2f}x; "
        f"median of {len(samples[0])}, interleaved",
        extra={"floor_ms": floor, "samples_s": samples},
    )


async def stdio_latency(p: Pair, spec_file: Path, calls: int) -> list[Figure]:
    """The same reads over stdio: each server in its own process on its own (identically seeded) sandbox."""
    from mcp import Client, StdioServerParameters

    from tests.bench.procs import child_env

    def params(cmd: list[str]) -> Any:
        return StdioServerParameters(command=cmd[0], args=cmd[1:], env=child_env())

    figures = []
    async with AsyncExitStack() as exits:
        ours = await exits.enter_async_context(Client(params(ZOOM_MCP)))
        peer = await exits.enter_async_context(Client(params(peer_command(spec_file))))
        bare = await exits.enter_async_context(Client(params(BARE)))
        for read in [r for r in await reads(p.s) if not r.fresh]:
            legs: list[Callable[[], Awaitable[Any]]] = [
                lambda r=read: _text(ours, *r.ours),
                lambda r=read: _text(peer, p.peer_names[r.peer[0]], r.peer[1]),
                # Floor over stdio: the bare SDK server's echo, i.e. the transport and protocol alone.
                lambda: _text(bare, "echo", {"text": "x"}),
            ]
            for leg in legs:
                await leg()
            samples: list[list[float]] = [[], [], []]
            for i in range(calls):
                order = list(range(3)) if i % 2 == 0 else [2, 1, 0]
                for k in order:
                    samples[k].append(await _timed(legs[k]))
            figures.append(_latency_figure(f"stdio latency: {read.label}", samples, "bare SDK server echo over stdio"))
    return figures


# ---- cold start ------------------------------------------------------------------------------------


def peer_command(spec_file: Path) -> list[str]:
    return [PYTHON, "-m", "tests.bench.peer_server", str(spec_file)]


def cold_start_figures(spec_file: Path, runs: int) -> list[Figure]:
    commands = {"ours": ZOOM_MCP, "peer": peer_command(spec_file), "bare": BARE}
    timeout = 30.0
    for cmd in commands.values():  # untimed: warm bytecode and page caches for all three
        first_tools_list(cmd, timeout)
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    counts: dict[str, int] = {}
    for i in range(runs):
        names = list(commands) if i % 2 == 0 else list(reversed(commands))
        for name in names:
            start = first_tools_list(commands[name], timeout)
            walls[name].append(start.wall)
            cpus[name].append(start.cpu)
            counts[name] = len(start.tools)
    figures = []
    for kind, values in (("wall", walls), ("CPU", cpus)):
        ours, peer, bare = (median(values[k]) * 1000 for k in ("ours", "peer", "bare"))
        figures.append(
            Figure(
                SECTION,
                f"cold start, stdio spawn -> first tools/list ({kind}), --sandbox"
                if kind == "wall"
                else "  same, CPU time of the server process",
                round(ours),
                "ms",
                baseline=round(peer),
                baseline_label=PEER_LABEL,
                ratio=ratio(ours, peer),
                note=f"floor (bare SDK server, 1 tool) {bare:.0f} ms: "
                f"ours {ours / bare:.2f}x, peer {peer / bare:.2f}x; "
                f"{counts['ours']} vs {counts['peer']} tools; median of {runs}, interleaved",
                flag=f"> 1.10x bare server ({ours / bare:.2f}x)" if kind == "wall" and ours / bare > 1.10 else "",
                extra={"bare_ms": bare, "samples_s": {k: v for k, v in values.items()}},
            )
        )
    return figures


# ---- throughput ------------------------------------------------------------------------------------


async def throughput_figures(p: Pair, clients: tuple[int, ...], seconds: float) -> list[Figure]:
    """Calls/s with N concurrent SDK clients (N sessions on the same server) running the three reads
    in turn, for ours, the peer and the floor (the direct request), one after the other per N."""
    from mcp import Client

    read_list = [r for r in await reads(p.s) if not r.fresh]

    async def ours_worker(stop: float, count: list[int]) -> None:
        async with Client(p.s.server) as client:
            i = 0
            while time.monotonic() < stop:
                tool, args = read_list[i % len(read_list)].ours
                await _text(client, tool, args)
                count[0] += 1
                i += 1

    async def peer_worker(stop: float, count: list[int]) -> None:
        async with Client(p.peer_server) as client:
            i = 0
            while time.monotonic() < stop:
                tool, args = read_list[i % len(read_list)].peer
                await _text(client, p.peer_names[tool], args)
                count[0] += 1
                i += 1

    async def floor_worker(stop: float, count: list[int]) -> None:
        i = 0
        while time.monotonic() < stop:
            await p.s.raw("GET", *read_list[i % len(read_list)].direct)
            count[0] += 1
            i += 1

    async def rate(worker: Callable[[float, list[int]], Awaitable[None]], n: int) -> float:
        count = [0]
        t0 = time.monotonic()
        await asyncio.gather(*(worker(t0 + seconds, count) for _ in range(n)))
        return count[0] / (time.monotonic() - t0)

    figures = []
    for n in clients:
        ours, peer, floor = await rate(ours_worker, n), await rate(peer_worker, n), await rate(floor_worker, n)
        figures.append(
            Figure(
                SECTION,
                f"throughput in process, {n} client{'s' if n > 1 else ''} (calls/s)",
                round(ours, 1),
                "calls/s",
                baseline=round(peer, 1),
                baseline_label=PEER_LABEL,
                ratio=ratio(ours, peer),
                note=f"floor (direct requests) {floor:.0f}/s: ours {ours / floor:.2f}x, peer {peer / floor:.2f}x; "
                f"{seconds:.0f} s each; mix: the three reads above",
            )
        )
    return figures


# ---- the section -----------------------------------------------------------------------------------


async def run(quick: bool) -> list[Figure]:
    peer_build.spec_folder()  # a clear skip line when the documents are absent
    peer_build.fastmcp_module()
    figures: list[Figure] = []
    async with pair() as p:
        with tempfile.TemporaryDirectory() as tmp:
            spec_file = Path(tmp) / "peer-openapi.json"
            spec_file.write_text(json.dumps(p.spec))
            parts: list[tuple[str, Callable[[], Awaitable[list[Figure]]]]] = [
                ("catalog", lambda: catalog_figures(p)),
                ("tasks", lambda: task_figures(p)),
                ("in-process latency", lambda: inprocess_latency(p, 30 if quick else 150)),
                ("stdio latency", lambda: stdio_latency(p, spec_file, 15 if quick else 60)),
                ("cold start", lambda: asyncio.to_thread(cold_start_figures, spec_file, 3 if quick else 9)),
                ("throughput", lambda: throughput_figures(p, (1, 8, 32), 1.5 if quick else 4.0)),
            ]
            for label, part in parts:
                try:
                    figures += await part()
                except Unavailable as exc:
                    figures.append(Figure(SECTION, label, None, note=f"n/a ({exc})"))
                except Exception as exc:  # one broken part must not hide the others
                    figures.append(Figure(SECTION, label, None, note=f"n/a (error: {type(exc).__name__}: {exc})"))
    return figures
