"""Zoom tokens at rest: encrypted and authenticated (Fernet: AES-128-CBC + HMAC-SHA256).

``ZOOM_MCP_SECRET_KEY`` is one secret, or several separated by commas to rotate: the first
encrypts, all of them decrypt. Each is stretched to a Fernet key with HKDF, so any long random
string works (make one with ``python -c "import secrets; print(secrets.token_urlsafe(32))"``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_CHARS = 32
_INFO = b"zoom-mcp: Zoom tokens at rest"


class SecretKeyError(ValueError):
    """The configured secret key cannot be used."""


class Sealer:
    def __init__(self, secret_key: str) -> None:
        keys = [part.strip() for part in secret_key.split(",") if part.strip()]
        if not keys:
            raise SecretKeyError("ZOOM_MCP_SECRET_KEY is not set: it encrypts the Zoom tokens the server keeps")
        short = [key for key in keys if len(key) < MIN_SECRET_CHARS]
        if short:
            raise SecretKeyError(
                f"ZOOM_MCP_SECRET_KEY is too short (at least {MIN_SECRET_CHARS} characters per key): "
                'make one with python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        self.keys = keys
        self._fernet = MultiFernet([Fernet(_derive(key)) for key in keys])

    def keys_for(self, purpose: bytes) -> list[bytes]:
        """The rotation ring for another purpose: the first key seals, all of them open."""
        return [derive_key(key, purpose) for key in self.keys]

    def seal(self, value: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(value).encode()).decode("ascii")

    def open(self, sealed: str) -> dict[str, Any] | None:
        """The value, or None when no configured key opens it (the key changed: the user signs in again)."""
        try:
            data = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError):
            return None
        return data if isinstance(data, dict) else None


def _derive(secret: str) -> bytes:
    return base64.urlsafe_b64encode(derive_key(secret, _INFO))


def derive_key(secret: str, purpose: bytes) -> bytes:
    """32 bytes for one purpose from a configured secret (HKDF-SHA256): each use gets its own key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
