"""Bearer tokens for Zoom: static, server-to-server OAuth, or user OAuth with refresh tokens.

OAuth tokens are cached and renewed before they expire, with one token request in flight
however many calls wait for it: Zoom has been seen answering bursts of token requests with
401s (zoom-api.md §1.1). User OAuth rotates the refresh token on every refresh and only the
newest one works, so each new one is written to the token file before anything else happens.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import anyio
import httpx2

from zoom_mcp.config import Settings
from zoom_mcp.engine.http import token_allowed
from zoom_mcp.engine.redact import SECRETS
from zoom_mcp.errors import ToolUsageError, ZoomAPIError, ZoomAuthError
from zoom_mcp.scopes import parse_scopes

log = logging.getLogger("zoom_mcp")

TOKEN_PATH = "/oauth/token"
# Renew this long before expiry (Zoom's own SDK uses 60 s), or halfway for short-lived tokens.
EXPIRY_MARGIN = 60.0
DEFAULT_EXPIRES_IN = 3600.0

ScopesCallback = Callable[[frozenset[str] | None], None]

S2S_FIX = "check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (an activated server-to-server OAuth app)"
USER_FIX = (
    "run `zoom-mcp login` (or re-authorize the Zoom app and set the new ZOOM_REFRESH_TOKEN: only the newest "
    "refresh token works); also check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"
)
LOGIN_FIX = "run `zoom-mcp login` to sign in again (or set a fresh ZOOM_REFRESH_TOKEN)"
CREDENTIAL_CHOICES = (
    "set ZOOM_ACCESS_TOKEN (a bearer token), or ZOOM_ACCOUNT_ID + ZOOM_CLIENT_ID + ZOOM_CLIENT_SECRET "
    "(server-to-server OAuth), or ZOOM_CLIENT_ID + ZOOM_CLIENT_SECRET and run `zoom-mcp login` "
    "(user OAuth; or set ZOOM_REFRESH_TOKEN / ZOOM_TOKEN_FILE)"
)


class AuthProvider(Protocol):
    granted_scopes: frozenset[str] | None
    api_base_url: str | None

    async def token(self) -> str: ...

    async def renew(self, stale: str) -> str: ...

    def on_scopes_changed(self, callback: ScopesCallback) -> None: ...


class _ScopeListeners:
    granted_scopes: frozenset[str] | None = None
    api_base_url: str | None = None

    def __init__(self) -> None:
        self._callbacks: list[ScopesCallback] = []

    def on_scopes_changed(self, callback: ScopesCallback) -> None:
        self._callbacks.append(callback)

    def _set_scopes(self, scopes: frozenset[str] | None) -> None:
        if scopes == self.granted_scopes:
            return
        self.granted_scopes = scopes
        for callback in self._callbacks:
            try:
                callback(scopes)
            except Exception:
                # A listener's bug must not fail the token renewal every call depends on.
                log.exception("scope change listener failed")


class StaticTokenAuth(_ScopeListeners):
    """ZOOM_ACCESS_TOKEN: used as is; it cannot be renewed."""

    def __init__(self, token: str, scopes: frozenset[str] | None) -> None:
        super().__init__()
        SECRETS.add(token)
        self._token = token
        self.granted_scopes = scopes

    async def token(self) -> str:
        return self._token

    async def renew(self, stale: str) -> str:
        raise ZoomAuthError(
            401,
            124,
            "Zoom rejected ZOOM_ACCESS_TOKEN (invalid or expired)",
            fix="set a fresh ZOOM_ACCESS_TOKEN, or configure OAuth so tokens renew themselves",
        )


class MissingAuth(_ScopeListeners):
    """No usable credentials: every call says which settings to add."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.message = f"No Zoom credentials configured{_what_is_missing(settings)}: {CREDENTIAL_CHOICES}."

    async def token(self) -> str:
        raise ToolUsageError(self.message)

    async def renew(self, stale: str) -> str:
        raise ToolUsageError(self.message)


def _what_is_missing(settings: Settings) -> str:
    if settings.client_id and not settings.client_secret:
        return " (ZOOM_CLIENT_SECRET is not set)"
    if settings.client_secret and not settings.client_id:
        return " (ZOOM_CLIENT_ID is not set)"
    if settings.client_id and settings.client_secret:
        return " (add ZOOM_ACCOUNT_ID, or run `zoom-mcp login`)"
    if settings.account_id or settings.refresh_token:
        return " (ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET are not set)"
    return ""


