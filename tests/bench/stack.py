"""The project's parts as the benchmarks use them: sandbox, executor, server and an SDK client.

Each accessor raises ``Unavailable`` with a reason when its part has not landed, so a section
turns into "n/a (reason)" instead of failing the whole run.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.bench.common import Unavailable

TOKEN_PATH = "/oauth/token"


def module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(f"{name} not importable: {exc}") from exc


def attr(module_name: str, name: str) -> Any:
    value = getattr(module(module_name), name, None)
    if value is None:
        raise Unavailable(f"{module_name}.{name} not written yet")
    return value


@dataclass
class Exchange:
    """One HTTP request the executor made and what the sandbox answered."""

    method: str
    url: str
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return self.body.decode(errors="replace")

    @property
    def is_token_request(self) -> bool:
        return TOKEN_PATH in self.url


@dataclass
class Recorder:
    exchanges: list[Exchange] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.exchanges)

    def api_since(self, mark: int) -> list[Exchange]:
        """Zoom API requests since ``mark``; token requests are auth, not the task's work."""
        return [e for e in self.exchanges[mark:] if not e.is_token_request]


def asgi_transport(app: Any, recorder: Recorder | None = None) -> Any:
    """The sandbox's ASGI transport; with a recorder, every response body is kept for comparison."""
    httpx2 = module("httpx2")
    inner = httpx2.ASGITransport(app=app)
    if recorder is None:
        return inner

    class RecordingTransport(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: Any) -> Any:
            response = await inner.handle_async_request(request)
            body = await response.aread()
            recorder.exchanges.append(Exchange(request.method, str(request.url), response.status_code, body))
            return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)

        async def aclose(self) -> None:
            await inner.aclose()

    return RecordingTransport()


@dataclass
class Outcome:
    """What one tools/call returned, and the Zoom requests it cost."""

    text: str
    structured: Any
    is_error: bool
    exchanges: list[Exchange]  # recorded at the transport, with bodies
    logged: list[tuple[str, str, int]]  # the sandbox's own request log for the call (method, path, status)
    wire: str = ""  # the whole CallToolResult as JSON, as it travels to the client


@dataclass
class Stack:
    """An in-process sandbox, executor and server, with an SDK client connected to the server."""

    sandbox: Any
    settings: Any
    executor: Any
    server: Any
    client: Any
    http: Any  # a plain httpx2 client on the same sandbox, for the direct (raw) requests
    recorder: Recorder

    async def call(self, tool: str, args: dict[str, Any]) -> Outcome:
        mark, logged = self.recorder.mark(), len(self.sandbox.requests)
        result = await self.client.call_tool(tool, args)
        text = "\n".join(getattr(block, "text", "") for block in result.content)
        log = [r for r in self.sandbox.requests[logged:] if TOKEN_PATH not in r[1]]
        wire = json.dumps(result.model_dump(mode="json", by_alias=True, exclude_none=True), separators=(",", ":"))
        return Outcome(text, result.structured_content, bool(result.is_error), self.recorder.api_since(mark), log, wire)

    async def raw(self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        """A direct Zoom request, as an agent without this server would make it."""
        response = await self.http.request(method, path, params=params, json=body)
        response.raise_for_status()
        return response.json() if response.content else None


def new_sandbox(*, scopes: frozenset[str] | None = None, rate_limits: bool = False) -> Any:
    cls = attr("zoom_mcp.sandbox", "Sandbox")
    return cls(scopes=" ".join(sorted(scopes)) if scopes is not None else None, rate_limits=rate_limits)


def settings_for(sandbox: Any, **overrides: Any) -> Any:
    """Settings the way ``--sandbox`` makes them: the sandbox's own environment, nothing inherited."""
    settings_cls = attr("zoom_mcp.config", "Settings")
    return settings_cls.from_env(sandbox.settings_env(), **overrides)


@asynccontextmanager
async def stack(
    *,
    scopes: frozenset[str] | None = None,
    read_only: bool = False,
    rate_limits: bool = False,
    record: bool = True,
    **settings_overrides: Any,
) -> AsyncIterator[Stack]:
    executor_cls = attr("zoom_mcp.engine.executor", "Executor")
    server_cls = attr("zoom_mcp.serving.server", "ZoomServer")
    from mcp import Client

    httpx2 = module("httpx2")
    sandbox = new_sandbox(scopes=scopes, rate_limits=rate_limits)
    settings = settings_for(sandbox, read_only=read_only or None, **settings_overrides)
    recorder = Recorder()
    async with AsyncExitStack() as stack_:
        executor = await stack_.enter_async_context(
            executor_cls(settings, transport=asgi_transport(sandbox.app, recorder if record else None))
        )
        server = server_cls(executor, settings)
        client = await stack_.enter_async_context(Client(server))
        token = await executor.auth.token()
        http = await stack_.enter_async_context(
            httpx2.AsyncClient(
                transport=asgi_transport(sandbox.app),
                base_url=settings.api_base_url,
                headers={"Authorization": f"Bearer {token}"},
            )
        )
        yield Stack(sandbox, settings, executor, server, client, http, recorder)


def wire_tools(result: Any) -> list[dict[str, Any]]:
    """Tools as they travel in a tools/list result (camelCase, no unset fields)."""
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in result.tools]


async def served_tool_list(scopes: frozenset[str] | None, read_only: bool) -> list[dict[str, Any]]:
    """The tools/list result exactly as an SDK client receives it from the server."""
    async with stack(scopes=scopes, read_only=read_only, record=False) as s:
        return wire_tools(await s.client.list_tools())


def walk(obj: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a JSON value, depth first: results' shapes differ, ids are found by content."""
    if isinstance(obj, dict):
        yield obj
        for value in obj.values():
            yield from walk(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from walk(value)


def find(obj: Any, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    return next((d for d in walk(obj) if predicate(d)), None)


def rate_limit_env() -> dict[str, str]:
    """Environment that turns the sandbox's per-label rate limits on in ``--sandbox`` mode."""
    raise Unavailable("no switch for sandbox rate limits in --sandbox mode yet")


def count_429s_in_log(path: Any) -> int | None:
    """How many 429s the sandbox served during a server run, when the server reports it."""
    return None
