"""The ``zoom-mcp`` command: serve, and the tools to inspect and try the server.

On stdio, stdout belongs to the protocol: everything for people goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio

from zoom_mcp import __version__
from zoom_mcp.catalog import ToolSpec
from zoom_mcp.config import ENVIRONMENT, Settings
from zoom_mcp.registry import Selection, select, toolset_names, unknown_names
from zoom_mcp.scopes import ADMIN, ScopeRequirement, parse_scopes, smallest_cover
from zoom_mcp.tools import ALL_TOOLS

if TYPE_CHECKING:
    from zoom_mcp.executor import Executor

DESCRIPTION = """\
MCP server for Zoom Team Chat and Zoom Mail. Without a command it serves MCP (stdio by default).
Each Zoom endpoint is one tool; only the tools your OAuth scopes allow are listed. --sandbox runs
everything against a built-in local Zoom, no account needed."""

EXAMPLES = """\
examples:
  zoom-mcp --sandbox                          serve over stdio against the built-in sandbox
  zoom-mcp --transport http --port 8000       Streamable HTTP at http://127.0.0.1:8000/mcp
  zoom-mcp --read-only --toolsets chat        only Team Chat read tools
  zoom-mcp tools --scopes "chat_message:read chat_channel:read"
  zoom-mcp scopes --toolsets mail --granular  least-privilege scopes for the mail tools
  zoom-mcp call chat_list_channels '{}' --sandbox
  zoom-mcp doctor                             check credentials, token and granted scopes
  zoom-mcp sandbox --port 9000                run the sandbox Zoom API on a port"""

# Variables that would point a --sandbox run at a real account; the sandbox's own win.
CREDENTIAL_ENV = (
    "ZOOM_ACCESS_TOKEN",
    "ZOOM_SCOPES",
    "ZOOM_ACCOUNT_ID",
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "ZOOM_REFRESH_TOKEN",
    "ZOOM_TOKEN_FILE",
)
TOKEN_TIMEOUT = 15.0

log = logging.getLogger("zoom_mcp.cli")


class UsageError(Exception):
    """A command line that cannot run; the message says what to change."""


# Parser ---------------------------------------------------------------------------------------


def _environment_table() -> str:
    width = max(len(name) for name, _, _ in ENVIRONMENT)
    lines = ["environment (command-line flags win):"]
    for name, default, text in ENVIRONMENT:
        if isinstance(default, bool):
            default = int(default)
        shown = "" if default in (None, "") else f" [default: {default}]"
        lines.append(f"  {name:<{width}}  {text}{shown}")
    return "\n".join(lines)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tool selection")
    group.add_argument("--read-only", action="store_true", default=None, help="register read tools only")
    group.add_argument("--toolsets", metavar="A,B", help="toolsets to register: chat, mail or finer (see `tools`)")
    group.add_argument("--tools", metavar="A,B", help="register only these tools")
    group.add_argument("--exclude-tools", metavar="A,B", help="never register these tools")


def _add_serve(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("serving")
    group.add_argument("--transport", choices=("stdio", "sse", "http"), default="stdio", help="default: stdio")
    group.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    group.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    group.add_argument(
        "--stateless",
        action="store_true",
        help="http: no sessions for handshake-era clients (they cannot confirm then)",
    )
    group.add_argument("--json-response", action="store_true", help="http: answer JSON instead of SSE streams")
    group.add_argument(
        "--no-confirm", action="store_true", help="run destructive tools without asking the user (ZOOM_MCP_CONFIRM=0)"
    )
    group.add_argument("--sandbox", action="store_true", help="serve against the built-in sandbox Zoom")


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="zoom-mcp",
        description=DESCRIPTION,
        epilog=f"{EXAMPLES}\n\n{_environment_table()}",
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"zoom-mcp {__version__}")
    _add_serve(parser)
    _add_selection(parser)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    tools = commands.add_parser("tools", help="list the tools that would register", formatter_class=formatter)
    tools.add_argument("--scopes", help='granted scopes to assume, e.g. "chat_message:read mail:read" (default: all)')
    tools.add_argument("--json", action="store_true", help="full definitions as JSON")
    _add_selection(tools)

    scopes = commands.add_parser("scopes", help="which scopes unlock which tools", formatter_class=formatter)
    scopes.add_argument("--granular", action="store_true", help="granular scopes instead of classic ones")
    _add_selection(scopes)

    call = commands.add_parser(
        "call",
        help="run one tool and print what the model would receive",
        formatter_class=formatter,
        epilog=(
            'example:\n  zoom-mcp call chat_send_message \'{"to_channel": "...", "message": "hi"}\' --sandbox\n\n'
            "Destructive tools are not confirmed here: typing the command is the confirmation."
        ),
    )
    call.add_argument("tool", help="tool name (see `zoom-mcp tools`)")
    call.add_argument("arguments", nargs="?", default="{}", help="arguments as a JSON object (default {})")
    call.add_argument("--sandbox", action="store_true", help="call the built-in sandbox instead of Zoom")
    call.add_argument("--json", action="store_true", help="print the whole CallToolResult as JSON")

    doctor = commands.add_parser("doctor", help="check credentials, token, scopes and tools", formatter_class=formatter)
    doctor.add_argument("--sandbox", action="store_true", help="check against the built-in sandbox")

    sandbox = commands.add_parser("sandbox", help="serve the sandbox Zoom API on a port", formatter_class=formatter)
    sandbox.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=9000, help="port (default 9000)")
    return parser


# Settings and wiring --------------------------------------------------------------------------


def _selection_overrides(ns: argparse.Namespace) -> dict[str, Any]:
    return {
        "read_only": getattr(ns, "read_only", None),
        "toolsets": getattr(ns, "toolsets", None),
        "tools": getattr(ns, "tools", None),
        "exclude_tools": getattr(ns, "exclude_tools", None),
        "confirm_destructive": False if getattr(ns, "no_confirm", False) else None,
    }


def _checked_selection(settings: Settings) -> Selection:
    selection = Selection.from_settings(settings)
    bad = unknown_names(ALL_TOOLS, selection)
    if bad:
        bad_sets = [name for name in bad if name in selection.toolsets]
        lines = [f"unknown toolset or tool name: {', '.join(bad)}"]
        if bad_sets:
            lines.append(f"valid toolsets: all, {', '.join(toolset_names(ALL_TOOLS))}")
        if len(bad_sets) < len(bad):
            lines.append(f"valid tools: {', '.join(spec.name for spec in ALL_TOOLS)}")
        raise UsageError("\n".join(lines))
    return selection


@asynccontextmanager
async def connected(settings: Settings, *, sandbox: bool) -> AsyncIterator[tuple[Executor, Settings]]:
    """An entered executor, against Zoom or (``sandbox``) an in-process sandbox; and the settings it uses.

    The sandbox is reached exactly like Zoom: server-to-server OAuth against its token endpoint,
    over an ASGI transport instead of the network.
    """
    from zoom_mcp.executor import Executor

    if not sandbox:
        async with Executor(settings) as executor:
            yield executor, settings
        return
    import httpx2

    from zoom_mcp.sandbox import Sandbox

    box = Sandbox()
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV}
    env.update(box.settings_env(base_url="http://sandbox.zoom-mcp.local"))
    sandbox_settings = Settings.from_env(env).with_(**_flag_settings(settings))
    async with Executor(sandbox_settings, transport=httpx2.ASGITransport(app=box.app)) as executor:
        yield executor, sandbox_settings


def _flag_settings(settings: Settings) -> dict[str, Any]:
    # What the command line chose, carried over onto the sandbox's settings.
    return {
        "read_only": settings.read_only,
        "toolsets": settings.toolsets,
        "tools": settings.tools,
        "exclude_tools": settings.exclude_tools,
        "confirm_destructive": settings.confirm_destructive,
    }


def _configure_logging() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="zoom-mcp: %(message)s")
    logging.getLogger("zoom_mcp").setLevel(logging.INFO)


# Commands -------------------------------------------------------------------------------------


def cmd_serve(ns: argparse.Namespace) -> int:
    from zoom_mcp import transports

    settings = Settings.from_env(**_selection_overrides(ns))
    _checked_selection(settings)
    if ns.transport != "stdio":
        try:
            transports.check_bind(ns.host, settings.http_token)
        except transports.BindRefused as exc:
            raise UsageError(str(exc)) from exc
    _configure_logging()
    anyio.run(_serve, settings, ns)
    return 0


async def _serve(settings: Settings, ns: argparse.Namespace) -> None:
    from zoom_mcp import transports
    from zoom_mcp.server import ZoomServer

    async with connected(settings, sandbox=ns.sandbox) as (executor, used):
        server = ZoomServer(executor, used)
        if ns.transport == "stdio":
            if sys.stdin.isatty():
                print(
                    "zoom-mcp speaks MCP on stdin/stdout: start it from an MCP client (see README), "
                    f"or try a tool with: zoom-mcp call chat_list_channels '{{}}'{' --sandbox' if ns.sandbox else ''}",
                    file=sys.stderr,
                )
            await transports.serve_stdio(server)
            return
        if ns.transport == "sse":
            app = transports.sse_app(server, host=ns.host, http_token=used.http_token)
            where = f"http://{ns.host}:{ns.port}{transports.SSE_PATH}"
        else:
            app = transports.streamable_http_app(
                server,
                host=ns.host,
                http_token=used.http_token,
                json_response=ns.json_response,
                stateless=ns.stateless,
            )
            where = f"http://{ns.host}:{ns.port}{transports.MCP_PATH}"
        log.info("serving MCP (%s) at %s", ns.transport, where)
        await transports.serve_http(app, ns.host, ns.port)


def _kind(spec: ToolSpec) -> str:
    if spec.read_only:
        return "read"
    return "destructive" if spec.destructive else "write"


def tool_json(spec: ToolSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "title": spec.title,
        "description": spec.description,
        "inputSchema": spec.input_schema,
        "annotations": spec.annotations,
        "toolset": spec.toolset,
        "method": spec.method,
        "path": spec.path,
        "host": spec.host,
        "scopes": list(spec.scopes.alternatives),
    }


def cmd_tools(ns: argparse.Namespace) -> int:
    settings = Settings.from_env(**_selection_overrides(ns))
    selection = _checked_selection(settings)
    granted = parse_scopes(ns.scopes)
    chosen = select(ALL_TOOLS, granted, selection)
    if ns.json:
        print(json.dumps([tool_json(spec) for spec in chosen], indent=2))
        return 0
    rows = [(spec.name, spec.toolset, _kind(spec), f"{spec.method} {spec.path}") for spec in chosen]
    _print_table(("tool", "toolset", "kind", "endpoint"), rows)
    scopes = "all scopes" if granted is None else "the given scopes"
    print(f"\n{len(chosen)} of {len(ALL_TOOLS)} tools would register with {scopes}.")
    return 0


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _family(requirement: ScopeRequirement, granular: bool) -> tuple[str, ...]:
    first, second = (
        (requirement.granular, requirement.classic) if granular else (requirement.classic, requirement.granular)
    )
    family = first or second
    # The :admin twin of a user-level scope unlocks the same tool; listing both only adds noise.
    return tuple(s for s in family if not s.endswith(ADMIN)) or family


def cmd_scopes(ns: argparse.Namespace) -> int:
    settings = Settings.from_env(**_selection_overrides(ns))
    selection = _checked_selection(settings)
    chosen = select(ALL_TOOLS, None, selection)
    unlocks: dict[str, list[str]] = {}
    for spec in chosen:
        # Follow-up calls' scopes too: a mail list needs the row read's scope as well.
        for part in spec.scopes.parts:
            for scope in _family(part, ns.granular):
                unlocks.setdefault(scope, []).append(spec.name)
    kind = "granular" if ns.granular else "classic"
    print(f"{kind} scopes for {len(chosen)} tools (each scope's :admin form unlocks the same tools):\n")
    width = max((len(scope) for scope in unlocks), default=0)
    for scope in sorted(unlocks):
        print(f"{scope:<{width}}  {', '.join(unlocks[scope])}")
    cover = smallest_cover([spec.scopes for spec in chosen], prefer=kind)
    print(f"\nsmallest scope set for these tools ({len(cover)}):\n{' '.join(cover)}")
    return 0


def cmd_call(ns: argparse.Namespace) -> int:
    try:
        arguments = json.loads(ns.arguments)
    except json.JSONDecodeError as exc:
        raise UsageError(f"arguments must be a JSON object: {exc}") from exc
    if not isinstance(arguments, dict):
        raise UsageError("arguments must be a JSON object, e.g. '{\"page_size\": 5}'")
    settings = Settings.from_env(**_selection_overrides(ns))
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="zoom-mcp: %(message)s")
    return anyio.run(_call, settings, ns.tool, arguments, ns.sandbox, ns.json)


async def _call(settings: Settings, tool: str, arguments: dict[str, Any], sandbox: bool, as_json: bool) -> int:
    from mcp import Client
    from mcp.shared.exceptions import MCPError

    from zoom_mcp.server import ZoomServer

    async with connected(settings, sandbox=sandbox) as (executor, used):
        server = ZoomServer(executor, used)
        # Settle the scopes first, so an unavailable tool is reported as the model would see it.
        await server.probe_scopes()
        async with Client(server) as client:
            try:
                result = await client.call_tool(tool, arguments)
            except MCPError as exc:
                print(f"error: {exc.error.message}", file=sys.stderr)
                return 2
    if as_json:
        print(json.dumps(result.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2))
    else:
        for block in result.content:
            print(block.text if block.type == "text" else f"[{block.type} content]")
    return 1 if result.is_error else 0


def _credential_names(settings: Settings) -> list[str]:
    names = {
        "access_token": "ZOOM_ACCESS_TOKEN",
        "account_id": "ZOOM_ACCOUNT_ID",
        "client_id": "ZOOM_CLIENT_ID",
        "client_secret": "ZOOM_CLIENT_SECRET",
        "refresh_token": "ZOOM_REFRESH_TOKEN",
        "token_file": "ZOOM_TOKEN_FILE",
        "scopes": "ZOOM_SCOPES",
    }
    return [env for attr, env in names.items() if getattr(settings, attr)]


def cmd_doctor(ns: argparse.Namespace) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR, format="zoom-mcp: %(message)s")
    return anyio.run(_doctor, Settings.from_env(**_selection_overrides(ns)), ns.sandbox)


async def _doctor(settings: Settings, sandbox: bool) -> int:
    from zoom_mcp.server import registration_report

    async with connected(settings, sandbox=sandbox) as (executor, used):
        found = _credential_names(used)
        print(f"credentials: {', '.join(found) if found else 'none found (see zoom-mcp --help)'}")
        ok = True
        try:
            with anyio.fail_after(TOKEN_TIMEOUT):
                await executor.auth.token()
        except TimeoutError:
            ok = False
            print(f"token:       no answer within {TOKEN_TIMEOUT:.0f} s from {used.oauth_base_url}")
        except Exception as exc:  # whatever auth failed with is the thing to report
            ok = False
            print(f"token:       FAILED: {exc}")
        else:
            print("token:       obtained")
        # The token response may name a regional API host; that is the one calls go to.
        print(f"api base:    {executor.auth.api_base_url or used.api_base_url}")
        granted = executor.auth.granted_scopes
        shown = " ".join(sorted(granted)) if granted else "unknown (every tool will be listed)"
        print(textwrap.fill(shown, width=100, initial_indent="scopes:      ", subsequent_indent=" " * 13))
        selection = Selection.from_settings(used)
        chosen, _ = registration_report(ALL_TOOLS, selection, granted)
        print(f"tools:       {len(chosen)}/{len(ALL_TOOLS)} registered")
        for line in _missing_by_toolset(select(ALL_TOOLS, None, selection), chosen):
            print(line)
    return 0 if ok else 1


def _missing_by_toolset(wanted: Sequence[ToolSpec], chosen: Sequence[ToolSpec]) -> list[str]:
    registered = {spec.name for spec in chosen}
    missing: dict[str, list[ToolSpec]] = {}
    for spec in wanted:
        if spec.name not in registered:
            missing.setdefault(spec.toolset, []).append(spec)
    lines = []
    for toolset, specs in sorted(missing.items()):
        total = sum(1 for s in wanted if s.toolset == toolset)
        classic = " ".join(smallest_cover([s.scopes for s in specs]))
        granular = " ".join(smallest_cover([s.scopes for s in specs], prefer="granular"))
        lines.append(f"  {toolset}: {total - len(specs)}/{total}; add {classic} (or granular: {granular})")
    return lines


def cmd_sandbox(ns: argparse.Namespace) -> int:
    from zoom_mcp.sandbox import Sandbox, serve

    base = f"http://{ns.host}:{ns.port}"
    env = Sandbox().settings_env(base_url=base)
    token_url = f"{env['ZOOM_OAUTH_BASE_URL']}/oauth/token"
    print(f"sandbox Zoom at {base}; try:\n")
    print(
        f"  TOKEN=$(curl -s -u {env['ZOOM_CLIENT_ID']}:{env['ZOOM_CLIENT_SECRET']} -X POST "
        f"'{token_url}?grant_type=account_credentials&account_id={env['ZOOM_ACCOUNT_ID']}' "
        "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    print(f'  curl -s -H "Authorization: Bearer $TOKEN" {env["ZOOM_API_BASE_URL"]}/chat/users/me/channels')
    print(f'  curl -s -H "Authorization: Bearer $TOKEN" {env["ZOOM_API_BASE_URL"]}/emails/mailboxes/me/messages')
    print("\npoint zoom-mcp at it with:\n")
    print("  " + " ".join(f"{key}={value}" for key, value in env.items()) + " zoom-mcp doctor\n", flush=True)
    serve(ns.host, ns.port)
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_serve,
    "tools": cmd_tools,
    "scopes": cmd_scopes,
    "call": cmd_call,
    "doctor": cmd_doctor,
    "sandbox": cmd_sandbox,
}


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line; the exit code: 0 ok, 1 failed (error result, doctor problem), 2 usage."""
    ns = build_parser().parse_args(argv)
    try:
        return COMMANDS[ns.command](ns)
    except UsageError as exc:
        print(f"zoom-mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv))
