"""How the server is reached: stdio, legacy HTTP+SSE, Streamable HTTP.

HTTP binds loopback by default and keeps the SDK's DNS-rebinding protection there. Binding any
other address exposes the user's Zoom account to the network, so it is refused unless an access
token is configured, and then every request must present it. That token only admits MCP
clients; Zoom is always called with the server's own credentials.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any

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

HEALTH_PATH = "/healthz"
MCP_PATH = "/mcp"
SSE_PATH = "/sse"
MESSAGES_PATH = "/messages/"


class BindRefused(Exception):
    """A bind that would expose the server without an access token."""


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
            "Set ZOOM_MCP_HTTP_TOKEN to a long random secret (clients then send "
            "'Authorization: Bearer <token>'), or keep the default --host 127.0.0.1."
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


async def serve_stdio(server: Server[Any]) -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def uvicorn_server(app: ASGIApp, host: str, port: int) -> uvicorn.Server:
    # uvicorn logs to stderr; "warning" keeps the access log out of a user's terminal.
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))


async def serve_http(app: ASGIApp, host: str, port: int) -> None:
    await uvicorn_server(app, host, port).serve()
