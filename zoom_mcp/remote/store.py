"""What remote mode keeps, on top of ``Database``: clients, sign-ins, codes, grants and tokens, Zoom users.

Our own secrets (authorization codes, access and refresh tokens, sign-in states) are stored only
as SHA-256 digests: a copy of the database lets no one act as a user. Zoom's tokens are sealed
(``Sealer``) because the server must use them. Every single-use secret is taken with one
``DELETE ... RETURNING`` so that two instances racing for it cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from mcp.shared.auth import OAuthClientInformationFull

from zoom_mcp.remote.crypto import Sealer
from zoom_mcp.remote.database import Database, Queries


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """256 bits, URL-safe: codes, tokens and states (RFC 6749 §10.10 asks for at least 128)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class SignIn:
    """An MCP client's authorize request, kept while its user signs in with Zoom."""

    client_id: str
    params: dict[str, Any]
    verifier: str


@dataclass(frozen=True)
class IssuedToken:
    grant_id: str
    client_id: str
    user_id: str
    scopes: list[str]
    resource: str | None
    expires_at: float | None


@dataclass(frozen=True)
class ZoomUser:
    user_id: str
    account_id: str | None
    email: str | None
    tokens: dict[str, Any]  # access_token, refresh_token, expires_at (epoch), scope, api_url
    version: int


