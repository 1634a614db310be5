"""The ``zoom-mcp`` command: serve, and the tools to inspect and try the server.

On stdio, stdout belongs to the protocol: everything for people goes to stderr.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

import anyio

from zoom_mcp import __version__
from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.registry import Selection, select, toolset_names, unknown_names
from zoom_mcp.config import ENVIRONMENT, LOG_LEVELS, SettingError, Settings
from zoom_mcp.engine.redact import SECRETS, RedactingFilter
from zoom_mcp.scopes import ADMIN, ScopeRequirement, parse_scopes, smallest_cover
from zoom_mcp.serving.login import LOGIN_COMMANDS, add_login_commands
from zoom_mcp.serving.served_catalog import served_catalog

if TYPE_CHECKING:
    from zoom_mcp.engine.executor import Executor

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
  zoom-mcp doctor                             check credentials, token, one read per product, scopes
  zoom-mcp --sandbox call chat_list_channels  flags work before or after the command
  zoom-mcp sandbox --port 9000                run the sandbox Zoom API on a port
  zoom-mcp login                              sign in to a General (user-managed) Zoom app"""

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
# `zoom-mcp tools` stays readable in a 100-column terminal.
TABLE_WIDTH = 100
# 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe.
BROKEN_PIPE = 141

log = logging.getLogger("zoom_mcp.cli")


class UsageError(Exception):
    """A command line that cannot run; the message says what to change."""


# Parser ---------------------------------------------------------------------------------------
#
# Serve-level flags mean the same before or after a command (`zoom-mcp --sandbox call ...` and
# `zoom-mcp call ... --sandbox`). Every parser gets all of them with SUPPRESS defaults, so a flag
# is in the namespace only when typed; a command that has no use for a flag refuses it by name
# instead of ignoring it (an ignored --sandbox would act on the real account).


@dataclass(frozen=True)
class Flag:
    dest: str
    names: tuple[str, ...]
    options: dict[str, Any]
    default: Any = None


SERVING = (
    Flag("transport", ("--transport",), {"choices": ("stdio", "sse", "http"), "help": "default: stdio"}, "stdio"),
    Flag("host", ("--host",), {"help": "HTTP bind address (default 127.0.0.1)"}, "127.0.0.1"),
    Flag("port", ("--port",), {"type": int, "help": "HTTP port (default 8000; sandbox: 9000)"}, 8000),
    Flag(
        "stateless",
        ("--stateless",),
        {"action": "store_true", "help": "http: no sessions for handshake-era clients (they cannot confirm then)"},
        False,
    ),
    Flag(
        "json_response",
        ("--json-response",),
        {"action": "store_true", "help": "http: answer JSON instead of SSE streams"},
        False,
    ),
    Flag(
        "auth",
        ("--auth",),
        {"choices": ("token", "oauth"), "help": "http: token (default) or oauth: each user signs in with Zoom"},
    ),
    Flag(
        "public_url", ("--public-url",), {"metavar": "URL", "help": "oauth: the https URL clients reach the server at"}
    ),
    Flag(
        "no_confirm",
        ("--no-confirm",),
        {"action": "store_true", "help": "run destructive tools without asking the user (ZOOM_MCP_CONFIRM=0)"},
        False,
    ),
    Flag(
        "structured_content",
        ("--structured-content",),
        {"action": "store_true", "help": "also send structuredContent, for programmatic clients"},
        False,
    ),
)
SANDBOX = Flag(
    "sandbox",
    ("--sandbox",),
    {"action": "store_true", "help": "use the built-in sandbox Zoom, never your account"},
    False,
)
SELECTION = (
    Flag("read_only", ("--read-only",), {"action": "store_true", "help": "register read tools only"}),
    Flag("toolsets", ("--toolsets",), {"metavar": "A,B", "help": "toolsets to register: chat, mail or finer"}),
    Flag("tools", ("--tools",), {"metavar": "A,B", "help": "register only these tools"}),
    Flag("exclude_tools", ("--exclude-tools",), {"metavar": "A,B", "help": "never register these tools"}),
)
LOGGING = Flag(
    "log_level",
    ("--log-level",),
    {
        "choices": LOG_LEVELS,
        "type": str.lower,
        "help": "log detail on stderr (ZOOM_MCP_LOG_LEVEL); debug: every request",
    },
)
FLAGS = (*SERVING, SANDBOX, *SELECTION, LOGGING)
GROUPS = {"serving": (*SERVING, SANDBOX), "tool selection": SELECTION, "logging": (LOGGING,)}