class _OAuthTokenAuth(_ScopeListeners, ABC):
    """Shared OAuth machinery: the cache, the single-flight lock, the token endpoint call."""

    fix = S2S_FIX

    def __init__(
        self, settings: Settings, client: httpx2.AsyncClient, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._settings = settings
        self._client = client
        self._clock = clock
        self._lock = anyio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        SECRETS.add(settings.client_secret)

    @abstractmethod
    def _grant(self) -> dict[str, str]:
        """The form fields of this flow's token request."""

    def _accepted(self, payload: dict[str, Any]) -> None:
        """Called with each successful token response, still under the lock."""

    def _fresh(self) -> str | None:
        return self._token if self._token is not None and self._clock() < self._renew_at else None

    async def token(self) -> str:
        if (token := self._fresh()) is not None:
            return token
        async with self._lock:
            if (token := self._fresh()) is not None:
                return token
            return await self._obtain(self._token)

    async def renew(self, stale: str) -> str:
        async with self._lock:
            # Another caller renewed while this one waited: use theirs.
            if self._token is not None and self._token != stale:
                return self._token
            return await self._obtain(stale)

    async def _obtain(self, stale: str | None = None) -> str:
        """A new token from the token endpoint; ``stale`` is the one being replaced, if any."""
        settings = self._settings
        url = settings.oauth_base_url.rstrip("/") + TOKEN_PATH
        try:
            response = await self._client.post(
                url, data=self._grant(), auth=(settings.client_id or "", settings.client_secret or "")
            )
        except httpx2.TransportError as exc:
            # The exception text can carry the URL and headers: only its type is reported.
            raise ZoomAPIError(
                None, None, f"Zoom's token endpoint did not answer ({type(exc).__name__}); nothing was sent to Zoom"
            ) from None
        payload = _json_object(response)
        if not response.is_success or not isinstance(payload.get("access_token"), str):
            raise self._refused(response, payload)
        return self._accept(payload)

    def _refused(self, response: httpx2.Response, payload: dict[str, Any]) -> ZoomAPIError:
        code = payload.get("code") if isinstance(payload.get("code"), int) else None
        message = str(payload.get("reason") or payload.get("message") or payload.get("error") or "")
        message = message or f"token request failed with HTTP {response.status_code}"
        headers = dict(response.headers)
        tracking = response.headers.get("x-zm-trackingid")
        if response.status_code == 429 or response.status_code >= 500:
            return ZoomAPIError(response.status_code, code, message, tracking_id=tracking, headers=headers)
        return ZoomAuthError(response.status_code, code, message, fix=self.fix, tracking_id=tracking, headers=headers)

    def _accept(self, payload: dict[str, Any]) -> str:
        token: str = payload["access_token"]
        SECRETS.add(token, payload.get("refresh_token"))
        self._token = token
        self._renew_at = self._clock() + renew_after(payload)
        self.api_base_url = self._api_base(payload.get("api_url"))
        self._accepted(payload)
        scope = payload.get("scope")
        self._set_scopes(parse_scopes(scope) if isinstance(scope, str) else None)
        return token

    def _api_base(self, api_url: Any) -> str | None:
        return api_base_from(api_url, self._settings)


def api_base_from(api_url: Any, settings: Settings) -> str | None:
    """The REST base a token response's ``api_url`` names, when it is a host that may see the token."""
    if not isinstance(api_url, str) or not api_url:
        return None
    base = api_url.rstrip("/")
    # The token goes wherever this points, so only Zoom's hosts (or trusted ones) are taken.
    if not token_allowed(httpx2.URL(base), settings):
        log.warning("ignoring api_url %s from the token response: not a Zoom host", base)
        return None
    return base if base.endswith("/v2") else base + "/v2"


class AccountCredentialsAuth(_OAuthTokenAuth):
    """Server-to-server OAuth: a new token per hour from the account credentials."""

    fix = S2S_FIX

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "account_credentials", "account_id": self._settings.account_id or ""}


