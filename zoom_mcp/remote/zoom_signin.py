"""Signing a user in with Zoom, behind our authorize step: Zoom's half of the remote flow.

The same authorization code + PKCE (S256) exchange as ``zoom-mcp login`` (``zoom_mcp.serving.login``),
with the redirect coming back to this server instead of a loopback port. Who signed in comes from
Zoom's "Get a user" (``/users/me``): its ``id`` keys the user's data here and its ``account_id``
decides whether the user may sign in at all.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx2

from zoom_mcp.config import Settings
from zoom_mcp.engine.auth import api_base_from
from zoom_mcp.serving.login import AUTHORIZE_PATH, REVOKE_PATH, _exchange, _post, pkce_pair

__all__ = [
    "ZoomIdentity",
    "authorize_url",
    "challenge_of",
    "exchange_code",
    "pkce_pair",
    "revoke",
    "token_record",
    "who_signed_in",
]

DEFAULT_EXPIRES_IN = 3600.0


@dataclass(frozen=True)
class ZoomIdentity:
    user_id: str
    email: str
    account_id: str


def challenge_of(verifier: str) -> str:
    """The S256 PKCE challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(settings: Settings, redirect_uri: str, state: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": settings.client_id or "",
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{settings.oauth_base_url.rstrip('/')}{AUTHORIZE_PATH}?{urlencode(query)}"


async def exchange_code(
    client: httpx2.AsyncClient, settings: Settings, code: str, redirect_uri: str, verifier: str
) -> dict[str, Any]:
    """Zoom's token response for the code (``LoginError`` when Zoom refuses it)."""
    return await _exchange(client, settings, code, redirect_uri, verifier)


def token_record(payload: dict[str, Any], settings: Settings, now: float | None = None) -> dict[str, Any]:
    """What is kept (sealed) of a Zoom token response."""
    try:
        expires_in = float(payload.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    return {
        "access_token": payload["access_token"],
        "refresh_token": payload["refresh_token"],
        "expires_at": (time.time() if now is None else now) + expires_in,
        "scope": str(payload.get("scope") or ""),
        "api_url": api_base_from(payload.get("api_url"), settings),
    }


async def who_signed_in(client: httpx2.AsyncClient, settings: Settings, record: dict[str, Any]) -> ZoomIdentity | None:
    """The signed-in user and their account, or None when Zoom does not say (no user-read scope)."""
    base = record.get("api_url") or settings.api_base_url.rstrip("/")
    try:
        response = await client.get(f"{base}/users/me", headers={"Authorization": f"Bearer {record['access_token']}"})
        data = response.json() if response.is_success else None
    except (httpx2.TransportError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("id") or not data.get("account_id"):
        return None
    return ZoomIdentity(str(data["id"]), str(data.get("email") or ""), str(data["account_id"]))


async def revoke(client: httpx2.AsyncClient, settings: Settings, token: str) -> None:
    """Revoke a Zoom grant we will not keep (a user of another account); best effort."""
    try:
        await _post(client, settings, REVOKE_PATH, {"token": token})
    except Exception:  # nothing is kept either way; Zoom's grant then just lapses
        return
