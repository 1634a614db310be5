"""The HTTP client and the two rules around it: who may see the token, and redirects.

Redirects are never followed automatically. Only file-host uploads follow them, by hand,
because httpx2 (like requests) strips Authorization on a cross-host redirect while
file.zoom.us needs it kept (zoom-api.md §5.6); it is re-attached only for Zoom's own hosts
and hosts the user trusts (the sandbox).

The environment configures the network as for any HTTP client (httpx2's ``trust_env``, which
never reads a .netrc): ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``, ``SSL_CERT_FILE``/``SSL_CERT_DIR``
and, on macOS and Windows, the system's trust store. ``ZOOM_MCP_CA_BUNDLE`` adds one more way
to trust a corporate TLS-inspection CA, for this server only.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from socket import gaierror as socket_gaierror
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx2

from zoom_mcp import __version__
from zoom_mcp.catalog import Request
from zoom_mcp.config import SettingError, Settings, split_csv
from zoom_mcp.engine.redact import SECRETS

USER_AGENT = f"zoom-mcp/{__version__}"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# 307/308 promise the same method and body; 301/302/303 turn into a body-less GET.
SAME_METHOD_REDIRECTS = frozenset({307, 308})
MAX_REDIRECTS = 5
# Connecting should be quick; reading may legitimately take the whole timeout (uploads).
CONNECT_TIMEOUT = 10.0
MAX_CONNECTIONS = 20
MAX_KEEPALIVE = 10
TRACKING_HEADER = "x-zm-trackingid"
_STARTED = "zoom_mcp.started"

request_log = logging.getLogger("zoom_mcp.http")


def build_client(settings: Settings, transport: httpx2.AsyncBaseTransport | None = None) -> httpx2.AsyncClient:
    """The client every Zoom request goes through; SettingError for an unusable network setting."""
    verify = _verify(settings.ca_bundle)
    _register_proxy_passwords()
    try:
        return httpx2.AsyncClient(
            transport=transport,
            timeout=httpx2.Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout)),
            limits=httpx2.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            verify=verify,
            # Proxies and SSL_CERT_* from the environment; httpx2 never reads a .netrc.
            trust_env=True,
            event_hooks={"request": [_started], "response": [_log_response]},
        )
    except ImportError as exc:  # a SOCKS proxy without httpx2[socks]
        raise SettingError(f"the proxy in the environment needs an extra package: {exc}") from None
    except ValueError:
        # The message would quote the URL, and a proxy URL can hold a password.
        raise SettingError(
            "a proxy variable (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY) is not a usable http://, https:// or socks5:// URL"
        ) from None
    except (OSError, ssl.SSLError) as exc:  # SSL_CERT_FILE / SSL_CERT_DIR that cannot be read
        raise SettingError(f"SSL_CERT_FILE or SSL_CERT_DIR cannot be used: {exc}") from None


def _register_proxy_passwords() -> None:
    """A proxy's password must not show up in a log line or an error either."""
    for url in getproxies().values():
        with contextlib.suppress(ValueError):
            SECRETS.add(urlsplit(url).password)


