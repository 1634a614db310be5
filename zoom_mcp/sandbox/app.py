"""The sandbox's ASGI app: OAuth, the catalog's endpoints under /v2, and the control routes.

One route per catalog endpoint (``spec.method`` + ``/v2`` + ``spec.path``), file-host tools
included: the same app answers for the API host and the file host. Every request to an API
route goes through the same gate as on Zoom: bearer token, armed faults, the spec's scope
requirement, the rate limit of its label; then path users are resolved (``me`` is the token's
user) and the body is parsed before the handler runs.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import anyio
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.served_schemas import resolved
from zoom_mcp.sandbox.control import control_routes
from zoom_mcp.sandbox.faults import Fault, daily_error, qps_error
from zoom_mcp.sandbox.handlers import Bound
from zoom_mcp.sandbox.oauth import oauth_routes
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError, User

if TYPE_CHECKING:
    from zoom_mcp.sandbox.core import Sandbox

# Path parameters naming a user or mailbox: "me" and emails resolve to account users.
USER_PARAMS = {"userId": "id", "user_id": "id", "email": "email"}
QUERY_TOKEN_MESSAGE = "Invalid access token, this access token is not supported as query parameter string."
REDIRECTED_HOST_PREFIX = "file2."
API_PREFIX = "/v2"


class TrackingMiddleware:
    """Adds ``x-zm-trackingid`` to every response and records API requests for tests."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking = f"v=2.0;clid=sandbox;rid=SBX_{secrets.token_hex(12)}"

        async def send_tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-zm-trackingid", tracking.encode())]
                if not scope["path"].startswith("/_sandbox"):
                    host = _host(scope)
                    self.sandbox.record(scope["method"], scope["path"], message["status"], host)
            await send(message)

        await self.app(scope, receive, send_tracked)


