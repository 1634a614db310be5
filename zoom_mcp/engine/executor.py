"""The one place that talks to Zoom: a tool call in, a ``ToolResult`` out, never an exception.

A call is validated by the tool's input model, encoded into a ``Request`` (by the tool's hook or
by the path/query/body rules of the catalog), sent with auth and the retry policy, decoded, and
shaped within the result budget. Any failure becomes a short error result that says what to do.
"""

from __future__ import annotations

import inspect
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx2
from pydantic import ValidationError

from zoom_mcp.catalog import Request, ToolInput, ToolSpec
from zoom_mcp.config import Settings
from zoom_mcp.engine import progress
from zoom_mcp.engine.auth import AuthProvider, auth_from_settings
from zoom_mcp.engine.error_shaping import fit_budget, internal_error_text, validation_text, zoom_error_text
from zoom_mcp.engine.http import (
    REDIRECT_STATUSES,
    base_url,
    build_client,
    build_request,
    describe_transport_error,
    send_following_redirects,
)
from zoom_mcp.engine.listing import Resumed, page_cursor, resume, shape_listing
from zoom_mcp.engine.redact import SECRETS, install_log_filter
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.engine.retry import backoff, may_retry_failure, qps_wait, rate_limit_kind
from zoom_mcp.engine.shaping import shape_result
from zoom_mcp.engine.text_format import defuse_delimiters
from zoom_mcp.errors import ToolUsageError, ZoomAPIError, ZoomConnectionError

log = logging.getLogger("zoom_mcp")

Sleep = Callable[[float], Awaitable[None]]
Throttle = Callable[[str], Awaitable[None]]

# Requests in flight per call for send_many, by the tool's Zoom rate label: well under the
# per-second limits of a Free plan (zoom-api.md §3), which are shared by every app on the account.
CONCURRENCY = {"light": 8, "medium": 4, "heavy": 2, "resource-intensive": 1}
# Failures that happen before a request leaves this machine: retrying them cannot double a write.
NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_PATH_PARAM = re.compile(r"{(\w+)}")


class CallContext:
    """What encode and decode hooks get: the settings, the spec, and a way to reach Zoom."""

    def __init__(self, executor: Executor, spec: ToolSpec) -> None:
        self.settings: Settings = executor.settings
        self.spec = spec
        self._executor = executor
        self.caches = executor.caches
        # Set once a request that must not be repeated may have left: later failures say so.
        self.sent_unsafe = False
        # Set once any request may have left: before that, a failure says nothing was sent.
        self.sent_any = False
        # Set once such a request succeeded: the call has changed something at Zoom.
        self.applied_unsafe = False

    def may_have_acted(self, exc: Exception) -> bool:
        """Whether a call that failed with ``exc`` may still have changed something at Zoom."""
        if not self.sent_unsafe:
            return False
        refused = (
            isinstance(exc, ZoomAPIError) and not exc.uncertain and (exc.status is None or 400 <= exc.status < 500)
        )
        return self.applied_unsafe or not refused

    def default_request(self, args: ToolInput) -> Request:
        """The request the catalog's location rules give for ``args``."""
        return self.spec.request_for(args, self.settings.path_defaults)

    async def send(self, request: Request) -> Any:
        """Send one request; JSON back (None for an empty body) or ZoomAPIError."""
        return await self._executor.send(request, self)

    async def send_many(self, requests: list[Request]) -> list[Any | ZoomAPIError]:
        """Send concurrently, bounded by the tool's rate label; results in request order."""
        limit = anyio.Semaphore(CONCURRENCY.get(self.spec.rate, 2))
        results: list[Any | ZoomAPIError] = [None] * len(requests)

        async def one(index: int, request: Request) -> None:
            async with limit:
                try:
                    results[index] = await self.send(request)
                except ZoomAPIError as exc:
                    results[index] = exc

        async with anyio.create_task_group() as group:
            for index, request in enumerate(requests):
                group.start_soon(one, index, request)
        return results


