"""Small servers on loopback for the CLI and network tests: a served sandbox (optionally over TLS
with a private CA), a recorder that fails any test that reaches it, a CONNECT proxy, a silent port.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn

from zoom_mcp.sandbox import Sandbox

PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
    "no_proxy",
)
TLS_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


@contextmanager
def served_sandbox(sandbox: Sandbox, *, certfile: Path | None = None, keyfile: Path | None = None) -> Iterator[int]:
    """``sandbox`` served by uvicorn on 127.0.0.1 (TLS when given a certificate); yields the port."""
    config = uvicorn.Config(
        sandbox.app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.02)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Recorder:
    """An HTTP server that records every request it gets and answers 500: nothing should reach it."""

    requests: list[str] = field(default_factory=list)
    port: int = 0


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder()

    def refuse(method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        recorder.requests.append(f"{method} {path}")
        return 500, {"reason": "this server stands for the configured account and must not be reached"}

    with json_server(refuse) as port:
        recorder.port = port
        yield recorder


Route = Callable[[str, str, bytes], tuple[int, dict[str, Any]]]


@contextmanager
def json_server(route: Route) -> Iterator[int]:
    """An HTTP server answering every request with ``route(method, path, body)`` as JSON; yields the port."""

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, payload = route(self.command, self.path, self.rfile.read(length))
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Proxy:
    """A forward proxy that only tunnels (CONNECT), recording each target."""

    port: int = 0
    tunnels: list[str] = field(default_factory=list)


@contextmanager
def connect_proxy() -> Iterator[Proxy]:
    proxy = Proxy()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            client: socket.socket = self.request
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            proxy.tunnels.append(target)
            host, port = target.rsplit(":", 1)
            try:
                upstream = socket.create_connection((host, int(port)), timeout=10)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            with upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _pipe(client, upstream)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy.port = server.server_address[1]
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""

    def copy(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    other = threading.Thread(target=copy, args=(b, a), daemon=True)
    other.start()
    copy(a, b)
    other.join(10)


@contextmanager
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (for timeouts)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
