"""Support for the Zoom Mail sandbox tests: drive the handlers directly through the routing contract."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from starlette.datastructures import QueryParams

from zoom_mcp.sandbox.mail import HANDLERS, ROOT
from zoom_mcp.sandbox.mail_seed import SEED_ANCHOR, seed_mail
from zoom_mcp.sandbox.mail_store import MailState
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError, User

NAMES = [
    ("Avery", "Quinn"),
    ("Blake", "Moreno"),
    ("Casey", "Ng"),
    ("Devon", "Ito"),
    ("Emery", "Hale"),
    ("Finley", "Cho"),
]
USERS = [
    User(id=f"u{index}", email=f"{first.lower()}.{last.lower()}@northwind.example", first_name=first, last_name=last)
    for index, (first, last) in enumerate(NAMES)
]
DEMO = USERS[0]


@dataclass
class FakeSandboxState:
    mail: MailState


class FakeClock:
    """A settable "now", a month after the seed anchor so seed mail is not "new"."""

    def __init__(self, start: float = SEED_ANCHOR.timestamp() + 30 * 86_400) -> None:
        self.now_value = start

    def __call__(self) -> float:
        return self.now_value


class Mail:
    """One seeded mail state, called the way the sandbox app calls handlers."""

    def __init__(self, seed: int = 0, users: list[User] | None = None) -> None:
        self.users = users if users is not None else USERS
        self.clock = FakeClock()
        self.state = seed_mail(self.users, seed, clock=self.clock)
        self.sandbox_state = FakeSandboxState(self.state)

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | list[tuple[str, str]] | None = None,
        body: Any = None,
        user: User = DEMO,
        **path_params: str,
    ) -> Reply:
        endpoint = f"{method} {ROOT}{path}"
        handler = HANDLERS[endpoint]
        params = {"email": "me", **path_params}
        items: list[tuple[str, str]] = []
        if isinstance(query, dict):
            for key, value in query.items():
                values = value if isinstance(value, list) else [value]
                items.extend((key, str(v).lower() if isinstance(v, bool) else str(v)) for v in values)
        elif query:
            items = list(query)
        call = Call(
            method=method,
            endpoint=endpoint,
            path_params=params,
            query=QueryParams(items),
            body=body,
            form=None,
            user=user,
            scopes=frozenset({"mail:read", "mail:write"}),
            state=self.sandbox_state,
            host="api",
        )
        return await handler(call)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = await self.call(method, path, **kwargs)
        assert 200 <= reply.status < 300, reply
        return reply.body

    async def error(self, method: str, path: str, **kwargs: Any) -> SandboxError:
        try:
            reply = await self.call(method, path, **kwargs)
        except SandboxError as exc:
            return exc
        raise AssertionError(f"expected an error, got {reply}")

    async def list_all(self, path: str, key: str, query: dict[str, Any] | None = None) -> list[Any]:
        items: list[Any] = []
        query = dict(query or {})
        while True:
            body = await self.ok("GET", path, query=query)
            items.extend(body[key])
            token = body.get("nextPageToken")
            if not token:
                return items
            query["pageToken"] = token


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def email_message(
    to: str,
    subject: str,
    text: str,
    *,
    sender: str = DEMO.email,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    in_reply_to: str | None = None,
    bcc: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if bcc:
        message["Bcc"] = bcc
    message["Subject"] = subject
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, mime_type, data in attachments:
        maintype, subtype = mime_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def walk(payload: dict[str, Any]) -> list[dict[str, Any]]:
    parts = [payload]
    for part in payload.get("parts", []):
        parts.extend(walk(part))
    return parts


def header(resource: dict[str, Any], name: str) -> str:
    for item in resource["payload"]["headers"]:
        if item["name"].lower() == name.lower():
            return item["value"]
    return ""