# The serve-level flags a command uses (``add_command`` records them); any other is refused by name.
CLIENT_FLAGS = frozenset({"sandbox", "log_level", "structured_content", *(flag.dest for flag in SELECTION)})
SANDBOX_FLAGS = frozenset({"host", "port", "log_level"})
ACCEPTED: dict[str | None, frozenset[str]] = {None: frozenset(flag.dest for flag in FLAGS)}
# Defaults that differ by command.
COMMAND_DEFAULTS: dict[str | None, dict[str, Any]] = {"sandbox": {"port": 9000}}


def _environment_table() -> str:
    width = max(len(name) for name, _, _ in ENVIRONMENT)
    lines = ["environment (command-line flags win; yes/no values: 1/0, true/false, yes/no, on/off):"]
    for name, default, text in ENVIRONMENT:
        if isinstance(default, bool):
            default = int(default)
        shown = "" if default in (None, "") else f" [default: {default}]"
        lines.append(f"  {name:<{width}}  {text}{shown}")
    return "\n".join(lines)


def _add_flags(parser: argparse.ArgumentParser, accepted: frozenset[str]) -> None:
    """All serve-level flags, parsed everywhere; shown in help only where the command uses them."""
    for title, flags in GROUPS.items():
        group = parser.add_argument_group(title) if any(flag.dest in accepted for flag in flags) else parser
        for flag in flags:
            options = dict(flag.options)
            if flag.dest not in accepted:
                options["help"] = argparse.SUPPRESS
            group.add_argument(*flag.names, dest=flag.dest, default=argparse.SUPPRESS, **options)


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    accepted: frozenset[str],
    **options: Any,
) -> argparse.ArgumentParser:
    """A subcommand that parses the serve-level flags too (``accepted``: the ones it uses)."""
    ACCEPTED[name] = accepted
    parser = commands.add_parser(name, formatter_class=argparse.RawDescriptionHelpFormatter, **options)
    _add_flags(parser, accepted)
    return parser


