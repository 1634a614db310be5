"""``Sandbox``: one local, stateful Zoom (OAuth, Team Chat, Mail) and the knobs tests turn."""

from __future__ import annotations

import inspect
import warnings
from typing import Any
from urllib.parse import urlsplit

import httpx2

from zoom_mcp.catalog.served_schemas import CatalogTool
from zoom_mcp.sandbox.app import build_app, redirect_host
from zoom_mcp.sandbox.chat import HANDLERS as CHAT_HANDLERS
from zoom_mcp.sandbox.chat import extra_specs
from zoom_mcp.sandbox.chat_seed import seed_chat
from zoom_mcp.sandbox.clock import Clock
from zoom_mcp.sandbox.faults import FaultSet, RateLimiter
from zoom_mcp.sandbox.handlers import HandlerTable, mail_handlers, mail_seeder
from zoom_mcp.sandbox.oauth import ConsentSettings, OAuthConfig, TokenEndpoint, TokenStore
from zoom_mcp.sandbox.paging import PageTokens
from zoom_mcp.sandbox.state import SandboxState
from zoom_mcp.scopes import parse_scopes
from zoom_mcp.serving.served_catalog import served_catalog

DEFAULT_BASE_URL = "http://sandbox.zoom.test"


def catalog_scopes(specs: tuple[CatalogTool, ...]) -> frozenset[str]:
    """Every scope any tool accepts: what a fully-privileged app would be granted."""
    return frozenset(scope for spec in specs for scope in spec.scopes.alternatives)


def _mail_kwargs(seed_mail: Any, seed: int, clock: Clock, options: Any) -> dict[str, Any]:
    """The optional arguments the Mail part's ``seed_mail`` accepts: seed, the shared clock, options."""
    accepted = inspect.signature(seed_mail).parameters
    offered = {"seed": seed, "clock": clock.now, "options": options}
    return {name: value for name, value in offered.items() if name in accepted and value is not None}


