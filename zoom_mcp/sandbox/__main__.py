"""``python -m zoom_mcp.sandbox``: serve the sandbox on a port (``zoom-mcp sandbox`` does the same)."""

from __future__ import annotations

import argparse

from zoom_mcp.sandbox.serve import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m zoom_mcp.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9000, help="port (default 9000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    parser.add_argument("--scopes", default=None, help="granted scopes, space-separated (default: all)")
    parser.add_argument("--upload-redirect", action="store_true", help="answer file uploads with a 307 first")
    parser.add_argument("--rate-limits", action="store_true", help="enforce per-second rate limits")
    ns = parser.parse_args(argv)
    serve(
        ns.host,
        ns.port,
        seed=ns.seed,
        scopes=ns.scopes,
        upload_redirect=ns.upload_redirect,
        rate_limits=ns.rate_limits,
    )


if __name__ == "__main__":
    main()
