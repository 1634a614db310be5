"""RFC 2822 mail in and out.

Outgoing mail is built with the stdlib ``email`` package and base64url-encoded into the ``raw``
field Zoom Mail takes. Incoming mail arrives as Zoom's Gmail-style ``payload`` tree (parts with
``mimeType``, ``headers``, ``body.data`` in base64url, ``body.attachmentId``); this module reads
that tree into text, HTML, attachment descriptions and an encryption flag.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from email.policy import Policy

ENCRYPTED_MIME_PREFIX = "application/vnd.zoom.encrypt."
ENCRYPTED_SUBJECT = "Zoom Encrypted Email"
# Shown as ``encrypted: content not readable through the API`` in place of a body.
ENCRYPTED_NOTE = "content not readable through the API"


@dataclass(frozen=True)
class Attachment:
    """A file to attach to an outgoing message."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class ReplyContext:
    """What a reply needs from the message it answers (its headers, as Zoom returns them)."""

    message_id: str | None = None
    references: str | None = None
    subject: str | None = None


# RFC 5321's limit on a forward path; longer values are not addresses any server accepts.
MAX_ADDRESS_LENGTH = 254
# Shown of a refused value: enough to recognise it, never a whole pasted document.
SHOWN_VALUE_CHARS = 60
# Unicode categories no header may carry: controls, line and paragraph separators, surrogates.
_UNSENDABLE = frozenset({"Cc", "Zl", "Zp", "Cs"})


def shown_value(value: str) -> str:
    """``value`` quoted for an error message, cut to SHOWN_VALUE_CHARS."""
    cut = value if len(value) <= SHOWN_VALUE_CHARS else value[:SHOWN_VALUE_CHARS] + "…"
    return ascii(cut)


# ``email.policy`` and ``email.headerregistry`` (with its header parser) are imported where they
# are used: a server answers its first tools/list, and many calls, without composing or reading mail.
@lru_cache(maxsize=1)
def wire_policy() -> Policy:
    """CRLF line endings, as RFC 5322 requires on the wire, and 7-bit clean bodies (quoted-printable
    or base64 for non-ASCII text): whether Zoom's API accepts 8bit MIME is not documented."""
    from email import policy

    return policy.SMTP.clone(cte_type="7bit")


def check_address(value: str) -> str:
    """Accept a bare address (``name@example.com``), validated by the stdlib parser.

    Anything the parser cannot read (``<x@y.z>``, a display name, line breaks, control
    characters) is a ``ValueError``, which pydantic reports as a field error.
    """
    from email.headerregistry import Address

    text = value.strip()
    if len(text) > MAX_ADDRESS_LENGTH or not text.isprintable():
        raise ValueError(f"not an email address: {shown_value(value)}")
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise ValueError(f"not an email address: {shown_value(value)}") from exc
    if not address.username or not address.domain:
        raise ValueError(f"not an email address: {shown_value(value)}")
    return address.addr_spec


def check_header_value(value: str) -> str:
    """A header value kept on one line, or a ``ValueError`` (a field error).

    Every line break ``str.splitlines`` knows is refused, not only CR and LF (which would start
    a new header): U+2028, U+0085 and the rest too, so what a reader sees as one line is what
    the mail carries. Other control characters and unpaired surrogates cannot be sent either.
    """
    if value and value.splitlines() != [value]:
        raise ValueError("must be a single line (no line breaks)")
    if any(unicodedata.category(ch) in _UNSENDABLE and ch != "\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def fold_header(value: str) -> str:
    """A header value taken from Zoom, on one line: every line break and run of spaces one space,
    control characters dropped (the ``email`` package refuses values with line breaks)."""
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in _UNSENDABLE or ch.isspace())
    return " ".join(kept.split())


def reply_subject(original: str | None) -> str:
    """``Re: <original>``, without stacking ``Re: Re:``."""
    subject = fold_header(original or "")
    if re.match(r"(?i)re\s*:", subject):
        return subject
    return f"Re: {subject}" if subject else "Re:"


