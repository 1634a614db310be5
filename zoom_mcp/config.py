"""Settings, read from the environment and overridden by command-line flags.

Every environment variable the server reads is declared here, with its default, so the README
table and ``zoom-mcp --help`` can be generated from one place.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from zoom_mcp.scopes import parse_scopes

API_BASE_URL = "https://api.zoom.us/v2"
FILE_BASE_URL = "https://file.zoom.us/v2"
OAUTH_BASE_URL = "https://zoom.us"
# Spelled out in --help and in every error: a switch that reads a typo as "off" fails open.
BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
LOG_LEVELS = ("debug", "info", "warning", "error")
MIN_HTTP_TOKEN = 32
MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


class SettingError(ValueError):
    """A setting that cannot be used; the message names the variable and what it accepts."""


@dataclass(frozen=True)
class Settings:
    # Credentials: a static token, server-to-server OAuth, or user OAuth with a refresh token.
    access_token: str | None = field(
        default=None, metadata={"env": "ZOOM_ACCESS_TOKEN", "help": "Static bearer token", "secret": True}
    )
    scopes: str | None = field(
        default=None,
        metadata={"env": "ZOOM_SCOPES", "help": "Granted scopes for a static token (space-separated)"},
    )
    account_id: str | None = field(
        default=None, metadata={"env": "ZOOM_ACCOUNT_ID", "help": "Server-to-server OAuth account id"}
    )
    client_id: str | None = field(default=None, metadata={"env": "ZOOM_CLIENT_ID", "help": "OAuth app client id"})
    client_secret: str | None = field(
        default=None, metadata={"env": "ZOOM_CLIENT_SECRET", "help": "OAuth app client secret", "secret": True}
    )
    refresh_token: str | None = field(
        default=None,
        metadata={"env": "ZOOM_REFRESH_TOKEN", "help": "User OAuth refresh token (first run)", "secret": True},
    )
    token_file: Path | None = field(
        default=None,
        metadata={"env": "ZOOM_TOKEN_FILE", "help": "File keeping the newest user OAuth refresh token (0600)"},
    )
    sandbox: bool = field(
        default=False,
        metadata={"env": "ZOOM_MCP_SANDBOX", "help": "Use the built-in sandbox Zoom (same as --sandbox)"},
    )
    # Where Zoom is.
    api_base_url: str = field(
        default=API_BASE_URL, metadata={"env": "ZOOM_API_BASE_URL", "help": "REST API base", "url": True}
    )
    file_base_url: str = field(
        default=FILE_BASE_URL, metadata={"env": "ZOOM_FILE_BASE_URL", "help": "File upload host base", "url": True}
    )
    oauth_base_url: str = field(
        default=OAUTH_BASE_URL,
        metadata={"env": "ZOOM_OAUTH_BASE_URL", "help": "OAuth host (token endpoint)", "url": True},
    )
    trusted_hosts: str = field(
        default="",
        metadata={
            "env": "ZOOM_MCP_TRUSTED_HOSTS",
            "help": "Extra hosts (besides *.zoom.us) that may receive the token on a redirect",
        },
    )
    # Whose data by default.
    default_user: str = field(
        default="me", metadata={"env": "ZOOM_MCP_DEFAULT_USER", "help": "Team Chat userId when a call names none"}
    )
    default_mailbox: str = field(
        default="me", metadata={"env": "ZOOM_MCP_DEFAULT_MAILBOX", "help": "Mailbox email when a call names none"}
    )
    # Which tools.
    read_only: bool = field(default=False, metadata={"env": "ZOOM_MCP_READ_ONLY", "help": "Register read tools only"})
    toolsets: str = field(default="", metadata={"env": "ZOOM_MCP_TOOLSETS", "help": "Comma-separated toolsets"})
    tools: str = field(default="", metadata={"env": "ZOOM_MCP_TOOLS", "help": "Comma-separated tool names to allow"})
    exclude_tools: str = field(
        default="", metadata={"env": "ZOOM_MCP_EXCLUDE_TOOLS", "help": "Comma-separated tool names to hide"}
    )
    confirm_destructive: bool = field(
        default=True,
        metadata={"env": "ZOOM_MCP_CONFIRM", "help": "Ask the user before destructive tools (when supported)"},
    )
    # Results.
    result_budget: int = field(
        default=20_000,
        metadata={"env": "ZOOM_MCP_RESULT_BUDGET", "help": "Max characters per tool result", "min": 100},
    )
    structured_content: bool = field(
        default=False,
        metadata={
            "env": "ZOOM_MCP_STRUCTURED_CONTENT",
            "help": "Also send results as structuredContent (for programmatic clients; the text leads)",
        },
    )
    mail_body_chars: int = field(
        default=8_000,
        metadata={"env": "ZOOM_MCP_MAIL_BODY_CHARS", "help": "Email body characters before truncation", "min": 1},
    )
    # Files.
    upload_dir: Path | None = field(
        default=None, metadata={"env": "ZOOM_MCP_UPLOAD_DIR", "help": "Only folder local files may be uploaded from"}
    )
    download_dir: Path | None = field(
        default=None, metadata={"env": "ZOOM_MCP_DOWNLOAD_DIR", "help": "Folder for attachments too big to inline"}
    )
    inline_attachment_bytes: int = field(
        default=256 * 1024,
        metadata={"env": "ZOOM_MCP_INLINE_ATTACHMENT_BYTES", "help": "Largest attachment returned inline", "min": 0},
    )
    # HTTP.
    timeout: float = field(
        default=30.0, metadata={"env": "ZOOM_MCP_TIMEOUT", "help": "Seconds per Zoom request", "min": 0.1}
    )
    max_retries: int = field(
        default=3,
        metadata={"env": "ZOOM_MCP_MAX_RETRIES", "help": "Retries for rate limits and safe failures", "min": 0},
    )
    http_token: str | None = field(
        default=None,
        metadata={
            "env": "ZOOM_MCP_HTTP_TOKEN",
            "help": f"Bearer token MCP clients must send over HTTP (required off loopback; {MIN_HTTP_TOKEN}+ chars)",
            "secret": True,
            "min_length": MIN_HTTP_TOKEN,
        },
    )
    ca_bundle: Path | None = field(
        default=None,
        metadata={
            "env": "ZOOM_MCP_CA_BUNDLE",
            "help": "PEM file or folder of extra CA certificates to trust (e.g. a corporate TLS proxy's)",
        },
    )
    # Remote multi-user mode (HTTP with --auth oauth; README "Deploy for a team").
    auth_mode: str = field(
        default="token",
        metadata={
            "env": "ZOOM_MCP_AUTH",
            "help": "Who may use the HTTP server: token (ZOOM_MCP_HTTP_TOKEN, or anyone on loopback) or oauth "
            "(each user signs in with Zoom)",
            "choices": ("token", "oauth"),
        },
    )
    public_url: str | None = field(
        default=None,
        metadata={
            "env": "ZOOM_MCP_PUBLIC_URL",
            "help": "oauth: the https URL clients reach the server at",
            "url": True,
        },
    )
    database_url: str | None = field(
        default=None,
        metadata={
            "env": "ZOOM_MCP_DATABASE_URL",
            "help": "oauth: SQLite file path (default ~/.local/share/zoom-mcp/remote.db) or postgresql://...",
            "secret": True,
        },
    )
    secret_key: str | None = field(
        default=None,
        metadata={"env": "ZOOM_MCP_SECRET_KEY", "help": "oauth: key encrypting stored Zoom tokens", "secret": True},
    )
    allowed_accounts: str = field(
        default="",
        metadata={
            "env": "ZOOM_MCP_ALLOWED_ACCOUNTS",
            "help": "oauth: Zoom account ids whose users may sign in (* any)",
        },
    )
    rate_plan: str = field(
        default="pro",
        metadata={
            "env": "ZOOM_MCP_RATE_PLAN",
            "help": "oauth: the Zoom plan whose per-second limits all instances share (free, pro, business)",
            "choices": ("free", "pro", "business"),
        },
    )
    # Diagnostics.
    log_level: str | None = field(
        default=None,
        metadata={
            "env": "ZOOM_MCP_LOG_LEVEL",
            "help": f"Log detail on stderr: {', '.join(LOG_LEVELS)} (debug: one line per Zoom request) "
            "[default: info when serving, warning for call and doctor]",
            "choices": LOG_LEVELS,
        },
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def path_defaults(self) -> dict[str, str]:
        """Values for path parameters a call leaves empty: the configured user and mailbox."""
        return {"userId": self.default_user, "email": self.default_mailbox}

    @property
    def granted_scopes(self) -> frozenset[str] | None:
        return parse_scopes(self.scopes)

    def secrets(self) -> list[str]:
        """Every configured secret value, for redaction."""
        return [getattr(self, f.name) for f in fields(self) if f.metadata.get("secret") and getattr(self, f.name)]


def _convert(f: Field[Any], raw: str) -> Any:
    """``raw`` as ``f``'s type, or SettingError naming the variable and what it accepts."""
    name, kind, meta = f.metadata["env"], str(f.type), f.metadata
    value: Any
    if kind.startswith("bool"):
        value = BOOLEANS.get(raw.strip().lower())
        if value is None:
            raise SettingError(f"{name}={raw!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off")
        return value
    if kind.startswith(("int", "float")):
        number = int if kind.startswith("int") else float
        try:
            value = number(raw.strip())
            if not math.isfinite(value):
                raise ValueError(raw)
        except ValueError:
            whole = "a whole number" if number is int else "a number"
            raise SettingError(f"{name}={raw!r} is not {whole}") from None
        if "min" in meta and not value >= meta["min"]:
            raise SettingError(f"{name}={raw!r} is too small: use at least {meta['min']}")
        return value
    if "Path" in kind:
        return Path(raw).expanduser()
    if meta.get("url") and not raw.startswith(("https://", "http://")):
        raise SettingError(f"{name}={raw!r} is not a URL: use https://host[/path]")
    if "choices" in meta:
        value = raw.strip().lower()
        if value not in meta["choices"]:
            raise SettingError(f"{name}={raw!r} is not one of: {', '.join(meta['choices'])}")
        return value
    if len(raw) < meta.get("min_length", 0):
        raise SettingError(
            f"{name} is too short ({len(raw)} characters; at least {meta['min_length']}): make one with {MAKE_TOKEN}"
        )
    return raw


def split_csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Settings)]