def build_parser() -> argparse.ArgumentParser:
    from zoom_mcp.sandbox.__main__ import add_options as add_sandbox_options

    parser = argparse.ArgumentParser(
        prog="zoom-mcp",
        description=DESCRIPTION,
        epilog=f"{EXAMPLES}\n\n{_environment_table()}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zoom-mcp {__version__}")
    _add_flags(parser, ACCEPTED[None])
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    tools = add_command(commands, "tools", CLIENT_FLAGS, help="list the tools that would register")
    tools.add_argument("--scopes", help='granted scopes to assume, e.g. "chat_message:read mail:read" (default: all)')
    tools.add_argument("--json", action="store_true", help="full definitions as JSON")

    scopes = add_command(commands, "scopes", CLIENT_FLAGS, help="which scopes unlock which tools")
    scopes.add_argument("--granular", action="store_true", help="granular scopes instead of classic ones")

    call = add_command(
        commands,
        "call",
        CLIENT_FLAGS,
        help="run one tool and print what the model would receive",
        epilog=(
            'example:\n  zoom-mcp call chat_send_message \'{"to_channel": "...", "message": "hi"}\' --sandbox\n\n'
            "Destructive tools are not confirmed here: typing the command is the confirmation."
        ),
    )
    call.add_argument("tool", help="tool name (see `zoom-mcp tools`)")
    call.add_argument("arguments", nargs="?", default="{}", help="arguments as a JSON object (default {})")
    call.add_argument("--json", action="store_true", help="print the whole CallToolResult as JSON")

    doctor = add_command(
        commands, "doctor", CLIENT_FLAGS, help="check credentials, token, one read per product, scopes and tools"
    )
    doctor.add_argument("--verbose", "-v", action="store_true", help="list every granted scope")

    sandbox = add_command(commands, "sandbox", SANDBOX_FLAGS, help="serve the sandbox Zoom API on a port")
    add_sandbox_options(sandbox)
    add_login_commands(commands, argparse.RawDescriptionHelpFormatter)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, with each serve-level flag checked against the command and defaulted."""
    ns = build_parser().parse_args(argv)
    command = ns.command
    accepted = ACCEPTED.get(command, frozenset())
    refused = [flag for flag in FLAGS if flag.dest in vars(ns) and flag.dest not in accepted]
    if refused:
        names = ", ".join(flag.names[0] for flag in refused)
        useful = ", ".join(flag.names[0] for flag in FLAGS if flag.dest in accepted) or "none of them"
        raise UsageError(
            f"{names} cannot be used with `zoom-mcp {command}` (serve-level flags it takes: {useful}); "
            "serving options go with zoom-mcp alone, e.g. zoom-mcp --transport http"
        )
    defaults = {flag.dest: flag.default for flag in FLAGS} | COMMAND_DEFAULTS.get(command, {})
    for dest, value in defaults.items():
        if dest not in vars(ns):
            setattr(ns, dest, value)
    return ns


# Settings and wiring --------------------------------------------------------------------------


def _settings(ns: argparse.Namespace) -> Settings:
    settings = Settings.from_env(
        read_only=ns.read_only,
        toolsets=ns.toolsets,
        tools=ns.tools,
        exclude_tools=ns.exclude_tools,
        confirm_destructive=False if ns.no_confirm else None,
        structured_content=True if ns.structured_content else None,
        log_level=ns.log_level,
        auth_mode=ns.auth,
        public_url=ns.public_url,
    )
    _checked_selection(settings)
    return settings


def _suggestion(name: str, candidates: Sequence[str]) -> str:
    import difflib  # only for a mistyped name

    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    options = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    return f" (did you mean {options}?)"


def _checked_selection(settings: Settings) -> Selection:
    selection = Selection.from_settings(settings)
    # The served catalog: a server start checks names without importing the tool modules.
    catalog = served_catalog()
    bad = unknown_names(catalog, selection)
    if bad:
        sets = ["all", *toolset_names(catalog)]
        names = [spec.name for spec in catalog]
        lines = []
        for name in bad:
            known = sets if name in selection.toolsets else names
            lines.append(f"unknown toolset or tool name: {name}{_suggestion(name, known)}")
        if any(name in selection.toolsets for name in bad):
            lines.append(f"valid toolsets: {', '.join(sets)}")
        if any(name not in selection.toolsets for name in bad):
            lines.append("`zoom-mcp tools` lists the tool names")
        raise UsageError("\n".join(lines))
    return selection


def _register_secret_forms(settings: Settings) -> None:
    """Mask what the CLI prints also where a secret appears encoded: Basic auth, percent-encoding."""
    if settings.client_id and settings.client_secret:
        pair = f"{settings.client_id}:{settings.client_secret}".encode()
        SECRETS.add(base64.b64encode(pair).decode(), base64.urlsafe_b64encode(pair).decode())
    for secret in settings.secrets():
        SECRETS.add(quote(secret, safe=""), quote_plus(secret))


@asynccontextmanager
async def connected(settings: Settings, *, sandbox: bool) -> AsyncIterator[tuple[Executor, Settings]]:
    """An entered executor, against Zoom or (``sandbox``) an in-process sandbox; and the settings it uses.

    The sandbox is reached exactly like Zoom: server-to-server OAuth against its token endpoint,
    over an ASGI transport instead of the network. No configured credential is read then.
    """
    from zoom_mcp.engine.executor import Executor

    if not sandbox:
        _register_secret_forms(settings)
        async with Executor(settings) as executor:
            yield executor, settings
        return
    import httpx2

    from zoom_mcp.sandbox import Sandbox

    box = Sandbox()
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV}
    env.update(box.settings_env(base_url="http://sandbox.zoom-mcp.local"))
    sandbox_settings = Settings.from_env(env).with_(**_flag_settings(settings))
    _register_secret_forms(sandbox_settings)
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
        "log_level": settings.log_level,
        "structured_content": settings.structured_content,
    }


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes: never stdout, which may be the MCP stream."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


_undo_logging: list[Callable[[], None]] = []


def configure_logging(level: str | None, default: str = "info") -> None:
    """Logs go to stderr only; ``level`` for zoom-mcp's own loggers, warnings for everything else.

    ``run`` undoes this when the command ends, so calling it as a function leaves logging as it was.
    """
    root, ours = logging.getLogger(), logging.getLogger("zoom_mcp")
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("zoom-mcp: %(message)s"))
    handler.addFilter(RedactingFilter())
    levels = root.level, ours.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    ours.setLevel((level or default).upper())

    def undo() -> None:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])

    _undo_logging.append(undo)


def _restore_logging() -> None:
    while _undo_logging:
        _undo_logging.pop()()


# Commands -------------------------------------------------------------------------------------


def cmd_serve(ns: argparse.Namespace) -> int:
    from zoom_mcp.serving import transports

    settings = _settings(ns)
    listening = None
    if settings.auth_mode == "oauth":
        _check_remote(settings, ns)
    if ns.transport != "stdio":
        try:
            if settings.auth_mode != "oauth":  # with oauth every request carries a user's token
                transports.check_bind(ns.host, settings.http_token)
            # Bound before anything says "serving": a taken port fails here, in one line.
            listening = transports.bind(ns.host, ns.port)
        except (transports.BindRefused, transports.BindFailed) as exc:
            raise UsageError(str(exc)) from exc
    configure_logging(settings.log_level)
    try:
        anyio.run(_serve, settings, ns, listening)
    finally:
        if listening is not None:
            listening.close()
    return 0


def _check_remote(settings: Settings, ns: argparse.Namespace) -> None:
    from zoom_mcp.remote.app import remote_settings

    if ns.transport != "http":
        raise UsageError("--auth oauth serves Streamable HTTP: add --transport http")
    if ns.sandbox:
        raise UsageError(
            "--auth oauth signs users in through a browser: run `zoom-mcp sandbox` on a port and point "
            "ZOOM_OAUTH_BASE_URL and ZOOM_API_BASE_URL at it instead of --sandbox"
        )
    if settings.http_token:
        raise UsageError("ZOOM_MCP_HTTP_TOKEN and --auth oauth exclude each other: users sign in instead")
    try:
        remote_settings(settings)
    except SettingError as exc:
        raise UsageError(str(exc)) from exc


async def _serve_remote(settings: Settings, ns: argparse.Namespace, listening: socket.socket) -> None:
    from zoom_mcp.remote.app import remote_app
    from zoom_mcp.serving import transports

    _register_secret_forms(settings)
    async with remote_app(settings, host=ns.host) as remote:
        log.info("serving MCP for signed-in Zoom users at %s%s", settings.public_url, transports.MCP_PATH)
        await transports.serve_http(remote.app, listening, log_level=settings.log_level)


async def _serve(settings: Settings, ns: argparse.Namespace, listening: socket.socket | None) -> None:
    from zoom_mcp.serving import transports
    from zoom_mcp.serving.server import ZoomServer

    if settings.auth_mode == "oauth" and listening is not None:
        await _serve_remote(settings, ns, listening)
        return

    async with connected(settings, sandbox=ns.sandbox) as (executor, used):
        server = ZoomServer(executor, used)
        if listening is None:
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
            path = transports.SSE_PATH
        else:
            app = transports.streamable_http_app(
                server,
                host=ns.host,
                http_token=used.http_token,
                json_response=ns.json_response,
                stateless=ns.stateless,
            )
            path = transports.MCP_PATH
        port = listening.getsockname()[1]
        log.info("serving MCP (%s) at http://%s:%s%s", ns.transport, transports.url_host(ns.host), port, path)
        await transports.serve_http(app, listening, log_level=used.log_level)


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
    from zoom_mcp.tools import ALL_TOOLS

    # No account is consulted: the scopes are the given ones, or all of them.
    selection = Selection.from_settings(_settings(ns))
    granted = parse_scopes(ns.scopes)
    chosen = select(ALL_TOOLS, granted, selection)
    if ns.json:
        print(json.dumps([tool_json(spec) for spec in chosen], indent=2))
        return 0
    by_toolset: dict[str, list[ToolSpec]] = {}
    for spec in chosen:
        by_toolset.setdefault(spec.toolset, []).append(spec)
    for toolset, specs in by_toolset.items():
        print(f"{toolset} ({len(specs)})")
        rows = [(spec.name, _kind(spec), f"{spec.method} {spec.path}") for spec in specs]
        for line in _table(rows, indent="  "):
            print(line)
    scopes = "all scopes" if granted is None else "the given scopes"
    print(f"\n{len(chosen)} of {len(ALL_TOOLS)} tools would register with {scopes}.")
    return 0


def _table(rows: Sequence[Sequence[str]], *, indent: str = "", width: int = TABLE_WIDTH) -> list[str]:
    """Rows in aligned columns; a row too wide for ``width`` puts its last cell on a line of its own."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        line = (indent + "  ".join([*cells, row[-1]])).rstrip()
        if len(line) <= width:
            lines.append(line)
        else:
            lines += [(indent + "  ".join(cells)).rstrip(), f"{indent}    {row[-1]}"]
    return lines