class Executor:
    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        auth: AuthProvider | None = None,
        sleep: Sleep = anyio.sleep,
        rng: random.Random | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.settings = settings
        self.client = build_client(settings, transport)
        self.auth: AuthProvider = auth if auth is not None else auth_from_settings(settings, self.client)
        self._sleep = sleep
        # Waits for a slot in a per-second budget shared with other instances (remote mode).
        self._throttle = throttle
        self._rng = rng or random.Random()
        # Per-server state hooks keep between calls, by name (mail metadata: zoom_mcp.codecs.mail_cache).
        self.caches: dict[str, Any] = {}
        SECRETS.add_all(settings.secrets())
        SECRETS.add_client_credentials(settings.client_id, settings.client_secret)
        install_log_filter()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> Executor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ---- one tool call ----------------------------------------------------------------------

    async def call(self, spec: ToolSpec, arguments: dict[str, Any] | None) -> ToolResult:
        result = await self._call(spec, arguments)
        if result.is_error:
            # An error sits outside any fence, so nothing in it may read as one (a value echoed
            # back); and it is cut to the budget too: a result is a result.
            text = fit_budget(defuse_delimiters(result.text), self.settings.result_budget)
            result = replace(result, text=text)
        return result

    async def _call(self, spec: ToolSpec, arguments: dict[str, Any] | None) -> ToolResult:
        try:
            args = spec.input.model_validate(arguments or {})
        except ValidationError as exc:
            return replace(_error(SECRETS.text(validation_text(spec, exc))), may_have_acted=False)
        except Exception as exc:  # a validator that raised something else: still the caller's input
            log.error("%s: arguments could not be checked", spec.name, exc_info=exc)
            return replace(
                _error(f"{spec.name}: invalid arguments (they could not be checked); the request was not sent."),
                may_have_acted=False,
            )
        context = CallContext(self, spec)
        try:
            result = await self._run(spec, args, context)
        except Exception as exc:
            failure = self._failure(spec, args, context, exc)
            return replace(failure, may_have_acted=context.may_have_acted(_single(exc)))
        return _redacted(result)

    async def _run(self, spec: ToolSpec, args: ToolInput, context: CallContext) -> ToolResult:
        page = spec.page
        cursor = page_cursor(args) if page is not None else None
        if spec.encode is not None:
            encoded = spec.encode(spec, args, context)
            request = await encoded if inspect.isawaitable(encoded) else encoded
        else:
            request = context.default_request(args)
        resumed: Resumed | None = None
        if page is not None and cursor is not None:
            # Items an earlier call returned (and the one a list holds back for the next page) are
            # dropped before the decode hook sees them, so a hook that fetches per row (mail
            # lists) fetches only the rows shown.
            resumed = await resume(context, request, spec, page, cursor)
            data = resumed.data
        else:
            data = await context.send(request)
        if spec.decode is not None:
            data = await spec.decode(data, args, context)
            if isinstance(data, ToolResult):
                return data
        if resumed is not None:
            return await shape_listing(context, request, spec, data, resumed)
        return shape_result(data, self.settings.result_budget)

    def _failure(self, spec: ToolSpec, args: ToolInput, context: CallContext, exc: Exception) -> ToolResult:
        exc = _single(exc)
        if isinstance(exc, ToolUsageError):
            return _error(SECRETS.text(str(exc)))
        if isinstance(exc, ZoomAPIError):
            log.info("%s: Zoom error status=%s code=%s tracking=%s", spec.name, exc.status, exc.code, exc.tracking_id)
            return _error(SECRETS.text(zoom_error_text(spec, exc, args)))
        log.error("%s failed", spec.name, exc_info=exc)
        return _error(internal_error_text(spec, exc, uncertain=context.sent_unsafe, sent=context.sent_any))

    # ---- HTTP with the retry policy ---------------------------------------------------------

    async def send(self, request: Request, context: CallContext) -> Any:
        """Send ``request`` for ``context``'s tool: auth, retries, and Zoom errors raised.

        Retried: 429 per-second limits (any method; Zoom did not process the request), one
        renewal on code 124 (any method, same reason), and 5xx, unreadable answers or network
        failures only for requests that may be repeated (``may_retry_failure``), or that never
        left. A request that may not be repeated and may have reached Zoom fails ``uncertain``.
        """
        repeatable = may_retry_failure(request.method, context.spec.idempotent)
        try:
            token = await self.auth.token()
        except ZoomAPIError as exc:
            # The token endpoint could not be reached: say which host and why, as for any request.
            if isinstance(exc.__context__, httpx2.TransportError) and exc.status is None:
                raise self._transport_error(exc.__context__, uncertain=False) from None
            raise
        retries = 0
        renewed = False
        while True:
            # After the token: its response may name the account's regional API host.
            url = base_url(self.settings, request, self.auth.api_base_url) + request.path
            built = self._build(request, url, token, context)
            context.sent_any = True
            if not repeatable:
                context.sent_unsafe = True
            if self._throttle is not None:
                await self._throttle(context.spec.rate)
            progress.note("waiting for Zoom")
            try:
                answer = await self._attempt(request, built, url, token, repeatable)
            except ZoomAPIError as error:
                error.retries = retries
                if error.code == 124 and not renewed:
                    renewed = True
                    token = await self.auth.renew(token)
                    continue
                wait = self._retry_wait(error, repeatable, retries + 1)
                if wait is None or retries >= self.settings.max_retries:
                    raise
                retries += 1
                reason = f"Zoom answered HTTP {error.status}" if error.status else error.message
                progress.note(f"{reason}; retrying in {wait:.1f} s")
                await self._sleep(wait)
            else:
                context.applied_unsafe = context.applied_unsafe or not repeatable
                return answer

    def _build(self, request: Request, url: str, token: str, context: CallContext) -> httpx2.Request:
        """The HTTP request, or a usage error saying it was not sent (nothing has left yet)."""
        try:
            return build_request(self.client, request, url, token)
        except httpx2.InvalidURL:
            problem = "its URL would be too long or malformed: shorten the arguments"
        except UnicodeEncodeError:
            problem = "an argument is not valid text (unpaired surrogate)"
        except (TypeError, ValueError):
            problem = "an argument cannot be sent as JSON"
        raise ToolUsageError(f"{context.spec.name}: the request could not be built ({problem}); it was not sent.")

    async def _attempt(self, request: Request, built: httpx2.Request, url: str, token: str, repeatable: bool) -> Any:
        """One round trip: the JSON answer, or ZoomAPIError (``uncertain`` if it may have acted)."""
        try:
            response = await self._transmit(request, built, url, token)
        except httpx2.TransportError as exc:
            reached = not isinstance(exc, NOT_SENT)
            raise self._transport_error(exc, uncertain=reached and not repeatable) from None
        try:
            if response.is_success:
                try:
                    return _success_body(response)
                except ZoomAPIError as unreadable:
                    # Zoom answered success but the body is unreadable: a write may have taken effect.
                    unreadable.uncertain = not repeatable
                    raise
            error = _error_from(response)
        finally:
            await response.aclose()
        if error.status is not None and error.status >= 500:
            error.uncertain = not repeatable
        raise error

    def _retry_wait(self, error: ZoomAPIError, repeatable: bool, attempt: int) -> float | None:
        """Seconds to wait before trying ``error``'s request again, or None to give up."""
        if error.status == 429:
            if rate_limit_kind(error.headers, error.message) == "daily":
                return None
            return qps_wait(error.headers, datetime.now(UTC), self._rng)
        if error.status is None:
            # A network failure: retried if repeatable, or if the request never left.
            permanent = isinstance(error, ZoomConnectionError) and error.permanent
            retry = (repeatable or not error.uncertain) and not permanent
        else:
            # 5xx, or a 2xx whose body could not be read (a write then took effect).
            retry = repeatable and (error.status >= 500 or error.status < 300)
        return backoff(attempt, self._rng) if retry else None

    async def _transmit(self, request: Request, built: httpx2.Request, url: str, token: str) -> httpx2.Response:
        if request.host == "file":
            return await send_following_redirects(self.client, request, url, token, self.settings)
        return await self.client.send(built)

    def _transport_error(self, exc: httpx2.TransportError, *, uncertain: bool) -> ZoomConnectionError:
        # Which host and which kind of failure (DNS, refused, TLS, timeout, proxy), with its fix.
        problem = describe_transport_error(exc, self.settings.timeout)
        return ZoomConnectionError(problem.text, fix=problem.fix, permanent=problem.permanent, uncertain=uncertain)


