"""Sending inside the sandbox: the sender's SENT copy, delivery to account mailboxes, filters
and vacation auto-replies.

Recipients outside the account are accepted and dropped, as a real send to the internet would
leave the sandbox. Each recipient mailbox gets its own copy (own id, own thread), the way
Gmail-style stores keep one message per mailbox.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from email.utils import formataddr, formatdate, make_msgid

from zoom_mcp.sandbox import mime_tree
from zoom_mcp.sandbox.mail_query import compile_query
from zoom_mcp.sandbox.mail_store import Mailbox, MailState, StoredMessage, addresses, validation

_MSGID = re.compile(r"<[^<>\s]+>")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def decode_raw(value: object, field_name: str = "raw") -> bytes:
    if not isinstance(value, str) or not value.strip():
        raise validation(field_name, "A base64url-encoded RFC 2822 message is required.")
    try:
        raw = mime_tree.b64url_decode(value)
    except ValueError as exc:
        raise validation(field_name, "Invalid base64url encoding.") from exc
    if not _BLANK_LINE.search(raw) and b":" not in raw.split(b"\n", 1)[0]:
        raise validation(field_name, "Not an RFC 2822 message.")
    return raw


def references_of(message: Message) -> list[str]:
    refs = _MSGID.findall(str(message.get("References", "")))
    refs += _MSGID.findall(str(message.get("In-Reply-To", "")))
    return refs


def rfc_id_of(message: Message) -> str:
    found = _MSGID.findall(str(message.get("Message-ID", "")))
    return found[0] if found else ""


def _eol(raw: bytes) -> bytes:
    head = raw.split(b"\n", 1)[0]
    return b"\r\n" if head.endswith(b"\r") else b"\n"


def prepend_headers(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """Add headers in front without re-serialising, so the sent bytes stay byte-identical."""
    if not headers:
        return raw
    eol = _eol(raw)
    added = b"".join(f"{name}: {value}".encode() + eol for name, value in headers)
    return added + raw


def strip_header(raw: bytes, name: str) -> bytes:
    """Remove every ``name:`` header (with continuation lines) from the header block."""
    match = _BLANK_LINE.search(raw)
    head, rest = (raw[: match.start()], raw[match.start() :]) if match else (raw, b"")
    lines = head.splitlines(keepends=True)
    kept: list[bytes] = []
    dropping = False
    prefix = name.lower().encode() + b":"
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(prefix)
        if not dropping:
            kept.append(line)
    return b"".join(kept) + rest


def complete_headers(state: MailState, sender: Mailbox, raw: bytes) -> tuple[bytes, Message]:
    """What a mail server adds on submission: From, Date and Message-ID when missing."""
    parsed = mime_tree.parse(raw)
    additions: list[tuple[str, str]] = []
    if not parsed.get("From"):
        additions.append(("From", formataddr((sender.display_name, sender.email))))
    if not parsed.get("Date"):
        additions.append(("Date", formatdate(state.clock(), usegmt=True)))
    if not rfc_id_of(parsed):
        additions.append(("Message-ID", make_msgid(domain=sender.email.rsplit("@", 1)[-1])))
    if additions:
        raw = prepend_headers(raw, additions)
        parsed = mime_tree.parse(raw)
    return raw, parsed


def send(
    state: MailState,
    sender: Mailbox,
    raw: bytes,
    draft: StoredMessage | None = None,
) -> StoredMessage:
    """Send ``raw`` from ``sender``; with ``draft``, that draft message becomes the sent one."""
    raw, parsed = complete_headers(state, sender, raw)
    recipients = list(dict.fromkeys(addresses(parsed, "To", "Cc", "Bcc")))
    if not recipients:
        raise validation("raw", "Recipient address required.")
    now_ms = int(state.clock() * 1000)
    rfc_id = rfc_id_of(parsed)
    refs = references_of(parsed)
    if draft is not None:
        sender.replace_raw(draft, raw, rfc_id)
        sender.redate(draft, now_ms)
        sender.drop_draft(draft)
        sender.modify(draft, add=["SENT"], remove=["DRAFT"])
        sent = draft
    else:
        sent = sender.add(raw, ["SENT"], now_ms, rfc_message_id=rfc_id, references=refs)
    delivered = strip_header(raw, "Bcc")
    for address in recipients:
        mailbox = state.mailbox(address)
        if mailbox is None:
            continue
        if mailbox is sender:
            sender.modify(sent, add=["INBOX", "UNREAD"])
            continue
        deliver(state, mailbox, delivered, now_ms, parsed)
    return sent


def deliver(state: MailState, mailbox: Mailbox, raw: bytes, now_ms: int, parsed: Message) -> StoredMessage:
    incoming = mailbox.add(
        raw, ["INBOX", "UNREAD"], now_ms, rfc_message_id=rfc_id_of(parsed), references=references_of(parsed)
    )
    apply_filters(state, mailbox, incoming)
    auto_reply(state, mailbox, parsed)
    return incoming


def filter_query(criteria: dict[str, object]) -> str:
    """A filter's criteria as the equivalent ``q`` string."""
    terms: list[str] = []
    for key in ("from", "to", "subject"):
        value = criteria.get(key)
        if value:
            terms.append(f'{key}:"{value}"')
    if criteria.get("query"):
        terms.append(str(criteria["query"]))
    if criteria.get("negatedQuery"):
        terms.extend(f"-{word}" for word in str(criteria["negatedQuery"]).split())
    if criteria.get("hasAttachment"):
        terms.append("has:attachment")
    return " ".join(terms)