def _host(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return bytes(value).decode("latin-1")
    server = scope.get("server")
    return f"{server[0]}:{server[1]}" if server else ""


def error_response(exc: SandboxError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def reply_response(reply: Reply) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


class ApiEndpoint:
    """Serves one catalog endpoint."""

    def __init__(self, sandbox: Sandbox, spec: ToolSpec, bound: Bound | None) -> None:
        self.sandbox = sandbox
        self.spec = spec
        self.bound = bound

    async def __call__(self, request: Request) -> Response:
        sandbox = self.sandbox
        fault: Fault | None = None
        try:
            user, scopes = self._authenticate(request)
            redirect = self._upload_redirect(request)
            if redirect is not None:
                return redirect
            fault = sandbox.faults.take(request.method, request.url.path, self.spec.endpoint)
            if fault is not None:
                early = await fault_before(sandbox, fault, self.spec.rate)
                if early is not None:
                    return early
            self._authorize(scopes)
            sandbox.rate_limiter.check(self.spec.rate)
            if self.bound is None:
                raise SandboxError(501, 501, f"The sandbox has no handler for {self.spec.endpoint}.")
            params = self._path_params(request, user, scopes)
            body, form = await self._body(request)
            call = Call(
                method=request.method,
                endpoint=self.spec.endpoint,
                path_params=params,
                query=request.query_params,
                body=body,
                form=form,
                user=user,
                scopes=scopes,
                state=sandbox.state,
                host=request.headers.get("host", ""),
            )
            response = reply_response(await self.bound.handler(call))
        except SandboxError as exc:
            response = error_response(exc)
        if fault is not None and fault.kind == "slow_after":
            # The request was processed; the client only sees it hang (a POST that timed out).
            await anyio.sleep(fault.delay)
        return response

    def _authenticate(self, request: Request) -> tuple[User, frozenset[str]]:
        sandbox = self.sandbox
        status = sandbox.token_error_status
        if "access_token" in request.query_params:
            raise SandboxError(401, 124, QUERY_TOKEN_MESSAGE)
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        token = sandbox.tokens.lookup(value.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise SandboxError(status, 124, "Invalid access token.")
        user = sandbox.state.find(token.user_id)
        if user is None:  # the token's user was removed from the account
            raise SandboxError(status, 124, "Invalid access token.")
        return user, token.scopes

    def _upload_redirect(self, request: Request) -> Response | None:
        """File uploads answer 307 to another host first when ``upload_redirect`` is on."""
        if self.spec.host != "file" or not self.sandbox.upload_redirect:
            return None
        target = redirect_host(request.headers.get("host", ""))
        if target is None:
            return None
        url = request.url.replace(netloc=target)
        return RedirectResponse(str(url), status_code=307)

    def _authorize(self, scopes: frozenset[str]) -> None:
        # Only the endpoint's own requirement: follow-up calls are checked when they arrive.
        requirement = self.spec.scopes.parts[0]
        if not requirement.met_by(scopes):
            listed = ", ".join(requirement.alternatives)
            raise SandboxError(
                self.sandbox.scope_error_status, 4711, f"Invalid access token, does not contain scopes:[{listed}]."
            )

    def _path_params(self, request: Request, user: User, scopes: frozenset[str]) -> dict[str, str]:
        assert self.bound is not None
        values = [request.path_params[name] for name in self.spec.path_params]
        out: dict[str, str] = {}
        for name, value in zip(self.bound.names, values, strict=True):
            attribute = USER_PARAMS.get(name)
            if attribute is not None:
                target = user if value == "me" else self.sandbox.state.require_user(value)
                if target.id != user.id:
                    self._require_admin(scopes)
                value = getattr(target, attribute)
            out[name] = value
        return out

    def _require_admin(self, scopes: frozenset[str]) -> None:
        """Another user's data needs an account-level (``:admin``) scope of the requirement."""
        admin = [s for s in self.spec.scopes.alternatives if s.endswith(":admin")]
        if admin and not any(s in scopes for s in admin):
            raise SandboxError(
                self.sandbox.scope_error_status,
                4711,
                f"Invalid access token, does not contain scopes:[{', '.join(admin)}].",
            )

    async def _body(self, request: Request) -> tuple[Any, FormData | None]:
        if request.method in ("GET", "DELETE"):
            return None, None
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            check_content_disposition(raw, content_type)
            return None, await request.form()
        if not raw.strip():
            return None, None
        try:
            return json.loads(raw), None
        except ValueError as exc:
            raise SandboxError(400, 300, "Request Body should be a valid JSON object.") from exc


async def fault_before(sandbox: Sandbox, fault: Fault, label: str) -> Response | None:
    """Answer for a fault that strikes before processing; None lets the request go on."""
    kind = fault.kind
    if kind == "rate_limit":
        limit = sandbox.rate_limiter.quotas.get(label, 20)
        raise qps_error(label, limit, sandbox.rate_limiter.retry_after)
    if kind == "daily_limit":
        raise daily_error(label, sandbox.clock.now_dt())
    if kind == "error_500":
        raise SandboxError(500, 500, "Internal Server Error.")
    if kind == "error_503":
        raise SandboxError(503, 503, "Service Unavailable.")
    if kind == "token_expired":
        sandbox.tokens.revoke_all()
        raise SandboxError(sandbox.token_error_status, 124, "Access token is expired.")
    if kind == "bad_json":
        return Response('{"code": 0, "messages": [{"id": "', status_code=200, media_type="application/json")
    if kind == "slow":
        await anyio.sleep(fault.delay)
    return None


def token_route(sandbox: Sandbox) -> Route:
    """``POST /oauth/token``, failing only for faults that name it (global faults spare it)."""

    async def token(request: Request) -> Response:
        fault = sandbox.faults.take(request.method, request.url.path, None)
        try:
            early = await fault_before(sandbox, fault, "light") if fault is not None else None
            response = early or await sandbox.token_endpoint(request)
        except SandboxError as exc:
            response = error_response(exc)
        if fault is not None and fault.kind == "slow_after":
            await anyio.sleep(fault.delay)
        return response

    return Route("/oauth/token", token, methods=["POST"])


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
_UNQUOTED_FILENAME = re.compile(rb"(?i)^content-disposition:.*;\s*filename=(?!\")", re.MULTILINE)


def check_content_disposition(raw: bytes, content_type: str) -> None:
    """Zoom rejects parts whose ``filename`` is not quoted; so does the sandbox."""
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise SandboxError(400, 300, "Invalid 'Content-Disposition' in multipart form")
    for part in raw.split(b"--" + match.group(1).encode()):
        headers = part.split(b"\r\n\r\n", 1)[0]
        if _UNQUOTED_FILENAME.search(headers):
            raise SandboxError(400, 300, "Invalid 'Content-Disposition' in multipart form")


def redirect_host(host: str) -> str | None:
    """Where a file upload is redirected to, or None when this host serves it directly.

    Named hosts go to ``file2.<host>``; on a port, 127.0.0.1 goes to localhost (both reach the
    same server, and the client still sees a cross-host redirect).
    """
    name, _, port = host.partition(":")
    if name.startswith(REDIRECTED_HOST_PREFIX) or name == "localhost":
        return None
    suffix = f":{port}" if port else ""
    if name == "127.0.0.1":
        return f"localhost{suffix}"
    base = name[len("file.") :] if name.startswith("file.") else name
    return f"{REDIRECTED_HOST_PREFIX}{base}{suffix}"


class RawPathRoute(Route):
    """A route matched on the raw, still percent-encoded path, as Zoom's servers route.

    Starlette matches the decoded path, where an id holding ``%2F`` has become two segments and
    can reach a sibling endpoint; a real server never lets it. Each parameter is decoded only
    after the match, so an id is always exactly one segment.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        raw = scope.get("raw_path")
        if scope["type"] != "http" or raw is None:
            return super().matches(scope)
        match, child = super().matches({**scope, "path": bytes(raw).decode("latin-1"), "root_path": ""})
        if match is not Match.NONE:
            child["path_params"] = {name: unquote(value) for name, value in child["path_params"].items()}
        return match, child


def _specificity(spec: ToolSpec) -> tuple[int, ...]:
    # Literal segments before parameters, so /members/me is tried before /members/{identifier}.
    return tuple(1 if segment.startswith("{") else 0 for segment in spec.path.strip("/").split("/"))


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = "Not Found." if status == 404 else "Method Not Allowed." if status == 405 else "Error."
    return JSONResponse({"code": status, "message": message}, status_code=status)


class LazyRouter:
    """A router whose routes are made on its first request.

    Compiling the catalog's ~90 path patterns is most of what building the app costs, and a
    server starting against the sandbox only asks for a token before its first ``tools/list``.
    """

    def __init__(self, routes: Callable[[], list[BaseRoute]]) -> None:
        self._routes = routes
        self._router: Router | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._router is None:
            self._router = Router(self._routes(), redirect_slashes=False)
        await self._router(scope, receive, send)


def build_app(sandbox: Sandbox) -> ASGIApp:
    routes: list[BaseRoute] = [token_route(sandbox), *oauth_routes(sandbox), *control_routes(sandbox)]
    # Routes under /v2 match only paths under /v2 and the others never do, so serving the /v2 ones
    # from the front router's fallback, in their order, matches every request as one router would.
    api = [route for route in routes if isinstance(route, Route) and route.path.startswith(API_PREFIX + "/")]
    front = [route for route in routes if route not in api]

    def api_routes() -> list[BaseRoute]:
        out: list[BaseRoute] = list(api)
        # The real specs: their rate labels and hooks (the tool modules load with this first request).
        for spec in sorted(map(resolved, sandbox.specs), key=_specificity):
            endpoint = ApiEndpoint(sandbox, spec, sandbox.handlers.bind(spec))
            # A bound method, not the instance: Starlette treats a callable object as a raw ASGI app.
            out.append(RawPathRoute(API_PREFIX + spec.path, endpoint.__call__, methods=[spec.method], name=spec.name))
        return out

    app = Starlette(routes=front, exception_handlers={HTTPException: _not_found})
    # Zoom answers 404 for a path it does not serve; it does not redirect "/x/" to "/x".
    app.router.redirect_slashes = False
    app.router.default = LazyRouter(api_routes)
    return TrackingMiddleware(app, sandbox)
