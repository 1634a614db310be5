"""Failures a tool call can meet, before they are shaped into an error result."""

from __future__ import annotations

from typing import Any


class ToolUsageError(Exception):
    """The call cannot be made as asked (e.g. an upload path outside the upload folder).

    The message is shown to the model as is, so it says what to do instead.
    """


class ZoomAPIError(Exception):
    """Zoom answered with an error (or not at all): HTTP status, Zoom code, message, details.

    ``status`` and ``code`` are ``None`` when no answer arrived (timeout, dropped connection).
    ``uncertain`` marks a write that may have reached Zoom although no success was seen, so
    the model must check before repeating it. ``retries`` counts the retries already spent.
    """

    def __init__(
        self,
        status: int | None,
        code: int | None,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        tracking_id: str | None = None,
        headers: dict[str, str] | None = None,
        uncertain: bool = False,
        retries: int = 0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.tracking_id = tracking_id
        # Lower-case names: Zoom's header spelling varies.
        self.headers = {name.lower(): value for name, value in (headers or {}).items()}
        self.uncertain = uncertain
        self.retries = retries

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class ZoomAuthError(ZoomAPIError):
    """Credentials were refused (token endpoint error, or code 124 again after a renewal).

    ``fix`` says which setting to correct; retrying the call does not help.
    """

    def __init__(self, status: int | None, code: int | None, message: str, *, fix: str, **kwargs: Any) -> None:
        super().__init__(status, code, message, **kwargs)
        self.fix = fix


class ZoomConnectionError(ZoomAPIError):
    """No answer because the connection failed; ``fix`` says what to check, ``permanent`` that retrying is useless."""

    def __init__(self, message: str, *, fix: str | None = None, permanent: bool = False, **kwargs: Any) -> None:
        super().__init__(None, None, message, **kwargs)
        self.fix = fix
        self.permanent = permanent
