"""Shared fixtures: an in-process sandbox Zoom, an executor wired to it, and MCP clients.

``client`` is a factory: ``async with client(mode="legacy", scopes="chat_message:read") as c``
opens an SDK ``Client`` on a fresh ``ZoomServer`` whose executor talks to a sandbox over an ASGI
transport, with real server-to-server OAuth. ``c.zoom_server`` and ``c.sandbox`` give the test
the server and the sandbox behind it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from mcp import Client

from zoom_mcp.config import Settings

if TYPE_CHECKING:
    from zoom_mcp.engine.executor import Executor
    from zoom_mcp.sandbox import Sandbox
    from zoom_mcp.serving.server import ZoomServer

# Never resolved: the ASGI transport routes every request to the sandbox app in-process.
SANDBOX_URL = "http://sandbox.test"
CALL_TIMEOUT = 20.0
# The SDK client's protocol modes: "auto" negotiates the current protocol, "legacy" the initialize handshake.
MODES = ["auto", "legacy"]
# For tests that read ids from the results, as a programmatic client would.
STRUCTURED = {"ZOOM_MCP_STRUCTURED_CONTENT": "1"}


def sandbox_settings(sandbox: Sandbox, env: Mapping[str, str] | None = None) -> Settings:
    """Settings pointing at ``sandbox``, plus extra environment variables (``ZOOM_MCP_RESULT_BUDGET``, ...)."""
    return Settings.from_env({**sandbox.settings_env(base_url=SANDBOX_URL), **(env or {})})


def sandbox_executor(sandbox: Sandbox, settings: Settings) -> Executor:
    # Imported here so test modules that need none of this still collect while parts are missing.
    from zoom_mcp.engine.executor import Executor

    return Executor(settings, transport=httpx2.ASGITransport(app=sandbox.app))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the developer's own Zoom settings, proxies or CA bundles reach the command under test."""
    from tests.local_servers import PROXY_VARIABLES, TLS_VARIABLES
    from zoom_mcp.config import ENVIRONMENT

    for name in (*(name for name, _, _ in ENVIRONMENT), *PROXY_VARIABLES, *TLS_VARIABLES):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Faults surface at once instead of after retries with backoff."""
    monkeypatch.setenv("ZOOM_MCP_MAX_RETRIES", "0")


@pytest.fixture
def sandbox() -> Sandbox:
    from zoom_mcp.sandbox import Sandbox

    return Sandbox()


@pytest.fixture
def settings(sandbox: Sandbox) -> Settings:
    return sandbox_settings(sandbox)


@pytest.fixture
async def executor(sandbox: Sandbox, settings: Settings) -> AsyncIterator[Executor]:
    async with sandbox_executor(sandbox, settings) as entered:
        yield entered


@asynccontextmanager
async def open_server(
    sandbox: Sandbox, env: Mapping[str, str] | None = None, **server_kwargs: Any
) -> AsyncIterator[ZoomServer]:
    """A ZoomServer on its own executor against ``sandbox``."""
    from zoom_mcp.serving.server import ZoomServer

    settings = sandbox_settings(sandbox, env)
    async with sandbox_executor(sandbox, settings) as executor:
        yield ZoomServer(executor, settings, **server_kwargs)


ServerFactory = Callable[..., AbstractAsyncContextManager["ZoomServer"]]
ClientFactory = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def server_factory() -> ServerFactory:
    """``async with server_factory(sandbox, env) as server``: a ZoomServer on its own executor."""
    return open_server


@pytest.fixture
def client(sandbox: Sandbox) -> ClientFactory:
    """Open in-process clients: ``client(mode=..., scopes=..., env=..., sandbox=..., **Client kwargs)``.

    ``scopes`` builds a fresh sandbox granting only those scopes (ignored when ``sandbox`` is given);
    otherwise the test's ``sandbox`` fixture is used, so the test can inspect or change it.
    """
    default_sandbox = sandbox

    @asynccontextmanager
    async def open_client(
        *,
        mode: str = "auto",
        scopes: str | None = None,
        env: Mapping[str, str] | None = None,
        sandbox: Sandbox | None = None,
        server_kwargs: Mapping[str, Any] | None = None,
        **client_kwargs: Any,
    ) -> AsyncIterator[Client]:
        from zoom_mcp.sandbox import Sandbox

        box = sandbox or (Sandbox(scopes=scopes) if scopes is not None else default_sandbox)
        async with open_server(box, env, **(server_kwargs or {})) as server:
            client_kwargs.setdefault("read_timeout_seconds", CALL_TIMEOUT)
            # The tool list changes with scopes during a test; never serve it from the client cache.
            client_kwargs.setdefault("cache", None)
            async with Client(server, mode=mode, **client_kwargs) as connected:
                connected.zoom_server = server  # type: ignore[attr-defined]
                connected.sandbox = box  # type: ignore[attr-defined]
                yield connected

    return open_client


@pytest.fixture(scope="session")
def zoom_specs() -> dict[str, dict[str, Any]]:
    """Zoom's official OpenAPI documents by product (``chat``, ``mail``); skips when they are absent."""
    from tests.zoom_spec import require_specs

    return require_specs()


# ---- remote mode: a sandbox Zoom on a loopback port, and PostgreSQL ----------------------------


@pytest.fixture
def zoom() -> Iterator[tuple[Sandbox, str]]:
    """A sandbox Zoom set up for remote mode, served on a loopback port, and its base URL."""
    from tests.local_servers import served_sandbox
    from tests.remote_parts import remote_sandbox

    sandbox = remote_sandbox()
    with served_sandbox(sandbox) as port:
        yield sandbox, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL URL: ZOOM_MCP_TEST_POSTGRES_URL (CI starts one), else a throwaway cluster."""
    from tests.remote_parts import postgres_cluster

    with postgres_cluster() as url:
        if url is None:
            pytest.skip("no PostgreSQL: neither ZOOM_MCP_TEST_POSTGRES_URL nor initdb/pg_ctl (and runuser as root)")
        yield url
