"""RFC 2822 bytes -> the Gmail-style ``payload`` tree Zoom Mail returns.

Zoom's message resource mirrors Gmail's: every MIME part becomes
``{partId, mimeType, filename, headers[{name, value}], body{size, data?, attachmentId?}, parts[]}``.
Text parts carry their decoded content inline as base64url ``data``; every other leaf (files,
images, Zoom's encrypted envelope parts) carries only an ``attachmentId`` that
``GET .../attachments/{attachmentId}`` resolves to the exact decoded bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from typing import Any

# Zoom returns its end-to-end encrypted envelope parts with a size but neither data nor an
# attachment id (observed in real responses), so clients cannot fetch the ciphertext.
ENCRYPTED_TYPES = frozenset({"application/vnd.zoom.encrypt.manifest", "application/vnd.zoom.encrypt.mime"})

# The parser's default policy, compat32 (``email.policy`` itself would load the header registry at start).
_PARSER = BytesParser()
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding (clients differ; both are accepted)."""
    cleaned = "".join(text.split())
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def parse(raw: bytes) -> Message:
    # compat32 keeps header values exactly as sent; ``header_value`` decides how they are shown.
    return _PARSER.parsebytes(raw)


def header_value(value: object, decode: bool = True) -> str:
    """A header as the resource shows it: unfolded and, like Gmail, RFC 2047-decoded.

    ``decode=False`` returns the encoded-word form as stored (the other behaviour a client
    may meet; Zoom's choice is unconfirmed).
    """
    text = _FOLD.sub(" ", str(value)).strip()
    if not decode or "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (UnicodeDecodeError, LookupError, ValueError):
        return text


def _headers(message: Message, decode: bool, wanted: set[str] | None = None) -> list[dict[str, str]]:
    return [
        {"name": name, "value": header_value(value, decode)}
        for name, value in message.items()
        if wanted is None or name.lower() in wanted
    ]


@dataclass(frozen=True)
class Leaf:
    """A non-multipart part, with its decoded bytes."""

    part_id: str
    mime_type: str
    filename: str
    data: bytes
    is_attachment: bool
    charset: str = "utf-8"


def _part_id(parent: str, index: int) -> str:
    return str(index) if parent == "" else f"{parent}.{index}"


def _is_attachment(part: Message, mime_type: str) -> bool:
    if part.get_filename():
        return True
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    return not mime_type.startswith("text/")


def _decoded(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    # message/rfc822 and friends: keep the embedded message's bytes as the part content.
    inner = part.get_payload()
    if isinstance(inner, list) and inner:
        return inner[0].as_bytes() if isinstance(inner[0], Message) else b""
    return str(inner or "").encode()


def walk_leaves(message: Message, part_id: str = "") -> list[Leaf]:
    """Every leaf part in document order, numbered the way the payload tree numbers them."""
    if message.is_multipart():
        leaves: list[Leaf] = []
        for index, child in enumerate(message.get_payload()):
            leaves.extend(walk_leaves(child, _part_id(part_id, index)))
        return leaves
    mime_type = message.get_content_type()
    return [
        Leaf(
            part_id=part_id,
            mime_type=mime_type,
            filename=message.get_filename() or "",
            data=_decoded(message),
            is_attachment=_is_attachment(message, mime_type),
            charset=message.get_content_charset() or "utf-8",
        )
    ]


def attachment_id(message_id: str, part_id: str) -> str:
    """Stable, opaque id for one attachment of one stored message."""
    digest = hashlib.sha256(f"{message_id}/{part_id}".encode()).digest()
    return "ANGj" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def wrapped_b64url(data: bytes) -> str:
    """base64url as some answers carry it: unpadded, CRLF after every 76 characters."""
    text = b64url(data).rstrip("=")
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def payload_tree(
    message: Message, message_id: str, part_id: str = "", decode: bool = True, wrap: bool = False
) -> dict[str, Any]:
    """The ``payload`` object of a ``format=full`` message resource."""
    mime_type = message.get_content_type()
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": mime_type,
        "filename": message.get_filename() or "",
        "headers": _headers(message, decode),
    }
    if message.is_multipart():
        node["body"] = {"size": 0}
        node["parts"] = [
            payload_tree(child, message_id, _part_id(part_id, index), decode, wrap)
            for index, child in enumerate(message.get_payload())
        ]
        return node
    data = _decoded(message)
    body: dict[str, Any] = {"size": len(data)}
    if mime_type in ENCRYPTED_TYPES:
        pass
    elif _is_attachment(message, mime_type):
        body["attachmentId"] = attachment_id(message_id, part_id)
    else:
        body["data"] = wrapped_b64url(data) if wrap else b64url(data)
    node["body"] = body
    node["parts"] = []
    return node


def metadata_payload(message: Message, wanted: list[str] | None, decode: bool = True) -> dict[str, Any]:
    """The ``payload`` of a ``format=metadata`` resource: top-level headers only."""
    names = {name.lower() for name in wanted} if wanted else None
    headers = _headers(message, decode, names)
    return {"partId": "", "mimeType": message.get_content_type(), "filename": "", "headers": headers}


def body_text(message: Message) -> tuple[str, str]:
    """(plain text, html) of the readable body parts, for snippets and search."""
    plain: list[str] = []
    html: list[str] = []
    for leaf in walk_leaves(message):
        if leaf.is_attachment:
            continue
        try:
            text = leaf.data.decode(leaf.charset, errors="replace")
        except LookupError:
            text = leaf.data.decode("utf-8", errors="replace")
        if leaf.mime_type == "text/html":
            html.append(text)
        else:
            plain.append(text)
    return "\n".join(plain), "\n".join(html)


def decoded_header(message: Message, name: str) -> str:
    """A header as readable text (RFC 2047 encoded words decoded), or ''."""
    value = message.get(name)
    return "" if value is None else header_value(value)
