"""Each user's Zoom token, for the request that acts as that user.

Tokens are cached per user in this process and renewed before they expire. A renewal takes the
user's row lock (``Store.locked_zoom_user``), then looks again: another instance may have renewed
while this one waited, and Zoom's refresh token rotates (only the newest works), so spending the
old one twice would end the user's grant. Whoever holds the lock renews, writes the new tokens
and releases; everyone else reads them.

``UserZoomAuth`` is the executor's ``AuthProvider`` in remote mode: it serves whichever user
the current request acts as (``acting_as``), so one executor serves every user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx2

from zoom_mcp.config import Settings
from zoom_mcp.engine.auth import TOKEN_PATH, ScopesCallback
from zoom_mcp.engine.redact import SECRETS
from zoom_mcp.errors import ZoomAPIError, ZoomAuthError
from zoom_mcp.remote.store import Store, ZoomUser
from zoom_mcp.remote.zoom_signin import token_record
from zoom_mcp.scopes import parse_scopes

log = logging.getLogger("zoom_mcp.remote")

# Renewed this long before Zoom says the token expires.
EXPIRY_MARGIN = 60.0
SIGN_IN_AGAIN = "sign in again from your MCP client (disconnect and reconnect zoom-mcp)"

CURRENT_USER: ContextVar[str | None] = ContextVar("zoom_mcp_remote_user", default=None)


@contextmanager
def acting_as(user_id: str) -> Iterator[None]:
    """Zoom calls made inside use ``user_id``'s token."""
    reset = CURRENT_USER.set(user_id)
    try:
        yield
    finally:
        CURRENT_USER.reset(reset)


class ZoomTokens:
    def __init__(
        self, store: Store, settings: Settings, client: httpx2.AsyncClient, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.settings = settings
        self.client = client
        self.clock = clock
        self._cache: dict[str, dict[str, Any]] = {}
        self._accounts: dict[str, str] = {}

    def _fresh(self, tokens: dict[str, Any] | None) -> bool:
        return tokens is not None and float(tokens.get("expires_at", 0)) - EXPIRY_MARGIN > self.clock()

    async def tokens(self, user_id: str) -> dict[str, Any]:
        """The user's current Zoom tokens, renewed first when stale."""
        cached = self._cache.get(user_id)
        if self._fresh(cached):
            assert cached is not None
            return cached
        user = await self.store.zoom_user(user_id)
        if user is not None and self._fresh(user.tokens):
            return self._keep(user)
        return await self._renew(user_id, stale=None)

    async def renew(self, user_id: str, stale: str) -> dict[str, Any]:
        """After Zoom refused ``stale`` (code 124): renew, unless another request already did."""
        return await self._renew(user_id, stale=stale)

    async def scopes(self, user_id: str) -> frozenset[str] | None:
        try:
            tokens = await self.tokens(user_id)
        except ZoomAuthError:
            return frozenset()  # no usable grant: nothing to list until the user signs in again
        except ZoomAPIError:
            return None  # Zoom unreachable for now: list every selected tool; calls say what failed
        return parse_scopes(tokens.get("scope"))

    def cached(self, user_id: str | None) -> dict[str, Any] | None:
        """The user's tokens as this process last saw them (no I/O)."""
        return self._cache.get(user_id) if user_id else None

    def _keep(self, user: ZoomUser) -> dict[str, Any]:
        SECRETS.add(user.tokens.get("access_token"), user.tokens.get("refresh_token"))
        self._cache[user.user_id] = user.tokens
        if user.account_id:
            self._accounts[user.user_id] = user.account_id
        return user.tokens

    def account_of(self, user_id: str) -> str | None:
        """The Zoom account of a user this process has served (rate limits count per account)."""
        return self._accounts.get(user_id)

    async def _renew(self, user_id: str, stale: str | None) -> dict[str, Any]:
        async with self.store.locked_zoom_user(user_id) as (user, save):
            if user is None:
                raise ZoomAuthError(401, None, "no Zoom sign-in is stored for this user", fix=SIGN_IN_AGAIN)
            current = user.tokens
            renewed_meanwhile = stale is None and self._fresh(current)
            if renewed_meanwhile or (stale is not None and current.get("access_token") != stale):
                return self._keep(user)
            payload = await self._refresh(str(current.get("refresh_token") or ""))
            record = token_record(payload, self.settings, self.clock())
            record["refresh_token"] = payload.get("refresh_token") or current.get("refresh_token")
            # Written before the lock is released: the rotated refresh token is never lost.
            await save(record)
        return self._keep(ZoomUser(user_id, user.account_id, user.email, record, user.version + 1))

    async def _refresh(self, refresh_token: str) -> dict[str, Any]:
        settings = self.settings
        url = settings.oauth_base_url.rstrip("/") + TOKEN_PATH
        try:
            response = await self.client.post(
                url,
                data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                auth=(settings.client_id or "", settings.client_secret or ""),
            )
            payload = response.json()
        except httpx2.TransportError as exc:
            raise ZoomAPIError(None, None, f"Zoom's token endpoint did not answer ({type(exc).__name__})") from None
        except ValueError:
            payload = {}
        if not response.is_success or not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            reason = str(
                (payload or {}).get("reason") or (payload or {}).get("error") or f"HTTP {response.status_code}"
            )
            if response.status_code == 429 or response.status_code >= 500:
                raise ZoomAPIError(response.status_code, None, f"Zoom could not renew the token ({reason})")
            raise ZoomAuthError(
                response.status_code, None, f"Zoom refused to renew the token ({reason})", fix=SIGN_IN_AGAIN
            )
        SECRETS.add(payload["access_token"], payload.get("refresh_token"))
        return payload


class UserZoomAuth:
    """The executor's ``AuthProvider`` in remote mode: the token of the user the request acts as."""

    def __init__(self, tokens: ZoomTokens) -> None:
        self._tokens = tokens

    @staticmethod
    def _user() -> str:
        user = CURRENT_USER.get()
        if user is None:
            # Only a bug can get here: every MCP request is authenticated before it runs.
            raise ZoomAuthError(401, None, "this request is not signed in", fix=SIGN_IN_AGAIN)
        return user

    @property
    def granted_scopes(self) -> frozenset[str] | None:
        cached = self._tokens.cached(CURRENT_USER.get())
        return parse_scopes(cached.get("scope")) if cached else None

    @property
    def api_base_url(self) -> str | None:
        cached = self._tokens.cached(CURRENT_USER.get())
        return cached.get("api_url") if cached else None

    async def token(self) -> str:
        return str((await self._tokens.tokens(self._user()))["access_token"])

    async def renew(self, stale: str) -> str:
        return str((await self._tokens.renew(self._user(), stale))["access_token"])

    def on_scopes_changed(self, callback: ScopesCallback) -> None:
        # Scopes are per user and read per request; there is no one list to announce changes of.
        return
