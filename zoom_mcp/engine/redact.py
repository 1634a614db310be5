"""Keep secrets (client secret, access and refresh tokens) out of results and logs.

Every secret the process learns is registered in one place, ``SECRETS``: configured values at
startup and each token the auth provider receives. Results are scrubbed before they leave the
executor (text, structured data and embedded resources), log records before any handler formats
them. Secrets are process-wide on purpose: a token seen by one component must not appear in
another component's log line.

A secret is masked in the forms it travels in, not only as typed: percent-encoded (as in a URL
or a form body), base64 and base64url (as in an ``Authorization: Basic`` or ``Bearer`` header,
or inside a base64 blob at any alignment), and ``client_id:secret`` base64-encoded (the Basic
credentials of the OAuth token request).
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
# Shorter values are not credentials, and masking them ("me", "1") would garble results.
MIN_SECRET_LENGTH = 8
LOGGER_NAME = "zoom_mcp"
# A base64 run cut out of a longer blob is masked only when at least this long: shorter ones
# would match ordinary text.
MIN_ENCODED_CORE = 12
_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")


def _base64_forms(raw: bytes) -> set[str]:
    """``raw`` in base64 and base64url, padded and not, alone and at each offset inside a blob."""
    forms: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        # The characters that depend only on ``raw``: drop the group shared with the prefix
        # and, unless the end is aligned, the last group (it depends on what follows).
        start = 4 if offset else 0
        end = len(encoded) if (offset + len(raw)) % 3 == 0 else (len(encoded) // 4 - 1) * 4
        core = encoded[start:end]
        if offset == 0:
            forms.update({encoded, encoded.rstrip("=")})
        if len(core) >= MIN_ENCODED_CORE:
            forms.add(core)
    return forms | {form.replace("+", "-").replace("/", "_") for form in forms}


def variants(secret: str) -> set[str]:
    """The forms ``secret`` may take in a result or a log line."""
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {_PERCENT_ESCAPE.sub(lambda m: m.group().lower(), form) for form in forms}
    forms |= _base64_forms(raw)
    for scheme in ("Bearer ", "Basic "):
        forms |= _base64_forms(scheme.encode() + raw)
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Redactor:
    """A set of secret strings and the functions that mask them."""

    def __init__(self) -> None:
        self._known: frozenset[str] = frozenset()
        # Every form of every secret, longest first, so a form containing another is masked whole.
        self._forms: tuple[str, ...] = ()
        self._raw: tuple[bytes, ...] = ()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        fresh = {value for value in values if value and len(value) >= MIN_SECRET_LENGTH} - self._known
        if fresh:
            self._register(fresh, set().union(*(variants(value) for value in fresh)))

    def add_all(self, values: Iterable[str | None]) -> None:
        self.add(*values)

    def add_client_credentials(self, client_id: str | None, client_secret: str | None) -> None:
        """The secret, and ``client_id:secret`` as HTTP Basic credentials carry it (base64)."""
        self.add(client_secret)
        if client_id and client_secret and len(client_secret) >= MIN_SECRET_LENGTH:
            pair = f"{client_id}:{client_secret}"
            if pair not in self._known:
                self._register({pair}, variants(pair))

    def _register(self, secrets: set[str], forms: set[str]) -> None:
        with self._lock:
            self._known = self._known | secrets
            self._forms = tuple(sorted(set(self._forms) | forms, key=len, reverse=True))
            raw = {secret.encode("utf-8", "surrogatepass") for secret in self._known}
            self._raw = tuple(sorted(raw, key=len, reverse=True))

    def text(self, value: str) -> str:
        for form in self._forms:
            if form in value:
                value = value.replace(form, MASK)
        return value

    def bytes(self, value: bytes) -> bytes:
        """Mask secrets in binary content (an attachment), in every form ``text`` knows."""
        masked = MASK.encode()
        for secret in self._raw:
            value = value.replace(secret, masked)
        for form in self._forms:
            value = value.replace(form.encode("utf-8", "surrogatepass"), masked)
        return value

    def block(self, block: Any) -> Any:
        """An MCP content block with secrets masked: text blocks and embedded resources."""
        if not self._forms:
            return block
        text = getattr(block, "text", None)
        if isinstance(text, str) and hasattr(block, "model_copy"):
            return block.model_copy(update={"text": self.text(text)})
        resource = getattr(block, "resource", None)
        if resource is None or not hasattr(block, "model_copy"):
            return block
        inner = getattr(resource, "text", None)
        if isinstance(inner, str):
            resource = resource.model_copy(update={"text": self.text(inner)})
        blob = getattr(resource, "blob", None)
        if isinstance(blob, str):
            try:
                content = base64.b64decode(blob, validate=True)
            except ValueError:
                resource = resource.model_copy(update={"blob": self.text(blob)})
            else:
                cleaned = self.bytes(content)
                if cleaned != content:
                    resource = resource.model_copy(update={"blob": base64.b64encode(cleaned).decode("ascii")})
        return block.model_copy(update={"resource": resource})

    def data(self, value: Any) -> Any:
        """Mask secrets in every string of a JSON-like structure (keys included)."""
        if not self._forms:
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
