"""Failures a tool call can meet, before they are shaped into an error result."""

from __future__ import annotations

from typing import Any


class ToolUsageError(Exception):
    """The call cannot be made as asked (e.g. an upload path outside the upload folder).

    The message is shown to the model as is, so it says what to do instead.
    """


class ZoomAPIError(Exception):
    """Zoom answered with an error (or not at all): HTTP status, Zoom code, message, details."""

    def __init__(
        self,
        status: int | None,
        code: int | None,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        tracking_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.tracking_id = tracking_id
        self.headers = headers or {}
