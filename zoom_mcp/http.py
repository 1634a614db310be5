"""The HTTP client and the two rules around it: who may see the token, and redirects.

Redirects are never followed automatically. Only file-host uploads follow them, by hand,
because httpx2 (like requests) strips Authorization on a cross-host redirect while
file.zoom.us needs it kept (zoom-api.md §5.6); it is re-attached only for Zoom's own hosts
and hosts the user trusts (the sandbox).
"""

from __future__ import annotations

import httpx2

from zoom_mcp import __version__
from zoom_mcp.catalog import Request
from zoom_mcp.config import Settings, split_csv

USER_AGENT = f"zoom-mcp/{__version__}"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# 307/308 promise the same method and body; 301/302/303 turn into a body-less GET.
SAME_METHOD_REDIRECTS = frozenset({307, 308})
MAX_REDIRECTS = 5
# Connecting should be quick; reading may legitimately take the whole timeout (uploads).
CONNECT_TIMEOUT = 10.0
MAX_CONNECTIONS = 20
MAX_KEEPALIVE = 10


def build_client(settings: Settings, transport: httpx2.AsyncBaseTransport | None = None) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=transport,
        timeout=httpx2.Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout)),
        limits=httpx2.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        # Proxy variables would be honoured, but never a .netrc that adds its own credentials.
        trust_env=False,
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