class Store:
    def __init__(self, db: Database, sealer: Sealer, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.sealer = sealer
        self.clock = clock

    # Clients ----------------------------------------------------------------------------------

    async def save_client(self, info: OAuthClientInformationFull) -> None:
        await self.db.execute(
            "INSERT INTO oauth_clients (client_id, info, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (client_id) DO UPDATE SET info = excluded.info",
            info.client_id,
            info.model_dump_json(exclude_none=True),
            self.clock(),
        )

    async def client(self, client_id: str) -> OAuthClientInformationFull | None:
        row = await self.db.fetchone("SELECT info FROM oauth_clients WHERE client_id = ?", client_id)
        return OAuthClientInformationFull.model_validate_json(row[0]) if row else None

    # Sign-ins (between our /authorize and Zoom's redirect back) -------------------------------

    async def begin_sign_in(self, state: str, sign_in: SignIn, ttl: float) -> None:
        await self.db.execute(
            "INSERT INTO sign_ins (state_hash, client_id, params, verifier, expires_at) VALUES (?, ?, ?, ?, ?)",
            digest(state),
            sign_in.client_id,
            json.dumps(sign_in.params),
            self.sealer.seal({"verifier": sign_in.verifier}),
            self.clock() + ttl,
        )

    async def peek_sign_in(self, state: str) -> SignIn | None:
        """The sign-in, left in place (the consent page shows it before the user goes to Zoom)."""
        row = await self.db.fetchone(
            "SELECT client_id, params, verifier, expires_at FROM sign_ins WHERE state_hash = ?", digest(state)
        )
        return self._sign_in(row)

    async def take_sign_in(self, state: str) -> SignIn | None:
        row = await self.db.fetchone(
            "DELETE FROM sign_ins WHERE state_hash = ? RETURNING client_id, params, verifier, expires_at", digest(state)
        )
        return self._sign_in(row)

    def _sign_in(self, row: Any) -> SignIn | None:
        if row is None or row[3] < self.clock():
            return None
        opened = self.sealer.open(row[2]) or {}
        return SignIn(row[0], json.loads(row[1]), str(opened.get("verifier", "")))

    # Authorization codes ----------------------------------------------------------------------

    async def save_code(self, code: str, client_id: str, user_id: str, data: dict[str, Any], expires_at: float) -> None:
        await self.db.execute(
            "INSERT INTO auth_codes (code_hash, client_id, user_id, data, expires_at) VALUES (?, ?, ?, ?, ?)",
            digest(code),
            client_id,
            user_id,
            json.dumps(data),
            expires_at,
        )

    async def code(self, code: str) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT data FROM auth_codes WHERE code_hash = ?", digest(code))
        return json.loads(row[0]) if row else None

    async def take_code(self, code: str) -> bool:
        """Use the code up; False when another request already did."""
        return await self.db.execute("DELETE FROM auth_codes WHERE code_hash = ?", digest(code)) == 1

    # Grants and our tokens --------------------------------------------------------------------

    async def create_grant(
        self, client_id: str, user_id: str, scopes: list[str], resource: str | None, tx: Queries | None = None
    ) -> str:
        grant_id = new_secret()
        await (tx or self.db).execute(
            "INSERT INTO grants (grant_id, client_id, user_id, scopes, resource, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            grant_id,
            client_id,
            user_id,
            " ".join(scopes),
            resource,
            self.clock(),
        )
        return grant_id

    async def add_token(
        self, token: str, kind: str, grant_id: str, expires_at: float | None, tx: Queries | None = None
    ) -> None:
        await (tx or self.db).execute(
            "INSERT INTO tokens (token_hash, kind, grant_id, expires_at) VALUES (?, ?, ?, ?)",
            digest(token),
            kind,
            grant_id,
            expires_at,
        )

    async def token(self, token: str, kind: str) -> IssuedToken | None:
        row = await self.db.fetchone(
            "SELECT g.grant_id, g.client_id, g.user_id, g.scopes, g.resource, t.expires_at "
            "FROM tokens t JOIN grants g ON g.grant_id = t.grant_id WHERE t.token_hash = ? AND t.kind = ?",
            digest(token),
            kind,
        )
        if row is None:
            return None
        return IssuedToken(row[0], row[1], row[2], row[3].split(), row[4], row[5])

    async def take_token(self, token: str, kind: str, tx: Queries) -> bool:
        return await tx.execute("DELETE FROM tokens WHERE token_hash = ? AND kind = ?", digest(token), kind) == 1

    async def revoke_grant(self, grant_id: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM tokens WHERE grant_id = ?", grant_id)
            await tx.execute("DELETE FROM grants WHERE grant_id = ?", grant_id)

    # Zoom users -------------------------------------------------------------------------------

    async def save_zoom_user(
        self, user_id: str, account_id: str | None, email: str | None, tokens: dict[str, Any]
    ) -> None:
        """A fresh sign-in: its tokens replace whatever the user had (the newest Zoom grant wins)."""
        await self.db.execute(
            "INSERT INTO zoom_users (user_id, account_id, email, secret, version, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (user_id) DO UPDATE SET account_id = excluded.account_id, "
            "email = excluded.email, secret = excluded.secret, version = zoom_users.version + 1, "
            "updated_at = excluded.updated_at",
            user_id,
            account_id,
            email,
            self.sealer.seal(tokens),
            self.clock(),
        )

    def _zoom_user(self, row: Any) -> ZoomUser | None:
        if row is None:
            return None
        tokens = self.sealer.open(row[3])
        return ZoomUser(row[0], row[1], row[2], tokens, int(row[4])) if tokens is not None else None

    async def zoom_user(self, user_id: str) -> ZoomUser | None:
        row = await self.db.fetchone(
            "SELECT user_id, account_id, email, secret, version FROM zoom_users WHERE user_id = ?", user_id
        )
        return self._zoom_user(row)

    @asynccontextmanager
    async def locked_zoom_user(self, user_id: str) -> AsyncIterator[tuple[ZoomUser | None, Callable[..., Any]]]:
        """The user's row under the lock, and ``save(tokens)`` to write its refreshed tokens before the lock goes.

        Every instance that finds the token stale waits here; the first refreshes, the others
        then read its result instead of spending the (already rotated) refresh token again.
        """
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT user_id, account_id, email, secret, version FROM zoom_users WHERE user_id = ?"
                + self.db.for_update,
                user_id,
            )
            user = self._zoom_user(row)

            async def save(tokens: dict[str, Any]) -> None:
                await tx.execute(
                    "UPDATE zoom_users SET secret = ?, version = version + 1, updated_at = ? WHERE user_id = ?",
                    self.sealer.seal(tokens),
                    self.clock(),
                    user_id,
                )

            yield user, save

    # Housekeeping -----------------------------------------------------------------------------

    async def prune(self) -> None:
        """Drop what has expired (codes, sign-ins, access tokens); refresh tokens live until used or revoked."""
        now = self.clock()
        await self.db.execute("DELETE FROM auth_codes WHERE expires_at < ?", now)
        await self.db.execute("DELETE FROM sign_ins WHERE expires_at < ?", now)
        await self.db.execute("DELETE FROM tokens WHERE kind = 'access' AND expires_at < ?", now)