# ---- helpers -------------------------------------------------------------------------------


def _success_body(response: httpx2.Response) -> Any:
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        raise ZoomAPIError(
            response.status_code,
            None,
            "not JSON",
            tracking_id=response.headers.get("x-zm-trackingid"),
        ) from None


def _error_from(response: httpx2.Response) -> ZoomAPIError:
    try:
        body = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    code = body.get("code") if isinstance(body.get("code"), int) else None
    message = body.get("message") or body.get("error_message") or body.get("reason") or body.get("error")
    if not isinstance(message, str) or not message:
        message = response.reason_phrase or f"HTTP {response.status_code}"
    if response.status_code in REDIRECT_STATUSES:
        # Only file uploads follow redirects, and only MAX_REDIRECTS of them.
        message = f"Zoom answered with a redirect (HTTP {response.status_code}) that was not followed"
    errors = [item for item in body.get("errors") or [] if isinstance(item, dict)]
    return ZoomAPIError(
        response.status_code,
        code,
        message,
        errors=errors,
        tracking_id=response.headers.get("x-zm-trackingid"),
        headers=dict(response.headers),
    )


def _single(exc: Exception) -> Exception:
    """The one failure inside a task group's exception group (send_many), else ``exc``."""
    while isinstance(exc, ExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _error(text: str) -> ToolResult:
    return ToolResult(text=text, is_error=True)


def _redacted(result: ToolResult) -> ToolResult:
    content = [SECRETS.block(block) for block in result.content]
    structured = SECRETS.data(result.structured) if result.structured is not None else None
    return replace(result, text=SECRETS.text(result.text), structured=structured, content=content)