class RefreshTokenAuth(_OAuthTokenAuth):
    """User OAuth: refresh-token grant, sharing one grant safely between processes.

    Zoom rotates the refresh token on every refresh and only the newest one works, so several
    processes using one grant (two MCP clients on the same account) must take turns: every
    refresh runs under a cross-process lock on the token file, re-reads the file first (another
    process may have refreshed already: its access token is used as is, or its newer refresh
    token), and writes the result back before the lock is released. A refusal of the refresh
    token re-reads the file once more before the user is asked to log in again.

    The token file records a fingerprint of the ZOOM_REFRESH_TOKEN its chain started from. The
    file's token is used while that still matches the environment (it is the newer rotation of
    the same grant) or when no environment token is set; a different environment token means
    the user re-authorized, so it wins.
    """

    fix = USER_FIX

    def __init__(
        self,
        settings: Settings,
        client: httpx2.AsyncClient,
        token_file: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(settings, client, clock=clock)
        self.token_file = token_file
        self._wall = wall
        self._refresh_token, self._origin = _initial_refresh_token(settings.refresh_token, read_token_file(token_file))
        SECRETS.add(self._refresh_token)

    def _grant(self) -> dict[str, str]:
        if not self._refresh_token:
            raise ToolUsageError(
                f"No refresh token: {self.token_file} holds none; run `zoom-mcp login` "
                "(or set ZOOM_REFRESH_TOKEN from a fresh authorization)."
            )
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token}

    async def _obtain(self, stale: str | None = None) -> str:
        async with token_file_lock(self.token_file):
            shared = self._adopt_from_file(stale)
            if shared is not None:
                return shared
            try:
                return await super()._obtain(stale)
            except ZoomAuthError as exc:
                if not is_invalid_grant(exc):
                    raise
                spent = self._refresh_token
                self._adopt_from_file(stale)
                if self._refresh_token == spent:
                    raise self._log_in_again(exc) from None
                # Someone wrote a newer token while this request was out: try that one, once.
                try:
                    return await super()._obtain(stale)
                except ZoomAuthError as again:
                    raise self._log_in_again(again) if is_invalid_grant(again) else again from None

    def _adopt_from_file(self, stale: str | None) -> str | None:
        """Take the file's newer refresh token; return its access token when it is fresh and not ``stale``."""
        record = read_token_file(self.token_file)
        if record is None:
            return None
        token, origin = _initial_refresh_token(self._settings.refresh_token, record)
        if token != record.get("refresh_token"):
            return None  # the environment names another grant: the file is not ours to follow
        if token and token != self._refresh_token:
            self._refresh_token, self._origin = token, origin
            SECRETS.add(token)
        access = record.get("access_token")
        renew_at = record.get("renew_at")
        if not isinstance(access, str) or access in (stale, self._token) or not isinstance(renew_at, int | float):
            return None
        remaining = renew_at - self._wall()
        if remaining <= 0:
            return None
        SECRETS.add(access)
        self._token = access
        self._renew_at = self._clock() + remaining
        self.api_base_url = self._api_base(record.get("api_url"))
        scope = record.get("scope")
        self._set_scopes(parse_scopes(scope) if isinstance(scope, str) else None)
        return access

    def _accepted(self, payload: dict[str, Any]) -> None:
        rotated = payload.get("refresh_token")
        if isinstance(rotated, str) and rotated:
            self._refresh_token = rotated
        previous = read_token_file(self.token_file) or {}
        record = {key: previous[key] for key in KEPT_FIELDS if key in previous}
        record.update(token_record(payload, self._refresh_token, self._origin, self._wall()))
        try:
            write_token_file(self.token_file, record)
        except OSError as exc:
            # The previous refresh token no longer works; say loudly that the new one was not kept.
            log.error("could not save the rotated refresh token to %s (%s)", self.token_file, type(exc).__name__)

    def _log_in_again(self, exc: ZoomAuthError) -> ZoomAuthError:
        return ZoomAuthError(
            exc.status,
            exc.code,
            f"Zoom refused the saved refresh token ({exc.message}); it was revoked or replaced by a newer login",
            fix=LOGIN_FIX,
            tracking_id=exc.tracking_id,
        )


