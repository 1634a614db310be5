"""The ``q`` search of Zoom Mail list endpoints, as a predicate over stored messages.

Zoom calls ``q`` an "elastic search query" and documents only ``after:<epoch>`` (zoom-api.md
6.3). The sandbox accepts the Gmail operators clients actually send: ``from: to: cc: bcc:
subject: label: in: is: has:attachment filename: after: before: newer_than: older_than:
larger: smaller: rfc822msgid:``, quoted phrases, free words (subject, addresses and body) and
``-`` negation and ``OR``. Terms are ANDed; braces and parentheses are not modelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from zoom_mcp.sandbox.mail_store import Mailbox, StoredMessage, validation

Predicate = Callable[[StoredMessage], bool]

_TERM = re.compile(r'(-?)(?:([A-Za-z_0-9]+):("[^"]*"|\S+)|("[^"]*"|\S+))')
_SPAN = re.compile(r"^(\d+)([hdmy])$")
_SIZE = re.compile(r"^(\d+)([kKmM]?)$")
_SPAN_SECONDS = {"h": 3600, "d": 86400, "m": 30 * 86400, "y": 365 * 86400}
_IN_LABELS = {"inbox": "INBOX", "sent": "SENT", "trash": "TRASH", "spam": "SPAM", "drafts": "DRAFT", "draft": "DRAFT"}
_IS_LABELS = {"unread": "UNREAD", "starred": "STARRED", "important": "IMPORTANT"}


@dataclass(frozen=True)
class Query:
    predicate: Predicate
    # ``in:trash``, ``in:anywhere`` etc. lift the default hiding of SPAM and TRASH, as in Gmail.
    reveals: frozenset[str]


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _epoch_ms(value: str) -> int:
    if value.isdigit():
        return int(value) * 1000
    for fmt in ("%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return int(datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp() * 1000)
        except ValueError:
            continue
    raise validation("q", f"Invalid date: {value}")


def _span_ms(value: str) -> int:
    match = _SPAN.match(value)
    if not match:
        raise validation("q", f"Invalid time span: {value}")
    return int(match.group(1)) * _SPAN_SECONDS[match.group(2)] * 1000


def _size(value: str) -> int:
    match = _SIZE.match(value)
    if not match:
        raise validation("q", f"Invalid size: {value}")
    unit = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
    return int(match.group(1)) * unit


def _header_has(names: tuple[str, ...], needle: str) -> Predicate:
    needle = needle.casefold()
    return lambda m: any(needle in m.header(name).casefold() for name in names)


def _label_predicate(mailbox: Mailbox, value: str) -> tuple[Predicate, str | None]:
    # Gmail writes label names with spaces or slashes as dashes in queries ("label:my-project").
    label = mailbox.labels.get(value) or mailbox.labels.get(value.upper()) or mailbox.label_by_name(value)
    if label is None:
        spaced = value.replace("-", " ")
        label = mailbox.label_by_name(spaced) or mailbox.label_by_name(value.replace("-", "/"))
    if label is None:
        return (lambda m: False), None
    return (lambda m: label.id in m.label_ids), label.id


def _term(mailbox: Mailbox, op: str, value: str, now_ms: int) -> tuple[Predicate, set[str]]:
    op = op.lower()
    lowered = value.casefold()
    if op == "from":
        return _header_has(("From",), value), set()
    if op in ("to", "cc", "bcc"):
        names = ("To", "Cc", "Bcc") if op == "to" else (op.capitalize(),)
        return _header_has(names, value), set()
    if op == "subject":
        return _header_has(("Subject",), value), set()
    if op == "label":
        predicate, label_id = _label_predicate(mailbox, value)
        return predicate, {label_id} if label_id else set()
    if op == "in":
        if lowered == "anywhere":
            return (lambda m: True), {"SPAM", "TRASH"}
        label_id = _IN_LABELS.get(lowered)
        if label_id is None:
            return _label_predicate(mailbox, value)[0], set()
        return (lambda m: label_id in m.label_ids), {label_id}
    if op == "is":
        if lowered == "read":
            return (lambda m: "UNREAD" not in m.label_ids), set()
        label_id = _IS_LABELS.get(lowered)
        if label_id is None:
            raise validation("q", f"Unsupported is: value: {value}")
        return (lambda m: label_id in m.label_ids), set()
    if op == "has":
        if lowered != "attachment":
            raise validation("q", f"Unsupported has: value: {value}")
        return (lambda m: bool(m.attachments())), set()
    if op == "filename":
        return (lambda m: any(lowered in leaf.filename.casefold() for leaf in m.attachments())), set()
    if op in ("after", "before"):
        bound = _epoch_ms(value)
        if op == "after":
            return (lambda m: m.internal_date >= bound), set()
        return (lambda m: m.internal_date < bound), set()
    if op in ("newer_than", "older_than"):
        cutoff = now_ms - _span_ms(lowered)
        if op == "newer_than":
            return (lambda m: m.internal_date >= cutoff), set()
        return (lambda m: m.internal_date < cutoff), set()
    if op in ("larger", "smaller"):
        size = _size(value)
        if op == "larger":
            return (lambda m: m.size_estimate > size), set()
        return (lambda m: m.size_estimate < size), set()
    if op == "rfc822msgid":
        wanted = value.strip("<>")
        return (lambda m: m.rfc_message_id.strip("<>") == wanted), set()
    return _words(f"{op}:{value}"), set()


def _words(text: str) -> Predicate:
    needle = text.casefold()
    return lambda m: needle in m.search_text()


def compile_query(mailbox: Mailbox, q: str, now_ms: int) -> Query:
    """Terms are ANDed; ``a OR b`` joins its two neighbours (binding tighter than AND, as in Gmail)."""
    predicates: list[Predicate] = []
    reveals: set[str] = set()
    join_next = False
    for negate, op, value, word in _TERM.findall(q or ""):
        if not op and not negate and word in ("AND", "OR"):
            join_next = word == "OR" and bool(predicates)
            continue
        if op:
            predicate, revealed = _term(mailbox, op, _unquote(value), now_ms)
            if not negate:
                reveals |= revealed
        else:
            predicate = _words(_unquote(word))
        if negate:
            predicate = _negated(predicate)
        if join_next:
            predicates[-1] = _either(predicates[-1], predicate)
            join_next = False
        else:
            predicates.append(predicate)
    return Query(predicate=lambda m: all(p(m) for p in predicates), reveals=frozenset(reveals))


def _negated(predicate: Predicate) -> Predicate:
    return lambda m: not predicate(m)


def _either(left: Predicate, right: Predicate) -> Predicate:
    return lambda m: left(m) or right(m)
