"""``zoom-mcp doctor``: check the configuration for real, and say in plain words what is wrong.

It gets a token, makes one cheap read per product it would serve (the first channel; the
mailbox profile), summarises the granted scopes and the tools they unlock, and exits non-zero
when any check failed. Every line it prints is redacted: secrets can come back inside Zoom's
own error messages.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import httpx2

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.registry import Selection, select
from zoom_mcp.config import Settings
from zoom_mcp.engine.auth import AccountCredentialsAuth, MissingAuth, RefreshTokenAuth, StaticTokenAuth
from zoom_mcp.engine.error_shaping import zoom_error_text
from zoom_mcp.engine.http import describe_transport_error
from zoom_mcp.engine.redact import SECRETS
from zoom_mcp.errors import ToolUsageError, ZoomAPIError, ZoomAuthError
from zoom_mcp.scopes import smallest_cover
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

if TYPE_CHECKING:
    from zoom_mcp.engine.executor import Executor

TOKEN_TIMEOUT = 15.0
CHECK_TIMEOUT = 30.0
LABEL_WIDTH = 13
CREDENTIAL_NAMES = {
    "access_token": "ZOOM_ACCESS_TOKEN",
    "account_id": "ZOOM_ACCOUNT_ID",
    "client_id": "ZOOM_CLIENT_ID",
    "client_secret": "ZOOM_CLIENT_SECRET",
    "refresh_token": "ZOOM_REFRESH_TOKEN",
    "token_file": "ZOOM_TOKEN_FILE",
    "scopes": "ZOOM_SCOPES",
}
AUTH_KINDS = {
    StaticTokenAuth: "a static token",
    AccountCredentialsAuth: "server-to-server OAuth",
    RefreshTokenAuth: "user OAuth (refresh token)",
}
# Zoom's answers when Mail itself is unavailable, whatever the HTTP status (zoom-api.md §6.4).
MAIL_UNAVAILABLE = ("not enabled", "not provisioned", "not activated", "mail service", "onboard", "encrypt")
MAIL_PREREQUISITES = (
    "Zoom Mail must be enabled for the account with onboarding finished, the mailbox provisioned, "
    "and Mail end-to-end encryption off (the API cannot read end-to-end encrypted mail)"
)

Connect = Callable[..., AbstractAsyncContextManager[tuple["Executor", Settings]]]


@dataclass(frozen=True)
class Probe:
    """One cheap read that proves a product works: the tool, its arguments, what to report on success."""

    product: str
    tool: str
    arguments: dict[str, Any]
    report: Callable[[Any, Settings], str]


def _channels(data: Any, settings: Settings) -> str:
    channels = data.get("channels") if isinstance(data, dict) else None
    total = data.get("total_records") if isinstance(data, dict) else None
    seen = total if isinstance(total, int) else len(channels or [])
    return f"ok, as user {settings.default_user}: {seen} channel(s) visible"


def _profile(data: Any, settings: Settings) -> str:
    profile = data if isinstance(data, dict) else {}
    mailbox = profile.get("emailAddress") or settings.default_mailbox
    status = f" (status {profile['status']})" if profile.get("status") not in (None, "") else ""
    return f"ok, mailbox {mailbox}{status}"


PROBES = (
    Probe("team chat", "chat_list_channels", {"page_size": 1}, _channels),
    Probe("mail", "mail_get_profile", {}, _profile),
)


class Report:
    """Lines for the user, each redacted; counts the failures."""

    def __init__(self) -> None:
        self.failures = 0

    def line(self, label: str, text: str, *, failed: bool = False) -> None:
        self.failures += failed
        head = f"{label + ':':<{LABEL_WIDTH}}"
        print(SECRETS.text(textwrap.fill(text, width=100, initial_indent=head, subsequent_indent=" " * LABEL_WIDTH)))

    def detail(self, text: str) -> None:
        print(SECRETS.text(textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="      ")))


async def run(settings: Settings, sandbox: bool, verbose: bool, connect: Connect) -> int:
    report = Report()
    async with connect(settings, sandbox=sandbox) as (executor, used):
        await _check(report, executor, used, sandbox=sandbox, verbose=verbose)
    if report.failures:
        report.line("result", f"{report.failures} check(s) failed", failed=False)
        return 1
    report.line("result", "all checks passed")
    return 0


async def _check(report: Report, executor: Executor, settings: Settings, *, sandbox: bool, verbose: bool) -> None:
    auth = executor.auth
    found = [env for attr, env in CREDENTIAL_NAMES.items() if getattr(settings, attr)]
    kind = next((text for cls, text in AUTH_KINDS.items() if isinstance(auth, cls)), None)
    shown = ", ".join(found) if found else "none found (see zoom-mcp --help)"
    report.line("credentials", f"{shown} ({kind})" if kind else shown, failed=isinstance(auth, MissingAuth))
    if not await _token(report, executor, settings):
        report.line("checks", "not run: without a token nothing can be checked at Zoom")
        return
    # The token response may name a regional API host; that is the one calls go to.
    report.line("api base", auth.api_base_url or settings.api_base_url)
    granted = auth.granted_scopes
    _scopes(report, granted, verbose)
    selection = Selection.from_settings(settings)
    wanted = select(ALL_TOOLS, None, selection)
    chosen = select(ALL_TOOLS, granted, selection)
    served = {spec.name.split("_", 1)[0] for spec in chosen}
    for probe in PROBES:
        if probe.tool.split("_", 1)[0] in served:
            await _probe(report, executor, settings, probe, {spec.name for spec in chosen})
    if isinstance(auth, AccountCredentialsAuth) and not sandbox:
        # The sandbox's "me" is its owner; Zoom documents "me" as invalid for these apps (zoom-api.md §1.5).
        unset = [name for name, value in _defaults(settings) if value == "me"]
        if unset:
            report.line(
                "warning",
                f"a server-to-server app has no user of its own: set {' and '.join(unset)} to the Zoom user's "
                "email, or calls that name no user ask Zoom for 'me'",
            )
    scopes_note = "" if granted is not None else " (granted scopes unknown: every selected tool is listed)"
    selected = f" (of {len(ALL_TOOLS)}, by the tool selection)" if len(wanted) < len(ALL_TOOLS) else ""
    report.line("tools", f"{len(chosen)}/{len(wanted)} registered{selected}{scopes_note}")
    for line in missing_by_toolset(wanted, chosen, granular=verbose):
        report.detail(line)
    if not verbose and len(chosen) < len(wanted):
        report.detail("(--verbose adds the granular scopes that would do the same)")


def _defaults(settings: Settings) -> list[tuple[str, str]]:
    return [("ZOOM_MCP_DEFAULT_USER", settings.default_user), ("ZOOM_MCP_DEFAULT_MAILBOX", settings.default_mailbox)]


async def _token(report: Report, executor: Executor, settings: Settings) -> bool:
    try:
        with anyio.fail_after(TOKEN_TIMEOUT):
            await executor.auth.token()
    except TimeoutError:
        report.line(
            "token", f"FAILED: no answer within {TOKEN_TIMEOUT:.0f} s from {settings.oauth_base_url}", failed=True
        )
        return False
    except ZoomAuthError as exc:
        code = f", code {exc.code}" if exc.code else ""
        report.line(
            "token", f"FAILED: Zoom refused the credentials (HTTP {exc.status}{code}): {exc.message}", failed=True
        )
        report.line("fix", exc.fix)
        return False
    except ZoomAPIError as exc:
        cause = exc.__context__
        if isinstance(cause, httpx2.TransportError):
            problem = describe_transport_error(cause, settings.timeout)
            report.line("token", f"FAILED: {problem.text}", failed=True)
            if problem.fix:
                report.line("fix", problem.fix)
        else:
            report.line("token", f"FAILED: {exc.message}", failed=True)
        return False
    except ToolUsageError as exc:
        report.line("token", f"FAILED: {exc}", failed=True)
        return False
    source = "static, checked by the reads below" if isinstance(executor.auth, StaticTokenAuth) else "obtained"
    report.line("token", source)
    return True


def _scopes(report: Report, granted: frozenset[str] | None, verbose: bool) -> None:
    if granted is None:
        report.line("scopes", "unknown (a static token without ZOOM_SCOPES): every selected tool will be listed")
        return
    if verbose:
        report.line("scopes", f"{len(granted)} granted: {' '.join(sorted(granted)) or '(none)'}")
    else:
        report.line("scopes", f"{len(granted)} granted (--verbose lists them)")


async def _probe(report: Report, executor: Executor, settings: Settings, probe: Probe, registered: set[str]) -> None:
    from zoom_mcp.engine.executor import CallContext

    spec = BY_NAME[probe.tool]
    if probe.tool not in registered:
        report.line(probe.product, f"not checked: {probe.tool} is not registered (scopes or tool selection)")
        return
    args = spec.input.model_validate(probe.arguments)
    context = CallContext(executor, spec)
    try:
        with anyio.fail_after(CHECK_TIMEOUT):
            data = await context.send(context.default_request(args))
    except TimeoutError:
        report.line(probe.product, f"FAILED: no answer within {CHECK_TIMEOUT:.0f} s", failed=True)
    except ZoomAPIError as exc:
        report.line(probe.product, f"FAILED: {plain_words(spec, exc, args, settings)}", failed=True)
    except ToolUsageError as exc:
        report.line(probe.product, f"FAILED: {exc}", failed=True)
    else:
        report.line(probe.product, probe.report(data, settings))


def plain_words(spec: ToolSpec, error: ZoomAPIError, args: Any, settings: Settings) -> str:
    """Zoom's answer as a user can act on it; Mail being off gets its own explanation."""
    message = error.message.lower()
    mail_off = error.status == 403 or any(words in message for words in MAIL_UNAVAILABLE)
    if spec.name.startswith("mail_") and error.status in (400, 403, 404) and mail_off:
        return (
            f"Zoom Mail is not available for {settings.default_mailbox} (Zoom says: {error.message.rstrip('.')}). "
            f"{MAIL_PREREQUISITES}."
        )
    return zoom_error_text(spec, error, args)


def missing_by_toolset(wanted: Sequence[ToolSpec], chosen: Sequence[ToolSpec], *, granular: bool = False) -> list[str]:
    """Per toolset with unregistered tools: how many register, and the scopes that would add the rest."""
    registered = {spec.name for spec in chosen}
    missing: dict[str, list[ToolSpec]] = {}
    for spec in wanted:
        if spec.name not in registered:
            missing.setdefault(spec.toolset, []).append(spec)
    lines = []
    for toolset, specs in sorted(missing.items()):
        total = sum(1 for s in wanted if s.toolset == toolset)
        classic = " ".join(smallest_cover([s.scopes for s in specs]))
        line = f"{toolset}: {total - len(specs)}/{total}; add {classic}"
        if granular:
            line += f" (or granular: {' '.join(smallest_cover([s.scopes for s in specs], prefer='granular'))})"
        lines.append(line)
    return lines
