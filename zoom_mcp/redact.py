"""Keep secrets (client secret, access and refresh tokens) out of results and logs.

Every secret the process learns is registered in one place, ``SECRETS``: configured values at
startup and each token the auth provider receives. Results are scrubbed before they leave the
executor, log records before any handler formats them. Secrets are process-wide on purpose:
a token seen by one component must not appear in another component's log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

MASK = "[redacted]"
# Shorter values are not credentials, and masking them ("me", "1") would garble results.
MIN_SECRET_LENGTH = 8
LOGGER_NAME = "zoom_mcp"


class Redactor:
    """A set of secret strings and the functions that mask them."""

    def __init__(self) -> None:
        self._secrets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        fresh = {value for value in values if value and len(value) >= MIN_SECRET_LENGTH}
        if fresh - self._secrets:
            with self._lock:
                self._secrets = self._secrets | fresh

    def add_all(self, values: Iterable[str | None]) -> None:
        self.add(*values)

    def text(self, value: str) -> str:
        # Longest first, so a secret containing another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def data(self, value: Any) -> Any:
        """Mask secrets in every string of a JSON-like structure (keys included)."""
        if not self._secrets:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(key): self.data(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        return value


SECRETS = Redactor()


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and traceback before any handler formats it.

    Installed on the ``zoom_mcp`` logger; add it to a handler as well to cover records of
    child loggers (``zoom_mcp.server``), which logger-level filters do not see.
    """

    def __init__(self, redactor: Redactor = SECRETS) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A malformed call must not raise here (in the caller) nor print its raw arguments later.
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redactor.text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.text(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.text(record.stack_info)
        return True


def install_log_filter(logger_name: str = LOGGER_NAME) -> None:
    """Attach the redacting filter to the ``zoom_mcp`` logger and to the handlers present.

    Logger filters miss records of child loggers (``zoom_mcp.server``); handler filters see
    every record they write, so the handlers configured by then (the CLI's stderr handler)
    get one too. Each gets at most one.
    """
    logger = logging.getLogger(logger_name)
    targets: list[logging.Filterer] = [logger, *logger.handlers, *logging.getLogger().handlers]
    for target in targets:
        if not any(isinstance(existing, RedactingFilter) for existing in target.filters):
            target.addFilter(RedactingFilter())
