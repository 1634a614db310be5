"""The schema, as numbered migrations: applied once each, in order, by every engine.

Types are the ones SQLite and PostgreSQL read alike (TEXT, BIGINT, DOUBLE PRECISION). Secrets
are never stored as issued: our own tokens and codes by their SHA-256, Zoom's tokens encrypted.
"""

from __future__ import annotations

from collections.abc import Sequence

MIGRATIONS: list[tuple[int, Sequence[str]]] = [
    (
        1,
        (
            # Registered MCP clients (RFC 7591), as the SDK's client information JSON.
            "CREATE TABLE oauth_clients (client_id TEXT PRIMARY KEY, info TEXT NOT NULL, created_at DOUBLE PRECISION)",
            # An MCP client's authorize request while the user signs in with Zoom (keyed by our state).
            "CREATE TABLE sign_ins (state_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, params TEXT NOT NULL, "
            "verifier TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
            # Our authorization codes, short-lived and single-use.
            "CREATE TABLE auth_codes (code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, "
            "data TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
            # One grant per sign-in of a user to a client; its tokens die with it.
            "CREATE TABLE grants (grant_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, "
            "scopes TEXT NOT NULL, resource TEXT, created_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL, "
            "expires_at DOUBLE PRECISION)",
            "CREATE INDEX tokens_by_grant ON tokens (grant_id)",
            # Each user's Zoom tokens, encrypted; version counts refreshes (a stale writer is refused).
            "CREATE TABLE zoom_users (user_id TEXT PRIMARY KEY, account_id TEXT, email TEXT, "
            "secret TEXT NOT NULL, version BIGINT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
            # The write-dedupe records (zoom_mcp.engine.write_dedupe), shared by every instance.
            "CREATE TABLE write_records (record_key TEXT PRIMARY KEY, started DOUBLE PRECISION NOT NULL, "
            "outcome TEXT, finished DOUBLE PRECISION)",
            # Requests per second per Zoom account and rate label, counted by every instance.
            "CREATE TABLE rate_windows (bucket TEXT NOT NULL, second BIGINT NOT NULL, count BIGINT NOT NULL, "
            "PRIMARY KEY (bucket, second))",
        ),
    ),
]
