"""How the server is reached: stdio, legacy HTTP+SSE, Streamable HTTP.

HTTP binds loopback by default and keeps the SDK's DNS-rebinding protection there. Binding any
other address exposes the user's Zoom account to the network, so it is refused unless an access
token is configured, and then every request must present it. That token only admits MCP
clients; Zoom is always called with the server's own credentials.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import ipaddress
import json
import socket
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any, BinaryIO, cast

import anyio
import anyio.from_thread
import anyio.lowlevel
import uvicorn
from mcp.server import Server
from mcp.server.sse import SseServerTransport
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from zoom_mcp.config import MAKE_TOKEN

HEALTH_PATH = "/healthz"
MCP_PATH = "/mcp"
SSE_PATH = "/sse"
MESSAGES_PATH = "/messages/"


class BindRefused(Exception):
    """A bind that would expose the server without an access token."""


class BindFailed(Exception):
    """The address cannot be listened on (taken, not this machine's, not allowed)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, http_token: str | None) -> None:
    if not is_loopback(host) and not http_token:
        raise BindRefused(
            f"refusing to listen on {host}: anyone who can reach it could use your Zoom account. "
            "Set ZOOM_MCP_HTTP_TOKEN to a long random secret (make one with "
            f"{MAKE_TOKEN}; clients then send 'Authorization: Bearer <token>'), "
            "or keep the default --host 127.0.0.1."
        )


def transport_security(host: str) -> TransportSecuritySettings:
    """DNS-rebinding protection: loopback names always, plus the bound address when it is a specific one."""
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if is_loopback(host):
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
        )
    if host in ("0.0.0.0", "::", ""):
        # A wildcard bind is reached under names we cannot know; the required bearer token is what
        # stops a rebinding page (it cannot read or guess the token).
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    named = f"[{host}]" if ":" in host else host
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[*hosts, f"{named}:*"],
        allowed_origins=[*origins, f"http://{named}:*", f"https://{named}:*"],
    )


class BearerTokenMiddleware:
    """Every HTTP request except the health check must carry ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != HEALTH_PATH and not self._authorized(scope):
            body = json.dumps({"error": "unauthorized", "error_description": "missing or wrong bearer token"})
            response = Response(
                body, status_code=401, media_type="application/json", headers={"WWW-Authenticate": "Bearer"}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        presented = next((value for name, value in scope["headers"] if name == b"authorization"), b"")
        # Constant time: the comparison must not tell an attacker how much of the token matched.
        return hmac.compare_digest(presented, self._expected)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _guarded(app: Starlette, http_token: str | None) -> ASGIApp:
    return BearerTokenMiddleware(app, http_token) if http_token else app


def streamable_http_app(
    server: Server[Any],
    *,
    host: str = "127.0.0.1",
    http_token: str | None = None,
    json_response: bool = False,
    stateless: bool = False,
) -> ASGIApp:
    """Streamable HTTP at /mcp (both protocol eras), plus GET /healthz."""
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        json_response=json_response,
        stateless_http=stateless,
        transport_security=transport_security(host),
        host=host,
        custom_starlette_routes=[Route(HEALTH_PATH, healthz, methods=["GET"])],
    )
    return _guarded(app, http_token)


class _SseEndpoint:
    """GET /sse: one MCP connection per event stream (an ASGI app, as the transport writes the response)."""

    def __init__(self, server: Server[Any], transport: SseServerTransport) -> None:
        self.server = server
        self.transport = transport

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with self.transport.connect_sse(scope, receive, send) as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())


def sse_app(server: Server[Any], *, host: str = "127.0.0.1", http_token: str | None = None) -> ASGIApp:
    """The legacy HTTP+SSE transport: GET /sse opens the stream, POST /messages/ sends."""
    transport = SseServerTransport(MESSAGES_PATH, security_settings=transport_security(host))
    app = Starlette(
        routes=[
            Route(HEALTH_PATH, healthz, methods=["GET"]),
            Route(SSE_PATH, _SseEndpoint(server, transport), methods=["GET"]),
            Mount(MESSAGES_PATH, app=transport.handle_post_message),
        ]
    )
    return _guarded(app, http_token)


class _StdinLines:
    """Lines of a binary stdin, read by a daemon thread.

    The SDK reads stdin in a worker thread that cannot be abandoned, so Ctrl-C waited for one
    more line (an Enter) before the server stopped. A daemon thread is simply left behind.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        send, receive = anyio.create_memory_object_stream[str](16)
        token = anyio.lowlevel.current_token()

        def pump() -> None:
            try:
                for raw in iter(self._stream.readline, b""):
                    anyio.from_thread.run(send.send, raw.decode("utf-8", errors="replace"), token=token)
            except Exception:  # the loop is gone or the stream closed: nothing is waiting any more
                return
            finally:
                with contextlib.suppress(Exception):
                    anyio.from_thread.run(send.aclose, token=token)

        threading.Thread(target=pump, name="zoom-mcp stdin", daemon=True).start()
        async with receive:
            async for line in receive:
                yield line


async def serve_stdio(server: Server[Any]) -> None:
    stdin = cast("anyio.AsyncFile[str]", _StdinLines(sys.stdin.buffer))
    async with stdio_server(stdin=stdin) as (read, write):
        await server.run(read, write, server.create_initialization_options())


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (not yet listening), or BindFailed in words."""
    where = f"{url_host(host)}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise BindFailed(f"cannot listen on {where}: {host} is not an address of this machine ({exc})") from None
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # on Windows the option lets a second server take the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reasons = {
            errno.EADDRINUSE: "the port is already in use (another server? pick one with --port)",
            errno.EADDRNOTAVAIL: f"{host} is not an address of this machine",
            errno.EACCES: "permission denied (ports below 1024 need privileges)",
        }
        raise BindFailed(f"cannot listen on {where}: {reasons.get(exc.errno, exc.strerror or str(exc))}") from None
    return sock


def uvicorn_server(app: ASGIApp, host: str, port: int, *, log_level: str = "warning") -> uvicorn.Server:
    # uvicorn logs to stderr; "warning" keeps the access log out of a user's terminal.
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on"))


def uvicorn_level(log_level: str | None) -> str:
    """uvicorn's own level for ours: its access log only at debug."""
    return "info" if log_level == "debug" else "warning"


async def serve_http(app: ASGIApp, listening: socket.socket, *, log_level: str | None = None) -> None:
    """Serve ``app`` on an already bound socket (see ``bind``), so bind errors come before any output."""
    host, port = listening.getsockname()[:2]
    server = uvicorn_server(app, host, port, log_level=uvicorn_level(log_level))
    await server.serve(sockets=[listening])