def build_message(
    *,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    subject: str | None = None,
    text: str | None = None,
    html: str | None = None,
    sender: str | None = None,
    reply: ReplyContext | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """An RFC 2822 message; the ``email`` package encodes unicode headers and bodies.

    Text plus HTML becomes multipart/alternative; attachments wrap that in multipart/mixed.
    Bcc stays in the headers. Zoom's document gives send no recipient field (its body is ``raw``,
    ``labelIds`` and ``sendTime``) and says it "sends the specified message to the recipients as
    specified in the email", so the Bcc header is the only way to name blind recipients; the
    server strips it from the delivered copies, as Gmail's API does. From is left out when the
    mailbox is ``me``: the document's ``me`` means "the authenticated user", whose address the
    server fills in.
    """
    message = EmailMessage(policy=wire_policy())
    if sender:
        message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    if reply is not None and subject is None:
        subject = reply_subject(reply.subject)
    message["Subject"] = subject or ""
    message["Date"] = formatdate(usegmt=True)
    if reply is not None and reply.message_id:
        # Zoom's headers are folded: a hostile line break in them must not break this mail.
        message["In-Reply-To"] = fold_header(reply.message_id)
        message["References"] = fold_header(" ".join(filter(None, [reply.references, reply.message_id])))
    if html is not None and text is not None:
        message.set_content(text)
        message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text or "")
    for attachment in attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def encode_raw(message: EmailMessage) -> str:
    """The message as Zoom's ``raw`` field: base64url of the RFC 2822 bytes."""
    return base64.urlsafe_b64encode(message.as_bytes(policy=wire_policy())).decode("ascii")


_NOT_B64URL = re.compile(r"[^A-Za-z0-9_-]")


def b64url_decode(data: str) -> bytes:
    """Decode base64url leniently: line-wrapped, unpadded or in the standard alphabet.

    Zoom's data may arrive wrapped (CRLF every 76 characters) and without padding; as robust
    Gmail-API readers do, everything outside the alphabet is dropped and the padding restored.
    """
    cleaned = _NOT_B64URL.sub("", data.replace("+", "-").replace("/", "_"))
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def parse_raw(raw: str) -> EmailMessage:
    """Parse a base64url ``raw`` message back into an ``EmailMessage``."""
    from email import policy

    # With policy.default the parser builds EmailMessage objects.
    return cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(b64url_decode(raw)))


def to_payload(
    message: EmailMessage,
    attachment_id: Callable[[str, bytes], str | None] | None = None,
    part_id: str = "",
) -> dict[str, Any]:
    """A Gmail-style payload tree for ``message``: the shape Zoom returns for ``format=full``.

    ``attachment_id(part_id, content)`` may give a part with a filename an id instead of
    inline data, as Zoom does for attachments.
    """
    headers = [{"name": name, "value": str(value)} for name, value in message.items()]
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": message.get_content_type(),
        "filename": message.get_filename() or "",
        "headers": headers,
    }
    if message.is_multipart():
        node["body"] = {"size": 0}
        prefix = f"{part_id}." if part_id else ""
        node["parts"] = [
            to_payload(part, attachment_id, f"{prefix}{index}")  # type: ignore[arg-type]
            for index, part in enumerate(message.iter_parts())
        ]
        return node
    content = message.get_payload(decode=True) or b""
    body: dict[str, Any] = {"size": len(content)}
    ident = attachment_id(part_id, content) if attachment_id and node["filename"] else None
    if ident:
        body["attachmentId"] = ident
    else:
        body["data"] = base64.urlsafe_b64encode(content).decode("ascii")
    node["body"] = body
    return node


# ---- reading Zoom's payload tree -------------------------------------------------------------


