"""The contract between the sandbox app and its endpoint handlers.

Handlers are keyed by the catalog endpoint they serve (``"GET /chat/users/{userId}/messages"``),
so the sandbox serves exactly what the catalog declares, and checks the same scopes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, QueryParams


@dataclass
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    member_id: str = ""
    account_id: str = "acct_sandbox"
    role: str = "member"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SandboxError(Exception):
    """A Zoom-shaped error: ``{"code": ..., "message": ...}`` with an HTTP status."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


@dataclass
class Reply:
    """A handler's answer: JSON body (or None for an empty body) and status."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    """One request, already authenticated and scope-checked, as a handler sees it."""

    method: str
    endpoint: str
    path_params: dict[str, str]
    query: QueryParams
    body: Any
    form: FormData | None
    user: User  # the token's user ("me")
    scopes: frozenset[str]
    state: Any  # the SandboxState
    host: str


Handler = Callable[[Call], Awaitable[Reply]]