def renew_after(payload: dict[str, Any]) -> float:
    """Seconds until a token from ``payload`` should be renewed: 60 s early, or halfway for short-lived ones."""
    try:
        expires_in = float(payload.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    return max(expires_in - EXPIRY_MARGIN, expires_in / 2)


def token_record(payload: dict[str, Any], refresh_token: str | None, origin: str | None, now: float) -> dict[str, Any]:
    """What the token file keeps of a token response (``now``: wall-clock seconds, shared by processes)."""
    scope, api_url = payload.get("scope"), payload.get("api_url")
    return {
        "refresh_token": refresh_token,
        "origin": origin,
        "updated_at": datetime.now(UTC).isoformat(),
        "access_token": payload["access_token"],
        "renew_at": now + renew_after(payload),
        "scope": scope if isinstance(scope, str) else None,
        "api_url": api_url if isinstance(api_url, str) else None,
    }


# Fields of the token file that a refresh keeps as they are (written by `zoom-mcp login`).
KEPT_FIELDS = ("user", "client_id")
# The token endpoint's answers meaning "this refresh token is no longer valid".
INVALID_GRANT_CODES = frozenset({4733, 4734, 4735, 4737, 4738, 4741})
LOCK_TIMEOUT = 60.0


def is_invalid_grant(exc: ZoomAuthError) -> bool:
    message = exc.message.lower()
    return exc.code in INVALID_GRANT_CODES or "invalid token" in message or "invalid_grant" in message


@contextlib.asynccontextmanager
async def token_file_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> AsyncIterator[None]:
    """Hold the cross-process lock on ``path`` (a ``.lock`` file beside it) for a refresh or a login."""
    # Imported here: only user OAuth with a token file needs it, and every start would pay for it.
    import filelock

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Not thread-local: it is acquired in a worker thread and released on the event loop's.
    lock = filelock.FileLock(path.with_name(path.name + ".lock"), mode=0o600, thread_local=False)
    try:
        await anyio.to_thread.run_sync(functools.partial(lock.acquire, timeout=timeout))
    except filelock.Timeout:
        raise ZoomAPIError(
            None, None, f"another zoom-mcp process held {lock.lock_file} for over {timeout:.0f} s; try again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _initial_refresh_token(env_token: str | None, stored: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """The refresh token to start from, and the fingerprint of the environment token it descends from."""
    stored_token = stored.get("refresh_token") if stored else None
    origin = stored.get("origin") if stored else None
    if isinstance(stored_token, str) and stored_token:
        if env_token is None:
            return stored_token, origin if isinstance(origin, str) else None
        if env_token == stored_token or origin == fingerprint(env_token):
            return stored_token, fingerprint(env_token)
    if env_token:
        return env_token, fingerprint(env_token)
    return None, None


def config_dir() -> Path:
    """Where zoom-mcp keeps its files: ``$XDG_CONFIG_HOME/zoom-mcp``, else ``~/.config/zoom-mcp``."""
    base = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(base).expanduser() / "zoom-mcp"


def _file_name_part(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9@._+-]", "_", text).strip(".") or "_"
    return cleaned[:120]


def default_token_file(settings: Settings) -> Path:
    """The token file of this app and account: ``tokens/<client id>/<user>.json`` in the config folder.

    The user part is ``ZOOM_MCP_DEFAULT_USER`` (``me`` unless set), so two accounts of one app,
    or two apps, never share a file; ``ZOOM_TOKEN_FILE`` names one explicitly.
    """
    app = _file_name_part(settings.client_id or "no-client-id")
    user = _file_name_part(settings.default_user or "me")
    return config_dir() / "tokens" / app / f"{user}.json"


def token_file_for(settings: Settings) -> Path:
    return (settings.token_file or default_token_file(settings)).expanduser()


def _move_legacy_token_file(target: Path) -> None:
    """Earlier versions kept one ``token.json`` for every app and account: it becomes the first one's file."""
    legacy = config_dir() / "token.json"
    if target.exists() or not legacy.is_file():
        return
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(legacy, target)
    except OSError as exc:
        log.warning("could not move %s to %s (%s)", legacy, target, type(exc).__name__)
        return
    log.info("moved the token file %s to %s (one file per app and account now)", legacy, target)


def read_token_file(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable token file %s (%s)", path, type(exc).__name__)
        return None
    return data if isinstance(data, dict) else None


def write_token_file(path: Path, record: dict[str, Any]) -> None:
    """Replace ``path`` atomically with a 0600 file: a crash leaves the old or the new, never half."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp already creates it 0600 on POSIX; said explicitly because the file holds a credential.
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, and not needed for atomicity.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _json_object(response: httpx2.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def auth_from_settings(
    settings: Settings, client: httpx2.AsyncClient, *, clock: Callable[[], float] = time.monotonic
) -> AuthProvider:
    if settings.access_token:
        return StaticTokenAuth(settings.access_token, settings.granted_scopes)
    if settings.client_id and settings.client_secret:
        if settings.account_id:
            return AccountCredentialsAuth(settings, client, clock=clock)
        token_file = token_file_for(settings)
        if settings.token_file is None:
            _move_legacy_token_file(token_file)
        # A token file exists after `zoom-mcp login`; naming one (or a refresh token) asks for user OAuth too.
        if settings.refresh_token or settings.token_file or token_file.exists():
            return RefreshTokenAuth(settings, client, token_file, clock=clock)
    return MissingAuth(settings)