def _family(requirement: ScopeRequirement, granular: bool) -> tuple[str, ...]:
    first, second = (
        (requirement.granular, requirement.classic) if granular else (requirement.classic, requirement.granular)
    )
    family = first or second
    # The :admin twin of a user-level scope unlocks the same tool; listing both only adds noise.
    return tuple(s for s in family if not s.endswith(ADMIN)) or family


def cmd_scopes(ns: argparse.Namespace) -> int:
    from zoom_mcp.tools import ALL_TOOLS

    selection = Selection.from_settings(_settings(ns))
    chosen = select(ALL_TOOLS, None, selection)
    # Each scope's tools, once each (a dict keeps their order).
    unlocks: dict[str, dict[str, None]] = {}
    for spec in chosen:
        # Follow-up calls' scopes too: a mail list needs the row read's scope as well.
        for part in spec.scopes.parts:
            for scope in _family(part, ns.granular):
                unlocks.setdefault(scope, {})[spec.name] = None
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
    from zoom_mcp.tools import BY_NAME

    if ns.tool not in BY_NAME:
        hint = _suggestion(ns.tool, list(BY_NAME))
        raise UsageError(f"Unknown tool: {ns.tool}{hint}; `zoom-mcp tools` lists them")
    settings = _settings(ns)
    configure_logging(settings.log_level, default="warning")
    return anyio.run(_call, settings, ns.tool, arguments, ns.sandbox, ns.json)