class Sandbox:
    """A local Zoom. ``.app`` is the ASGI app; everything else is for tests and demos.

    Switches for Zoom behaviour the sources leave open (zoom-api.md):
    ``token_error_status`` (code 124 arrives as 401 or 400), ``scope_error_status`` (4711 as
    400 or 401), ``retry_after`` (whether QPS 429s carry Retry-After) and
    ``message_date_window`` ("history": a message listing's ``date`` ends the window; "day":
    only that day) and ``invite_limit`` (members per invite call: 5, or 20 per ZoomNet).
    ``auto_approve`` makes ``/oauth/authorize`` redirect at once (as the owner) instead of showing
    its consent page; ``redirect_uris`` is the app's redirect allow-list (None accepts any).
    """

    def __init__(
        self,
        *,
        scopes: str | None = None,
        token_ttl: int = 3600,
        page_token_ttl: int = 900,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
        account_id: str = "sandbox-account",
        upload_redirect: bool = False,
        rate_limits: bool = False,
        seed: int = 0,
        owner: str | None = None,
        token_error_status: int = 401,
        scope_error_status: int = 400,
        retry_after: bool = True,
        rate_quotas: dict[str, int] | None = None,
        message_date_window: str = "history",
        invite_limit: int = 5,
        mail_options: Any = None,
        strict: bool = True,
        auto_approve: bool = False,
        redirect_uris: tuple[str, ...] | None = None,
    ) -> None:
        # The served catalog (routing and scopes need only what its index holds; the tool modules
        # load with the first API request), plus the few chat endpoints the sandbox serves beyond it.
        catalog = served_catalog()
        self.specs: tuple[CatalogTool, ...] = catalog + extra_specs(catalog)
        self.clock = Clock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.account_id = account_id
        self.upload_redirect = upload_redirect
        self.token_error_status = token_error_status
        self.scope_error_status = scope_error_status

        self.state: SandboxState = seed_chat(seed, self.clock, account_id)
        if owner is not None:
            self.state.owner_id = self.state.require_user(owner).id
        self.state.pages = PageTokens(page_token_ttl, self.clock)
        self.state.message_date_window = message_date_window
        self.state.invite_limit = invite_limit
        load_seeder = mail_seeder()
        if load_seeder is not None:
            users = list(self.state.users)

            def seed_mail() -> Any:
                seeder = load_seeder()
                return seeder(users, **_mail_kwargs(seeder, seed, self.clock, mail_options))

            self.state.mail_seeder = seed_mail

        self.handlers = HandlerTable(CHAT_HANDLERS, mail_handlers())
        self.missing_handlers = self.handlers.missing(self.specs)
        if self.missing_handlers and strict:
            raise RuntimeError("sandbox: no handler for catalog endpoints: " + ", ".join(self.missing_handlers))
        if not self.handlers.mail_installed:
            warnings.warn("sandbox: the Mail part is not installed; Mail endpoints answer 501", stacklevel=2)

        self._scopes = scopes
        self.tokens = TokenStore(self.clock, token_ttl)
        self.token_endpoint = TokenEndpoint(
            self.tokens,
            OAuthConfig(client_id, client_secret, account_id, self.state.owner_id),
            lambda: self.granted_scopes,
        )
        self.consent = ConsentSettings(auto_approve=auto_approve, redirect_uris=redirect_uris)
        self.faults = FaultSet()
        self.rate_limiter = RateLimiter(self.clock, rate_quotas, enabled=rate_limits)
        self.rate_limiter.retry_after = retry_after
        self.requests: list[tuple[str, str, int]] = []
        self.request_hosts: list[str] = []
        self.app = build_app(self)

    # ---- scopes and tokens

    @property
    def granted_scopes(self) -> frozenset[str]:
        parsed = parse_scopes(self._scopes) if self._scopes is not None else None
        return parsed if parsed is not None else catalog_scopes(self.specs)

    def set_scopes(self, scopes: str | None) -> None:
        """Scopes granted to tokens issued from now on (``None``: every catalog scope).

        Tokens already issued keep theirs, as on Zoom; call ``revoke_tokens()`` to force renewal.
        """
        self._scopes = scopes

    def revoke_tokens(self) -> int:
        return self.tokens.revoke_all()

    def issue_auth_code(self, user: str | None = None, scopes: str | None = None) -> str:
        """An authorization code for ``grant_type=authorization_code`` (a user OAuth app's flow)."""
        who = self.state.require_user(user).id if user else self.state.owner_id
        granted = parse_scopes(scopes) if scopes is not None else None
        return self.tokens.issue_code(who, granted or self.granted_scopes)

    def issue_token(self, user: str | None = None, scopes: str | None = None) -> str:
        """A bearer token minted directly, skipping the OAuth round trip."""
        who = self.state.require_user(user).id if user else self.state.owner_id
        granted = parse_scopes(scopes) if scopes is not None else None
        return self.tokens.issue(who, granted or self.granted_scopes, "direct").value

    # ---- rate limits and time

    def set_rate_limits(self, enabled: bool, **quotas: int) -> None:
        self.rate_limiter.enabled = enabled
        self.rate_limiter.quotas.update({k.replace("_", "-"): v for k, v in quotas.items()})

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time forward: expires tokens and page tokens without sleeping."""
        self.clock.advance(seconds)

    # ---- wiring

    def transport(self) -> httpx2.ASGITransport:
        return httpx2.ASGITransport(app=self.app)

    def settings_env(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, str]:
        """Environment variables that point zoom-mcp at this sandbox."""
        base = base_url.rstrip("/")
        parts = urlsplit(base)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        if host in ("127.0.0.1", "localhost") or host.replace(".", "").isdigit():
            file_base = base
            hosts = [host]
        else:
            file_base = f"{parts.scheme}://file.{host}{port}"
            hosts = [host, f"file.{host}"]
        redirect = redirect_host(urlsplit(file_base).netloc)
        if redirect:
            hosts.append(redirect.split(":")[0])
        return {
            "ZOOM_ACCOUNT_ID": self.account_id,
            "ZOOM_CLIENT_ID": self.client_id,
            "ZOOM_CLIENT_SECRET": self.client_secret,
            "ZOOM_API_BASE_URL": f"{base}/v2",
            "ZOOM_FILE_BASE_URL": f"{file_base}/v2",
            "ZOOM_OAUTH_BASE_URL": base,
            "ZOOM_MCP_TRUSTED_HOSTS": ",".join(dict.fromkeys(hosts)),
        }

    def record(self, method: str, path: str, status: int, host: str) -> None:
        self.requests.append((method, path, status))
        self.request_hosts.append(host)

    def describe(self) -> dict[str, Any]:
        """Counts for ``GET /_sandbox/state``."""
        return {
            "state": self.state.counts(),
            "owner": {"id": self.state.owner.id, "email": self.state.owner.email},
            "tokens": {
                "issued": len(self.tokens.tokens),
                "live": sum(1 for t in self.tokens.tokens.values() if self.tokens.lookup(t.value)),
            },
            "requests": len(self.requests),
            "faults": [f.describe() for f in self.faults.active()],
            "rate_limits": {"enabled": self.rate_limiter.enabled, "quotas": self.rate_limiter.quotas},
            "mail_installed": self.handlers.mail_installed,
            "missing_handlers": self.missing_handlers,
        }