def header_map(headers: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """Header name (lower case) -> decoded value; the first occurrence wins, as mail readers do."""
    out: dict[str, str] = {}
    for header in headers or ():
        name = str(header.get("name", "")).lower()
        if name and name not in out:
            out[name] = decode_header_value(name, str(header.get("value", "")))
    return out


def decode_header_value(name: str, value: str) -> str:
    """Decode RFC 2047 encoded words if Zoom passed the header through undecoded."""
    from email import policy

    if "=?" not in value:
        return value
    try:
        return str(policy.default.header_factory(name, value))
    except Exception:  # a malformed header is still worth showing as sent
        return value


def _charset(headers: Mapping[str, str]) -> str:
    from email import policy

    content_type = headers.get("content-type")
    if content_type:
        charset = policy.default.header_factory("content-type", content_type).params.get("charset")
        if charset:
            try:
                return codecs.lookup(charset).name
            except LookupError:
                pass
    return "utf-8"


def _disposition(headers: Mapping[str, str]) -> str:
    from email import policy

    value = headers.get("content-disposition")
    if not value:
        return ""
    return policy.default.header_factory("content-disposition", value).content_disposition or ""


def _iter_leaves(part: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    children = part.get("parts") or []
    if not children:
        yield part
        return
    for child in children:
        yield from _iter_leaves(child)


def is_encrypted(payload: Mapping[str, Any] | None) -> bool:
    """True for Zoom's encrypted envelope, whose content the API cannot return.

    Seen as parts of type ``application/vnd.zoom.encrypt.*`` under a message whose Subject is
    "Zoom Encrypted Email" and which carries ``X-Zoom-Encryption``; either sign suffices.
    A bare ``X-Zoom-Encryption`` header is not enough: it also marks server-side encryption of
    mail that the API returns in clear.
    """
    if not payload:
        return False

    def walk(part: Mapping[str, Any]) -> bool:
        if str(part.get("mimeType", "")).lower().startswith(ENCRYPTED_MIME_PREFIX):
            return True
        return any(walk(child) for child in part.get("parts") or [])

    if walk(payload):
        return True
    headers = header_map(payload.get("headers"))
    return "x-zoom-encryption" in headers and headers.get("subject", "").strip() == ENCRYPTED_SUBJECT


@dataclass
class PayloadContent:
    """What a message payload holds, decoded."""

    text: str | None = None
    html: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # Parts whose content came inline rather than as a download (a calendar invite, a second text).
    inline_parts: list[dict[str, Any]] = field(default_factory=list)
    encrypted: bool = False


# How much of an inline part's text (an invite's VEVENT) a read view shows.
INLINE_PART_CHARS = 1_500
INLINE_NOTE = "inline in the message; no download id"


def read_payload(payload: Mapping[str, Any] | None) -> PayloadContent:
    """Walk the payload tree: the first inline text/plain and text/html parts, attachments, and
    every other part.

    A part with a download id (``attachmentId``) or a filename is an attachment; a text body too
    large to be inline arrives with an ``attachmentId`` and is listed so it can still be
    downloaded. Any other part with content (an inline ``text/calendar`` invite without a file
    name, a second text body) is listed by part id, with its text when it is text.
    """
    content = PayloadContent()
    if not payload:
        return content
    if is_encrypted(payload):
        content.encrypted = True
        return content
    for part in _iter_leaves(payload):
        mime_type = str(part.get("mimeType") or "text/plain").lower()
        headers = header_map(part.get("headers"))
        body = part.get("body") or {}
        filename = str(part.get("filename") or "")
        data = body.get("data")
        is_text_body = mime_type in ("text/plain", "text/html") and not filename
        if is_text_body and _disposition(headers) != "attachment" and data:
            text = _decode_body(data, _charset(headers))
            if mime_type == "text/plain" and content.text is None:
                content.text = text
            elif mime_type == "text/html" and content.html is None:
                content.html = text
            continue
        if filename or body.get("attachmentId"):
            entry: dict[str, Any] = {"id": body.get("attachmentId"), "filename": filename, "type": mime_type}
            if body.get("size") is not None:
                entry["size"] = body["size"]
            if not body.get("attachmentId"):
                entry["note"] = INLINE_NOTE
            content.attachments.append(entry)
        elif data:
            inline: dict[str, Any] = {"part": part.get("partId"), "type": mime_type, "size": body.get("size")}
            if mime_type.startswith("text/"):
                inline["text"] = truncate(_decode_body(data, _charset(headers)).strip(), INLINE_PART_CHARS)
            else:
                inline["note"] = INLINE_NOTE
            content.inline_parts.append(inline)
    return content


def _decode_body(data: str, charset: str) -> str:
    try:
        raw = b64url_decode(data)
    except (binascii.Error, ValueError):
        return ""
    # Bodies travel with CRLF line ends; a reader needs plain newlines.
    return raw.decode(charset, errors="replace").replace("\r\n", "\n")


# Inline styles that hide an element, as a mail's preheader is (the line an inbox list shows beside
# the subject): a mail reader does not show it, so neither does the text.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_HIDDEN_MARK = "data-zoom-mcp-hidden"
# Skipped besides what the converter always leaves out (<head>, <script>, <style>, comments).
_SKIPPED = [f"[{_HIDDEN_MARK}]", "[hidden]"]


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs and line breaks, bulleted and numbered lists, table rows
    on a line each with cells between ``|``; links as their text, images left out. Converted by
    resiliparse (C++ over the lexbor HTML parser, which reads broken markup as browsers do)."""
    # Imported on first use, as every converter here: a server start that reads no mail skips it.
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    # The parser is handed UTF-8: a lone surrogate (no mail decoder makes one, but a str can hold
    # it) becomes "?" rather than a TypeError.
    tree = HTMLTree.parse(html.encode("utf-8", "replace").decode("utf-8"))
    if tree.document is not None:
        # ``values()``: iterating the node list itself is some 30 times slower.
        for element in tree.document.query_selector_all("[style]").values():
            if _HIDDEN_STYLE.search(element.getattr("style") or ""):
                element.setattr(_HIDDEN_MARK, "")
    text = extract_plain_text(
        tree,
        preserve_formatting=True,
        main_content=False,  # a mail is all content: no boilerplate heuristics
        list_bullets=True,
        alt_texts=False,
        links=False,
        form_fields=False,
        noscript=True,  # mail readers run no scripts, so they show <noscript>
        skip_elements=_SKIPPED,
    )
    # The converter separates table cells with two tabs, two tokens each: " | " reads as well for
    # one token (the same token count as the aligned columns of the former converter).
    text = text.replace("\t\t", " | ").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    # A model gains nothing from runs of blank lines (nested blocks each add one).
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Converting a long HTML body costs far more than everything else in a read, and all but the first
# ``limit`` characters are cut anyway: a first pass converts twice the budget's worth of HTML; when
# that text falls short, the next pass is sized from the text-per-HTML ratio seen so far. The cut is
# at a tag's start and the text must pass the budget by a margin, so no line shown sits at the cut.
HTML_FIRST_PASS_MIN = 4096
HTML_CUT_MARGIN = 200
# Bodies are immutable content: the same HTML read again (a re-read, a thread after the message)
# converts once. Keyed by the HTML itself, so a changed draft or another mailbox never hits.
HTML_CACHE_SIZE = 128


@lru_cache(maxsize=HTML_CACHE_SIZE)
def html_excerpt(html: str, limit: int) -> str:
    """The text of ``html`` cut to ``limit`` characters (with the note), converting only a prefix."""
    if limit <= 0:
        return html_to_text(html)
    size = max(HTML_FIRST_PASS_MIN, 2 * limit)
    while size < len(html):
        cut = html.rfind("<", 0, size)
        if cut <= 0:
            break
        text = html_to_text(html[:cut])
        if len(text) > limit + HTML_CUT_MARGIN:
            # The rest is not converted: its length is estimated from the part that was.
            rest = max(len(text) - limit, round(len(text) * len(html) / cut) - limit)
            return f"{text[:limit].rstrip()}\n[… about {rest:,} more characters not shown]"
        wanted = (limit + HTML_CUT_MARGIN) * cut / max(len(text), 1)
        size = max(size + HTML_FIRST_PASS_MIN, round(wanted * 1.25))
    return truncate(html_to_text(html), limit)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with a note saying how much was cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    cut = len(text) - limit
    return f"{text[:limit].rstrip()}\n[… {cut:,} more characters not shown]"


def readable_date(internal_ms: str | int | None = None, header: str | None = None) -> str | None:
    """``YYYY-MM-DD HH:MM UTC`` from Zoom's ``internalDate`` (ms) or else the Date header."""
    moment: datetime | None = None
    if internal_ms not in (None, "", "0", 0):
        try:
            moment = datetime.fromtimestamp(int(internal_ms) / 1000, tz=UTC)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError, OSError):
            moment = None
    if moment is None and header:
        try:
            moment = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return header
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
