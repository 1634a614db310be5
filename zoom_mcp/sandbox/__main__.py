"""``python -m zoom_mcp.sandbox``: serve the sandbox on a port (``zoom-mcp sandbox`` takes the same options).

The sandbox's ``/_sandbox`` control routes (faults, state, token revocation) have no access
control, so it binds loopback unless ``--allow-remote`` says otherwise.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoom_mcp.sandbox.core import Sandbox

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9000


def add_options(parser: argparse.ArgumentParser, *, bind: bool = False) -> None:
    """The sandbox's options; ``bind`` adds --host/--port (``zoom-mcp`` has its own, shared with serving)."""
    if bind:
        parser.add_argument("--host", default=DEFAULT_HOST, help=f"bind address (default {DEFAULT_HOST})")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    group = parser.add_argument_group("sandbox")
    group.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    group.add_argument("--scopes", default=None, help="granted scopes, space-separated (default: all)")
    group.add_argument("--upload-redirect", action="store_true", help="answer file uploads with a 307 first")
    group.add_argument("--rate-limits", action="store_true", help="enforce per-second rate limits")
    group.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (anyone who reaches it can use its control routes)",
    )


def remote_warning(host: str, allow_remote: bool) -> str | None:
    """None for loopback; the warning to print for an allowed remote bind; RuntimeError otherwise."""
    from zoom_mcp.serving.transports import is_loopback

    if is_loopback(host):
        return None
    if not allow_remote:
        raise RuntimeError(
            f"refusing to serve the sandbox on {host}: its /_sandbox control routes (faults, state, token "
            "revocation) are open to anyone who can reach it. Keep the default --host 127.0.0.1, or pass "
            "--allow-remote if that is what you want."
        )
    return f"warning: the sandbox on {host} is reachable from the network, and so are its open /_sandbox control routes"


def start(ns: argparse.Namespace, *, log_level: str = "info", banner: bool = True) -> None:
    """Check the host, bind, say where it is (and how to use it), then serve until interrupted."""
    import uvicorn

    from zoom_mcp.sandbox.core import Sandbox
    from zoom_mcp.serving.transports import BindFailed, bind, url_host

    warning = remote_warning(ns.host, ns.allow_remote)
    try:
        listening = bind(ns.host, ns.port)
    except BindFailed as exc:
        raise RuntimeError(str(exc)) from None
    if warning:
        print(warning, file=sys.stderr)
    sandbox = Sandbox(seed=ns.seed, scopes=ns.scopes, upload_redirect=ns.upload_redirect, rate_limits=ns.rate_limits)
    base = f"http://{url_host(ns.host)}:{listening.getsockname()[1]}"
    if banner:
        _print_banner(sandbox, base)
    config = uvicorn.Config(sandbox.app, log_level=log_level)
    try:
        uvicorn.Server(config).run(sockets=[listening])
    finally:
        listening.close()


def _print_banner(sandbox: Sandbox, base: str) -> None:
    env = sandbox.settings_env(base_url=base)
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m zoom_mcp.sandbox", description=__doc__)
    add_options(parser, bind=True)
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    ns = parser.parse_args(argv)
    try:
        start(ns, log_level=ns.log_level)
    except RuntimeError as exc:
        parser.exit(2, f"{parser.prog}: {exc}\n")
    except KeyboardInterrupt:
        parser.exit(130)


if __name__ == "__main__":
    main()