def apply_filters(state: MailState, mailbox: Mailbox, message: StoredMessage) -> None:
    now_ms = int(state.clock() * 1000)
    for mail_filter in list(mailbox.filters.values()):
        query = compile_query(mailbox, filter_query(mail_filter.get("criteria", {})), now_ms)
        if not query.predicate(message):
            continue
        action = mail_filter.get("action", {})
        add = [label for label in action.get("addLabelIds", []) if label in mailbox.labels]
        remove = [label for label in action.get("removeLabelIds", []) if label in mailbox.labels]
        mailbox.modify(message, add=add, remove=remove)
        target = state.mailbox(str(action.get("forward") or ""))
        if target is not None and target is not mailbox:
            target.add(message.raw, ["INBOX", "UNREAD"], now_ms, rfc_message_id=message.rfc_message_id)


def auto_reply(state: MailState, mailbox: Mailbox, received: Message) -> None:
    """Vacation responder: one reply per sender, only to account mailboxes, never to robots."""
    settings = mailbox.vacation
    if not settings.get("enableAutoReply") or received.get("Auto-Submitted"):
        return
    now_ms = int(state.clock() * 1000)
    start, end = settings.get("startTime"), settings.get("endTime")
    if (start and now_ms < int(start)) or (end and now_ms > int(end)):
        return
    senders = addresses(received, "From")
    if not senders or senders[0] == mailbox.email.lower():
        return
    to = senders[0]
    if settings.get("restrictToDomain") and to.rsplit("@", 1)[-1] != mailbox.email.lower().rsplit("@", 1)[-1]:
        return
    if to in mailbox.vacation_replied or state.mailbox(to) is None:
        return
    mailbox.vacation_replied.add(to)
    reply = EmailMessage()
    reply["From"] = formataddr((mailbox.display_name, mailbox.email))
    reply["To"] = to
    subject = settings.get("responseSubject") or f"Re: {mime_tree.decoded_header(received, 'Subject')}"
    reply["Subject"] = subject
    reply["Auto-Submitted"] = "auto-replied"
    original = rfc_id_of(received)
    if original:
        reply["In-Reply-To"] = original
        reply["References"] = original
    reply.set_content(settings.get("responseBodyPlainText") or "I am away and will reply when I am back.")
    if settings.get("responseBodyHtml"):
        reply.add_alternative(settings["responseBodyHtml"], subtype="html")
    send(state, mailbox, reply.as_bytes())
