"""Remote multi-user mode assembled: the MCP server behind its own OAuth authorization server.

``zoom-mcp --transport http --auth oauth --public-url URL`` serves, on one Starlette app:
``/mcp`` (Streamable HTTP, stateless, each request authenticated and run as its user), the
SDK's authorization server routes (``/.well-known/oauth-authorization-server``, ``/authorize``,
``/token``, ``/register``, ``/revoke``), the protected resource metadata
(``/.well-known/oauth-protected-resource/mcp``), Zoom's redirect back (``/oauth/zoom/callback``)
and ``/healthz``. Everything shared lives in the database, so any instance serves any request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
from mcp.server.auth.provider import ProviderTokenVerifier
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.request_state import RequestStateSecurity
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import ASGIApp

from zoom_mcp.config import SettingError, Settings, split_csv
from zoom_mcp.engine.executor import Executor
from zoom_mcp.engine.http import build_client
from zoom_mcp.engine.write_dedupe import WriteGuard
from zoom_mcp.remote.consent import CONSENT_PATH, Consent
from zoom_mcp.remote.crypto import Sealer
from zoom_mcp.remote.database import Database, open_database
from zoom_mcp.remote.identity import TokenIdentity
from zoom_mcp.remote.provider import CALLBACK_PATH, ResourceGuard, ZoomOAuthProvider
from zoom_mcp.remote.rate_budget import PLAN_LIMITS, SharedRateBudget
from zoom_mcp.remote.store import Store
from zoom_mcp.remote.write_store import SqlWriteStore
from zoom_mcp.remote.zoom_tokens import CURRENT_USER, UserZoomAuth, ZoomTokens
from zoom_mcp.serving.server import ZoomServer
from zoom_mcp.serving.transports import HEALTH_PATH, MCP_PATH, healthz, transport_security

REQUEST_STATE = b"zoom-mcp: confirmation request state"
DEFAULT_DATABASE = Path("~/.local/share/zoom-mcp/remote.db")
ANY_ACCOUNT = "*"


@dataclass(frozen=True)
class RemoteSettings:
    public_url: str
    database_url: str
    secret_key: str
    allowed_accounts: frozenset[str] | None  # None: any account ("*")

    @property
    def resource(self) -> str:
        return self.public_url + MCP_PATH


def remote_settings(settings: Settings) -> RemoteSettings:
    """The remote-mode settings, or SettingError naming everything that is missing (fail closed)."""
    problems = []
    if not settings.public_url:
        problems.append("ZOOM_MCP_PUBLIC_URL (or --public-url): the https URL clients reach this server at")
    if not settings.secret_key:
        problems.append("ZOOM_MCP_SECRET_KEY: encrypts the Zoom tokens kept in the database")
    if not (settings.client_id and settings.client_secret):
        problems.append("ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET of a General (user-managed) Zoom app")
    accounts = split_csv(settings.allowed_accounts)
    if not accounts:
        problems.append(f"ZOOM_MCP_ALLOWED_ACCOUNTS: the Zoom account ids whose users may sign in ({ANY_ACCOUNT}: any)")
    if settings.account_id:
        problems.append("no ZOOM_ACCOUNT_ID: users sign in themselves; a server-to-server app cannot act as them")
    if problems:
        raise SettingError("--auth oauth needs " + "; ".join(problems))
    # Each user's calls default to their own chats and mailbox, never a configured one.
    shared = [
        name
        for name, value in (
            ("ZOOM_MCP_DEFAULT_USER", settings.default_user),
            ("ZOOM_MCP_DEFAULT_MAILBOX", settings.default_mailbox),
        )
        if value != "me"
    ]
    if shared:
        raise SettingError(f"{' and '.join(shared)} must stay me with --auth oauth: each user's calls act as that user")
    # One folder on the server, shared by every user: one user's download could be another's upload.
    shared = [
        name
        for name, value in (
            ("ZOOM_MCP_UPLOAD_DIR", settings.upload_dir),
            ("ZOOM_MCP_DOWNLOAD_DIR", settings.download_dir),
        )
        if value
    ]
    if shared:
        raise SettingError(
            f"{' and '.join(shared)} cannot be used with --auth oauth: "
            "a folder on the server would be shared by every user"
        )
    public_url = (settings.public_url or "").rstrip("/")
    parts = urlsplit(public_url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not loopback:
        raise SettingError(f"ZOOM_MCP_PUBLIC_URL={public_url} must be https (plain http only on loopback)")
    return RemoteSettings(
        public_url=public_url,
        database_url=settings.database_url or str(DEFAULT_DATABASE),
        secret_key=settings.secret_key or "",
        allowed_accounts=None if ANY_ACCOUNT in accounts else frozenset(accounts),
    )


def _security(host: str, public_url: str) -> TransportSecuritySettings:
    """DNS-rebinding protection as for any bind, also admitting the public name clients use."""
    security = transport_security(host)
    if security.enable_dns_rebinding_protection:
        parts = urlsplit(public_url)
        netloc = parts.netloc
        security.allowed_hosts = [*security.allowed_hosts, netloc, f"{parts.hostname}:*"]
        security.allowed_origins = [*security.allowed_origins, f"{parts.scheme}://{netloc}"]
    return security


def build_app(server: ZoomServer, provider: ZoomOAuthProvider, remote: RemoteSettings, host: str) -> ASGIApp:
    auth = AuthSettings(
        issuer_url=remote.public_url,  # type: ignore[arg-type]
        resource_server_url=remote.resource,  # type: ignore[arg-type]
        validate_token_resource=True,
        client_registration_options=ClientRegistrationOptions(enabled=True),
        revocation_options=RevocationOptions(enabled=True),
    )
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        # Any instance answers any request: no session lives in one process's memory.
        stateless_http=True,
        transport_security=_security(host, remote.public_url),
        host=host,
        auth=auth,
        token_verifier=ProviderTokenVerifier(provider),
        auth_server_provider=provider,
        custom_starlette_routes=[
            Route(HEALTH_PATH, healthz, methods=["GET"]),
            Route(CALLBACK_PATH, provider.zoom_callback, methods=["GET"]),
            Route(CONSENT_PATH, Consent(provider).handle, methods=["GET", "POST"]),
        ],
    )
    return ResourceGuard(app, remote.resource)


@dataclass
class Remote:
    app: ASGIApp
    server: ZoomServer
    provider: ZoomOAuthProvider
    tokens: ZoomTokens
    db: Database


@asynccontextmanager
async def remote_app(
    settings: Settings, *, host: str = "127.0.0.1", transport: httpx2.AsyncBaseTransport | None = None
) -> AsyncIterator[Remote]:
    """The whole remote-mode app, its database open and migrated, for as long as the block runs."""
    remote = remote_settings(settings)
    sealer = Sealer(remote.secret_key)
    db = await open_database(remote.database_url)
    try:
        store = Store(db, sealer)
        async with build_client(settings, transport) as client:
            tokens = ZoomTokens(store, settings, client)
            budget = SharedRateBudget(db, PLAN_LIMITS[settings.rate_plan])

            async def throttle(label: str) -> None:
                user = CURRENT_USER.get()
                await budget.take((tokens.account_of(user) if user else None) or "unknown", label)

            executor = Executor(settings, transport=transport, auth=UserZoomAuth(tokens), throttle=throttle)
            async with executor:
                server = ZoomServer(
                    executor,
                    settings,
                    identity=TokenIdentity(tokens),
                    write_guard=WriteGuard(SqlWriteStore(db)),
                    # A confirmation asked by one instance may be answered to another.
                    request_state=RequestStateSecurity(keys=sealer.keys_for(REQUEST_STATE)),
                )
                provider = ZoomOAuthProvider(
                    store,
                    settings,
                    client,
                    public_url=remote.public_url,
                    resource=remote.resource,
                    allowed_accounts=remote.allowed_accounts,
                )
                await store.prune()
                yield Remote(build_app(server, provider, remote, host), server, provider, tokens, db)
    finally:
        await db.aclose()
