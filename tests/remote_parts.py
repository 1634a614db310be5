"""Real parts for the remote-mode tests: a served sandbox that signs users in, zoom-mcp server
processes in remote mode, a browser that follows redirects, an MCP client with the SDK's OAuth,
a round-robin "load balancer" over several instances, and a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.core import catalog_scopes
from zoom_mcp.tools import ALL_TOOLS

ROOT = Path(__file__).resolve().parent.parent
CONSENT_FORM = "action=/oauth/consent"
CLIENT_REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the browser stops when it is redirected there
SECRET_KEY = "test-secret-key-" + "k" * 32
# The app's scopes: the whole catalog and "Get a user", which tells the server who signed in.
APP_SCOPES = " ".join(sorted(catalog_scopes(ALL_TOOLS) | {"user:read:user"}))


SERVE = (sys.executable, "-m", "zoom_mcp", "--transport", "http", "--auth", "oauth")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def remote_sandbox(**options: Any) -> Sandbox:
    return Sandbox(scopes=APP_SCOPES, auto_approve=True, **options)


def server_env(sandbox: Sandbox, sandbox_url: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "HTTP_PROXY", "HTTPS_PROXY"))}
    env.update(sandbox.settings_env(base_url=sandbox_url))
    env.pop("ZOOM_ACCOUNT_ID", None)  # a General app: users sign in themselves
    env.update(
        {
            "ZOOM_MCP_SECRET_KEY": SECRET_KEY,
            "ZOOM_MCP_DATABASE_URL": database_url,
            "ZOOM_MCP_ALLOWED_ACCOUNTS": sandbox.account_id,
            "ZOOM_MCP_LOG_LEVEL": os.environ.get("ZOOM_MCP_TEST_LOG_LEVEL", "warning"),
        }
    )
    env.update(extra)
    return env


@dataclass
class Instance:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def instances(env: dict[str, str], count: int = 1) -> Iterator[tuple[str, list[Instance]]]:
    """``count`` zoom-mcp processes in remote mode, all configured with the first one's URL as the
    public URL (the address a proxy in front of them would have); yields it and the instances."""
    ports = [free_port() for _ in range(count)]
    public = f"http://127.0.0.1:{ports[0]}"
    started: list[Instance] = []
    folder = Path(tempfile.mkdtemp(prefix="zoom-mcp-remote-"))
    try:
        for index, port in enumerate(ports):
            log = folder / f"instance{index}.log"
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    [*SERVE, "--public-url", public, "--port", str(port)],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            started.append(Instance(process, port, log))
        for instance in started:
            _wait_healthy(instance)
        yield public, started
    except BaseException:
        # What the servers logged says why a test failed (pytest shows captured output then).
        for index, instance in enumerate(started):
            print(f"--- instance {index} (port {instance.port}) ---\n{instance.output()}", file=sys.stderr)
        raise
    finally:
        for instance in started:
            instance.process.terminate()
        for instance in started:
            try:
                instance.process.wait(10)
            except subprocess.TimeoutExpired:
                instance.process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_healthy(instance: Instance) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"zoom-mcp exited ({instance.process.returncode}):\n{instance.output()}")
        try:
            if httpx2.get(f"http://127.0.0.1:{instance.port}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"zoom-mcp did not start:\n{instance.output()}")


class RoundRobin(httpx2.AsyncBaseTransport):
    """The load balancer: each request goes to the next instance's port, Host header unchanged."""

    def __init__(self, public: str, ports: list[int]) -> None:
        self.public_port = urlsplit(public).port
        self.ports = ports
        self.sent: list[int] = []
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.port == self.public_port:
            port = self.ports[len(self.sent) % len(self.ports)]
            self.sent.append(port)
            request.url = request.url.copy_with(port=port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def browse(
    url: str, transport: httpx2.AsyncBaseTransport | None = None, *, consent: str = "allow"
) -> dict[str, str]:
    """Follow the authorize redirects like a browser until the client's redirect URI; its query.

    On the server's consent page it answers ``consent`` (allow or deny)."""
    async with httpx2.AsyncClient(transport=transport) as browser:
        for _ in range(10):
            if url.startswith(CLIENT_REDIRECT):
                return dict(parse_qsl(urlsplit(url).query))
            response = await browser.get(url)
            if response.status_code == 200 and CONSENT_FORM in response.text:
                # Our consent page: the user allows this client, then signs in at Zoom.
                fields = dict(re.findall(r"<input type=hidden name=(\w+) value='([^']*)'>", response.text))
                response = await browser.post(urljoin(url, "/oauth/consent"), data={**fields, "action": consent})
            if response.status_code not in (302, 303, 307):
                raise AssertionError(f"{url} answered {response.status_code}: {response.text[:300]}")
            url = urljoin(url, response.headers["location"])
    raise AssertionError("too many redirects")


def as_user(sandbox_url: str, email: str) -> None:
    """The sandbox's consent screen auto-approves as this user from now on."""
    answer = httpx2.post(f"{sandbox_url}/_sandbox/oauth", json={"auto_approve": True, "user": email})
    answer.raise_for_status()


@dataclass
class MemoryStorage:
    tokens: OAuthToken | None = None
    client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class SignedInClient:
    """The SDK's OAuth client provider, with a browser that signs in at the sandbox."""

    public: str
    storage: MemoryStorage = field(default_factory=MemoryStorage)
    transport: httpx2.AsyncBaseTransport | None = None
    authorizations: int = 0

    def provider(self) -> OAuthClientProvider:
        pending: list[str] = []

        async def redirect(url: str) -> None:
            pending.append(url)

        async def callback() -> AuthorizationCodeResult:
            self.authorizations += 1
            answer = await browse(pending.pop(), self.transport)
            if "code" not in answer:
                raise AssertionError(f"sign-in refused: {answer}")
            return AuthorizationCodeResult(code=answer["code"], state=answer.get("state"))

        metadata = OAuthClientMetadata(
            redirect_uris=[CLIENT_REDIRECT],  # type: ignore[list-item]
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            client_name="remote-mode test client",
        )
        return OAuthClientProvider(
            server_url=f"{self.public}/mcp",
            client_metadata=metadata,
            storage=self.storage,
            redirect_handler=redirect,
            callback_handler=callback,
        )

    def http_client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(auth=self.provider(), transport=self.transport, timeout=30)


# PostgreSQL ---------------------------------------------------------------------------------------

PG_BIN_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")
# Set by .ci/run (or a developer) to use a running server instead of starting one here.
PG_URL_VARIABLE = "ZOOM_MCP_TEST_POSTGRES_URL"


def _pg_binary(name: str) -> str | None:
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str | None]:
    """A PostgreSQL server URL: ``ZOOM_MCP_TEST_POSTGRES_URL``, or a throwaway cluster on loopback;
    None when neither is possible (the caller skips, saying why)."""
    if os.environ.get(PG_URL_VARIABLE):
        yield os.environ[PG_URL_VARIABLE]
        return
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="zoom-mcp-pg-"))
    data = folder / "data"
    # initdb refuses to run as root: the cluster then belongs to the postgres user.
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            yield None
            return
        shutil.chown(folder, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(folder, ignore_errors=True)
        yield None
        return
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


async def fresh_database(server_url: str) -> str:
    """A new, empty database on the server; its URL."""
    import asyncpg

    name = "zoom_mcp_" + secrets.token_hex(4)
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()
    return server_url.rsplit("/", 1)[0] + "/" + name


@contextlib.asynccontextmanager
async def nothing() -> AsyncIterator[None]:
    yield