async def _call(settings: Settings, tool: str, arguments: dict[str, Any], sandbox: bool, as_json: bool) -> int:
    from mcp import Client
    from mcp.shared.exceptions import MCPError

    from zoom_mcp.serving.server import ZoomServer

    async with connected(settings, sandbox=sandbox) as (executor, used):
        server = ZoomServer(executor, used)
        # Settle the scopes first, so an unavailable tool is reported as the model would see it.
        await server.probe_scopes()
        async with Client(server) as client:
            try:
                result = await client.call_tool(tool, arguments)
            except MCPError as exc:
                print(f"error: {SECRETS.text(exc.error.message)}", file=sys.stderr)
                return 2
    if as_json:
        dumped = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        print(json.dumps(SECRETS.data(dumped), indent=2))
    else:
        for block in result.content:
            print(SECRETS.text(block.text) if block.type == "text" else f"[{block.type} content]")
    return 1 if result.is_error else 0


def cmd_doctor(ns: argparse.Namespace) -> int:
    from zoom_mcp.serving import doctor

    settings = _settings(ns)
    configure_logging(settings.log_level, default="warning")
    return anyio.run(doctor.run, settings, ns.sandbox, ns.verbose, connected)


def cmd_sandbox(ns: argparse.Namespace) -> int:
    from zoom_mcp.sandbox.__main__ import start

    # The same options and checks as `python -m zoom_mcp.sandbox`.
    settings = Settings.from_env(log_level=ns.log_level)
    try:
        start(ns, log_level=settings.log_level or "info")
    except RuntimeError as exc:
        raise UsageError(str(exc)) from exc
    return 0


# A new command: ``add_command(commands, name, <serve-level flags it uses>, help=...)`` in
# ``build_parser``, and its function here.
COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_serve,
    "tools": cmd_tools,
    "scopes": cmd_scopes,
    "call": cmd_call,
    "doctor": cmd_doctor,
    "sandbox": cmd_sandbox,
    **LOGIN_COMMANDS,
}


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line; the exit code: 0 ok, 1 failed (error result, doctor problem), 2 usage."""
    try:
        ns = parse(argv)
        # ZOOM_MCP_SANDBOX=1 (an extension's sandbox switch) means --sandbox, for every command.
        ns.sandbox = getattr(ns, "sandbox", False) or Settings.from_env().sandbox
        return COMMANDS[ns.command](ns)
    except (UsageError, SettingError) as exc:
        print(f"zoom-mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        _restore_logging()


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`zoom-mcp tools | head`): nothing more to say, and no traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = BROKEN_PIPE
    sys.exit(code)