def _verify(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    """httpx2's own verification, or the system's CAs plus ``ca_bundle`` (a file or a hashed folder)."""
    if ca_bundle is None:
        return True
    context = ssl.create_default_context()
    try:
        if ca_bundle.is_dir():
            context.load_verify_locations(capath=str(ca_bundle))
        else:
            context.load_verify_locations(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as exc:
        raise SettingError(f"ZOOM_MCP_CA_BUNDLE={ca_bundle} cannot be read as PEM certificates: {exc}") from None
    return context


async def _started(request: httpx2.Request) -> None:
    request.extensions[_STARTED] = time.perf_counter()


async def _log_response(response: httpx2.Response) -> None:
    """At debug, one line per request: method, path and query names (never values), status, time, tracking id."""
    if not request_log.isEnabledFor(logging.DEBUG):
        return
    request = response.request
    started = request.extensions.get(_STARTED)
    elapsed = f"{(time.perf_counter() - started) * 1000:.0f} ms" if isinstance(started, float) else "? ms"
    names = sorted({name for name, _ in request.url.params.multi_items()})
    query = "?" + "&".join(names) if names else ""
    tracking = response.headers.get(TRACKING_HEADER) or "-"
    request_log.debug(
        "%s %s%s%s -> %s in %s (tracking id %s)",
        request.method,
        request.url.host,
        request.url.path,
        query,
        response.status_code,
        elapsed,
        tracking,
    )


def token_allowed(url: httpx2.URL, settings: Settings) -> bool:
    """Whether a request to ``url`` may carry the bearer token."""
    host = (url.host or "").lower().rstrip(".")
    trusted = {name.lower() for name in split_csv(settings.trusted_hosts)}
    if host in trusted or f"{host}:{url.port}" in trusted:
        return True
    return url.scheme == "https" and (host == "zoom.us" or host.endswith(".zoom.us"))


def base_url(settings: Settings, request: Request, api_base_url: str | None) -> str:
    base = settings.file_base_url if request.host == "file" else (api_base_url or settings.api_base_url)
    return base.rstrip("/")


def build_request(
    client: httpx2.AsyncClient,
    request: Request,
    url: str | httpx2.URL,
    token: str | None,
    *,
    redirected: bool = False,
    with_body: bool = True,
) -> httpx2.Request:
    """The httpx2 request for ``request``; a redirect target's URL already carries its query."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params = None if redirected else (request.query or None)
    if not with_body:
        return client.build_request("GET", url, params=params, headers=headers)
    if request.files is not None or request.data is not None:
        # httpx2 quotes multipart filenames (filename="a b.pdf"), as file.zoom.us requires.
        return client.build_request(
            request.method, url, params=params, files=request.files or None, data=request.data or None, headers=headers
        )
    return client.build_request(request.method, url, params=params, json=request.json, headers=headers)


async def send_following_redirects(
    client: httpx2.AsyncClient, request: Request, url: str, token: str, settings: Settings
) -> httpx2.Response:
    """Send, following up to MAX_REDIRECTS redirects by hand.

    The first hop goes to the configured host and carries the token; every redirect target
    gets it only if ``token_allowed``. After MAX_REDIRECTS the last redirect is returned.
    """
    response = await client.send(build_request(client, request, url, token))
    target = httpx2.URL(url)
    with_body = True
    for _ in range(MAX_REDIRECTS):
        location = response.headers.get("location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            break
        await response.aclose()
        target = target.join(location)
        with_body = with_body and response.status_code in SAME_METHOD_REDIRECTS
        bearer = token if token_allowed(target, settings) else None
        outgoing = build_request(client, request, target, bearer, redirected=True, with_body=with_body)
        response = await client.send(outgoing)
    return response


# Connection failures, in words ------------------------------------------------------------------

CA_FIX = (
    "if your network inspects TLS, set ZOOM_MCP_CA_BUNDLE (or SSL_CERT_FILE) to your organisation's "
    "CA certificate file (PEM); otherwise check the system clock and that nothing intercepts the connection"
)


@dataclass(frozen=True)
class ConnectionProblem:
    """What a transport failure was, said so a user can act: which host, which kind, the fix."""

    host: str
    kind: str  # timeout, proxy, tls, refused, dns, network
    text: str
    fix: str | None = None
    # Retrying cannot help (a certificate that is not trusted).
    permanent: bool = False

    def __str__(self) -> str:
        return f"{self.text}; {self.fix}" if self.fix else self.text


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, its causes and contexts, and the members of any exception group among them."""
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        stack += [current.__cause__, current.__context__]
        if isinstance(current, BaseExceptionGroup):
            stack += list(current.exceptions)
    return seen


_DNS_WORDS = ("name or service not known", "nodename nor servname", "getaddrinfo", "name resolution", "no address")


def describe_transport_error(exc: httpx2.TransportError, timeout: float) -> ConnectionProblem:
    """The kind of ``exc`` (DNS, refused, TLS verification, timeout, proxy) for the host it was going to."""
    try:
        host = exc.request.url.host or "the server"
    except RuntimeError:
        host = "the server"
    chain = _chain(exc)
    texts = " ".join(str(item) for item in chain).lower()
    if isinstance(exc, httpx2.TimeoutException):
        doing = "accept a connection" if isinstance(exc, httpx2.ConnectTimeout | httpx2.PoolTimeout) else "answer"
        return ConnectionProblem(host, "timeout", f"{host} did not {doing} within {timeout:g} s (timeout)")
    if isinstance(exc, httpx2.ProxyError):
        return ConnectionProblem(
            host,
            "proxy",
            f"the proxy would not connect to {host} ({exc})",
            "check HTTPS_PROXY / ALL_PROXY and NO_PROXY",
        )
    verify = next((item for item in chain if isinstance(item, ssl.SSLCertVerificationError)), None)
    if verify is not None or "certificate_verify_failed" in texts:
        reason = getattr(verify, "verify_message", None) or "certificate not trusted"
        return ConnectionProblem(host, "tls", f"TLS verification failed for {host} ({reason})", CA_FIX, permanent=True)
    if any(isinstance(item, ssl.SSLError) for item in chain):
        return ConnectionProblem(host, "tls", f"the TLS handshake with {host} failed ({exc})", CA_FIX)
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "connection refused" in texts:
        return ConnectionProblem(
            host, "refused", f"{host} refused the connection", "check the address and port, and any proxy settings"
        )
    if any(isinstance(item, socket_gaierror) for item in chain) or any(word in texts for word in _DNS_WORDS):
        return ConnectionProblem(
            host,
            "dns",
            f"{host} could not be found (DNS)",
            "check the host name, the network connection and, behind a proxy, HTTPS_PROXY",
        )
    return ConnectionProblem(host, "network", f"the connection to {host} failed ({type(exc).__name__}: {exc})")
