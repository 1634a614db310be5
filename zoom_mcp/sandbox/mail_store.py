"""Zoom Mail state: mailboxes, messages as RFC 2822 bytes, labels, threads, drafts, history.

Every change to a message (arrival, label change, deletion) goes through ``Mailbox`` methods,
so thread membership, the Message-ID index and the history log (what ``GET /history`` and the
``mail.history_event`` webhook report) stay consistent; label counts are computed on demand.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses
from typing import Any

from zoom_mcp.sandbox import mime_tree
from zoom_mcp.sandbox.routing import SandboxError

SYSTEM_LABELS = ("INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT")
# Labels whose messages are hidden from lists unless asked for (``includeSpamTrash``).
HIDDEN_LABELS = frozenset({"SPAM", "TRASH"})
# Gmail hides these system labels from the label list UI; the API still returns them.
_HIDDEN_IN_LABEL_LIST = frozenset({"UNREAD", "STARRED", "IMPORTANT"})

# Zoom documents no error code for a missing mail resource; 404 is used with HTTP 404.
NOT_FOUND = 404
PAGE_TOKEN_MESSAGE = "The next page token is either invalid or has expired."
# The history types of Zoom's document, and the record key each selects ("labelAdded" -> "labelsAdded").
HISTORY_KEYS = {
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "messageUpdated": "messagesUpdated",
    "messageImported": "messagesImported",
    "messageImportedNew": "messagesImportedNew",
    "settingAdded": "settingsAdded",
    "settingUpdated": "settingsUpdated",
    "settingDeleted": "settingsDeleted",
    "delegateAdded": "delegatesAdded",
    "delegateDeleted": "delegatesDeleted",
    "delegateUpdated": "delegatesUpdated",
    "delegatorsAdded": "delegatorsAdded",
    "delegatorsDeleted": "delegatorsDeleted",
    "delegatorsUpdated": "delegatorsUpdated",
}
HISTORY_TYPES = tuple(HISTORY_KEYS)


@dataclass
class MailOptions:
    """Switches for Zoom Mail behaviour no source confirms (zoom-api.md 6.2, 9).

    Defaults follow Gmail, whose API Zoom's mirrors, where Zoom is silent.
    """

    # DELETE /messages/{id}, /threads/{id} and batchDelete bypass TRASH (Gmail: yes).
    delete_is_permanent: bool = True
    # System labels (INBOX, SENT, ...) cannot be deleted, renamed or replaced.
    protect_system_labels: bool = True
    # Status for creating a label whose name already exists (Gmail answers 409).
    duplicate_label_status: int = 409
    # ``labelIds=TRASH`` (or SPAM) alone shows those messages, without includeSpamTrash=true.
    label_filter_reveals_spam_trash: bool = True
    # Default ``format`` of GET /labels (Gmail lists ``basic``; counts help agents more).
    label_list_format: str = "full"
    # Header values in payloads are RFC 2047-decoded and unfolded (Gmail does; Zoom unconfirmed).
    decode_headers: bool = True
    # Zoom-only fields seen in real responses: expiration, lastMoved, sendTime, userScheduled.
    zoom_extras: bool = True
    # Body data of payload parts as some Zoom answers carry it: line-wrapped (CRLF every 76
    # characters) and without padding, rather than one unpadded-or-padded run.
    wrapped_body_data: bool = False
    # Lifetime of page tokens, like Zoom's documented 15 minutes for chat lists.
    page_token_ttl: float = 15 * 60
    # History records kept per mailbox; an older startHistoryId answers 404.
    history_retention: int = 5000


@dataclass
class Label:
    id: str
    name: str
    type: str = "user"
    message_list_visibility: str = "show"
    label_list_visibility: str = "labelShow"
    color: dict[str, str] | None = None
    parent_id: str | None = None


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    raw: bytes
    label_ids: list[str]
    internal_date: int  # epoch milliseconds
    history_id: int
    last_moved: int
    rfc_message_id: str = ""
    seq: int = 0  # arrival order in the mailbox: breaks ties between equal internalDates
    _parsed: Message | None = field(default=None, repr=False)
    _snippet: str | None = field(default=None, repr=False)
    _search: str | None = field(default=None, repr=False)

    @property
    def parsed(self) -> Message:
        # Parsing is deferred: seeding hundreds of messages must stay fast, and most are never read.
        if self._parsed is None:
            self._parsed = mime_tree.parse(self.raw)
        return self._parsed

    def header(self, name: str) -> str:
        return mime_tree.decoded_header(self.parsed, name)

    @property
    def size_estimate(self) -> int:
        return len(self.raw)

    @property
    def snippet(self) -> str:
        if self._snippet is None:
            self._snippet = _snippet_of(self.parsed)
        return self._snippet

    def search_text(self) -> str:
        """Lower-cased subject, addresses and body text, for ``q`` free-word matching."""
        if self._search is None:
            plain, html = mime_tree.body_text(self.parsed)
            fields = [self.header(name) for name in ("Subject", "From", "To", "Cc")]
            self._search = "\n".join([*fields, plain or _html_to_text(html)]).casefold()
        return self._search

    def attachments(self) -> list[mime_tree.Leaf]:
        return [leaf for leaf in mime_tree.walk_leaves(self.parsed) if leaf.is_attachment]

    def attachment(self, attachment_id: str) -> bytes | None:
        for leaf in self.attachments():
            if leaf.mime_type in mime_tree.ENCRYPTED_TYPES:
                continue
            if mime_tree.attachment_id(self.id, leaf.part_id) == attachment_id:
                return leaf.data
        return None

    @property
    def order_key(self) -> tuple[int, int]:
        return (self.internal_date, self.seq)

    def has_label(self, label_id: str) -> bool:
        return label_id in self.label_ids

    def ref(self) -> dict[str, str]:
        return {"id": self.id, "threadId": self.thread_id}


def _html_to_text(html: str) -> str:
    if not html:
        return ""
    # Imported lazily: only needed when an HTML mail is read.
    from resiliparse.extract.html2text import extract_plain_text

    # Re-encoded so that a lone surrogate becomes "?" instead of an error.
    text = html.encode("utf-8", "replace").decode("utf-8")
    return extract_plain_text(text, main_content=False, alt_texts=False, links=False, noscript=True)


def _snippet_of(message: Message) -> str:
    if message.get_content_type().startswith("application/vnd.zoom.encrypt") or any(
        leaf.mime_type in mime_tree.ENCRYPTED_TYPES for leaf in mime_tree.walk_leaves(message)
    ):
        return ""  # Zoom returns an empty snippet for encrypted envelopes
    plain, html = mime_tree.body_text(message)
    text = plain or _html_to_text(html)
    return " ".join(text.split())[:200]


@dataclass
class _Cursor:
    kind: str
    mailbox: str
    after: tuple[Any, ...]
    expires: float


class Mailbox:
    """One user's mailbox. All mutations record history and keep indexes in step."""

    def __init__(self, state: MailState, email: str, display_name: str = "", create_time: int = 0) -> None:
        self.state = state
        self.email = email
        self.display_name = display_name
        self.create_time = create_time
        self.messages: dict[str, StoredMessage] = {}
        self.threads: dict[str, list[str]] = {}
        self.by_rfc_id: dict[str, str] = {}
        self.labels: dict[str, Label] = {
            name: Label(
                id=name,
                name=name,
                type="system",
                label_list_visibility="labelHide" if name in _HIDDEN_IN_LABEL_LIST else "labelShow",
            )
            for name in SYSTEM_LABELS
        }
        self.drafts: dict[str, str] = {}  # draft id -> message id
        self.history: list[dict[str, Any]] = []
        self.history_id = 1000
        # History before this id is gone (seed data, or trimmed): older startHistoryIds get 404.
        self.history_floor = self.history_id
        self.vacation: dict[str, Any] = {
            "enableAutoReply": False,
            "responseSubject": "",
            "responseBodyPlainText": "",
            "responseBodyHtml": "",
            "restrictToContacts": False,
            "restrictToDomain": False,
        }
        # Senders already answered by the vacation responder (reset when the setting changes).
        self.vacation_replied: set[str] = set()
        self.delegates: dict[str, dict[str, str]] = {}
        self.filters: dict[str, dict[str, Any]] = {}
        self._seq = 0
        self._label_seq = 0
        self._opaque_seq = 0
        self._prefix = hashlib.sha256(email.lower().encode()).hexdigest()[:8] + "00000000"

    # ----- ids ----------------------------------------------------------------------------

    def _message_id(self, internal_date: int) -> str:
        # Real Zoom ids look like "d9e0967700000000_e8332447bb77d2cc_012": a mailbox prefix, a
        # value that falls as time rises, and a per-mailbox sequence number.
        self._seq += 1
        middle = (1 << 64) - 1 - internal_date * 1_000_000 - self._seq % 1000
        return f"{self._prefix}_{middle:016x}_{self._seq:03d}"

    def new_label_id(self) -> str:
        self._label_seq += 1
        while f"Label_{self._label_seq}" in self.labels:
            self._label_seq += 1
        return f"Label_{self._label_seq}"

    def _opaque(self, kind: str) -> str:
        # Derived from the mailbox and a counter, so seeded ids are the same on every run.
        self._opaque_seq += 1
        return hashlib.sha256(f"{self.email}/{kind}/{self._opaque_seq}".encode()).hexdigest()

    def new_filter_id(self) -> str:
        return "ANe1Bm" + self._opaque("filter")[:24]

    # ----- history ------------------------------------------------------------------------

    def _record(self, message: StoredMessage, kind: str, label_ids: list[str] | None = None) -> None:
        snapshot = {"id": message.id, "threadId": message.thread_id, "labelIds": list(message.label_ids)}
        entry: dict[str, Any] = {"message": snapshot}
        if label_ids is not None:
            entry["labelIds"] = label_ids
        self.record_event(kind, entry)
        message.history_id = self.history_id

    def record_event(self, key: str, entry: Any) -> None:
        """One history record ``{id, <key>: [entry]}``: a message change, a setting or a delegate."""
        self.history_id += 1
        self.history.append({"id": str(self.history_id), key: [entry]})
        self._trim_history()

    def _trim_history(self) -> None:
        overflow = len(self.history) - self.state.options.history_retention
        if overflow > 0:
            del self.history[:overflow]
            self.history_floor = int(self.history[0]["id"]) - 1

    def forget_history(self) -> None:
        """Start the history log afresh (after seeding: seed data is not "changes")."""
        self.history.clear()
        self.history_floor = self.history_id

    # ----- messages -----------------------------------------------------------------------

    def get(self, message_id: str) -> StoredMessage:
        message = self.messages.get(message_id)
        if message is None:
            raise SandboxError(404, NOT_FOUND, f"Message does not exist: {message_id}.")
        return message

    def check_labels(self, label_ids: Iterable[str], field_name: str = "labelIds") -> list[str]:
        out = list(dict.fromkeys(label_ids))
        for label_id in out:
            if label_id not in self.labels:
                raise validation(field_name, f"Invalid label: {label_id}")
        return out

    def thread_for(self, references: Iterable[str]) -> str | None:
        """The thread of the newest referenced message held in this mailbox."""
        for rfc_id in reversed(list(references)):
            message_id = self.by_rfc_id.get(rfc_id)
            if message_id and message_id in self.messages:
                return self.messages[message_id].thread_id
        return None

    def add(
        self,
        raw: bytes,
        label_ids: Iterable[str],
        internal_date: int,
        *,
        rfc_message_id: str = "",
        references: Iterable[str] = (),
        thread_id: str | None = None,
    ) -> StoredMessage:
        labels = self.check_labels(label_ids)
        message_id = self._message_id(internal_date)
        thread = thread_id if thread_id in self.threads else self.thread_for(references)
        message = StoredMessage(
            id=message_id,
            thread_id=thread or message_id,
            raw=raw,
            label_ids=labels,
            internal_date=internal_date,
            history_id=self.history_id,
            last_moved=internal_date // 1000 * 1000,
            rfc_message_id=rfc_message_id,
            seq=self._seq,
        )
        self.messages[message_id] = message
        members = self.threads.setdefault(message.thread_id, [])
        members.append(message_id)
        members.sort(key=lambda mid: self.messages[mid].order_key)
        if rfc_message_id:
            self.by_rfc_id.setdefault(rfc_message_id, message_id)
        self._record(message, "messagesAdded")
        return message

    def modify(self, message: StoredMessage, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        added = [label for label in self.check_labels(add, "addLabelIds") if label not in message.label_ids]
        removed = [label for label in self.check_labels(remove, "removeLabelIds") if label in message.label_ids]
        removed = [label for label in removed if label not in added]
        if not added and not removed:
            return
        message.label_ids = [label for label in message.label_ids if label not in removed] + added
        # Zoom's document: "the last time the message had a label change" (any label), in whole
        # seconds as its example and the arrival value are.
        message.last_moved = int(self.state.clock()) * 1000
        if added:
            self._record(message, "labelsAdded", added)
        if removed:
            self._record(message, "labelsRemoved", removed)

    def trash(self, message: StoredMessage) -> None:
        # Gmail drops SPAM and INBOX when trashing, and restores INBOX on untrash for mail that
        # was received; the sandbox keeps that rule (zoom-api.md 6.2 leaves it open).
        self.modify(message, add=["TRASH"], remove=[label for label in ("SPAM", "INBOX") if message.has_label(label)])

    def untrash(self, message: StoredMessage) -> None:
        restore = [] if message.has_label("SENT") or message.has_label("DRAFT") else ["INBOX"]
        self.modify(message, add=restore, remove=["TRASH"])

    def delete(self, message: StoredMessage) -> None:
        self.messages.pop(message.id, None)
        members = self.threads.get(message.thread_id, [])
        if message.id in members:
            members.remove(message.id)
        if not members:
            self.threads.pop(message.thread_id, None)
        if self.by_rfc_id.get(message.rfc_message_id) == message.id:
            del self.by_rfc_id[message.rfc_message_id]
        self.drop_draft(message)
        self._record(message, "messagesDeleted")

    def thread_messages(self, thread_id: str) -> list[StoredMessage]:
        ids = self.threads.get(thread_id)
        if not ids:
            raise SandboxError(404, NOT_FOUND, f"Thread does not exist: {thread_id}.")
        return [self.messages[mid] for mid in ids]

    # ----- labels -------------------------------------------------------------------------

    def label(self, label_id: str) -> Label:
        label = self.labels.get(label_id)
        if label is None:
            raise SandboxError(404, NOT_FOUND, f"Label does not exist: {label_id}.")
        return label

    def label_by_name(self, name: str) -> Label | None:
        wanted = name.casefold()
        for label in self.labels.values():
            if label.name.casefold() == wanted:
                return label
        return None

    def delete_label(self, label: Label) -> None:
        # Messages survive; only the label goes, as in Gmail.
        for message in list(self.messages.values()):
            if label.id in message.label_ids:
                self.modify(message, remove=[label.id])
        for child in self.labels.values():
            if child.parent_id == label.id:
                child.parent_id = None
        del self.labels[label.id]

    def label_counts(self, label_id: str) -> dict[str, int]:
        messages = [m for m in self.messages.values() if label_id in m.label_ids]
        unread = [m for m in messages if "UNREAD" in m.label_ids]
        return {
            "messagesTotal": len(messages),
            "messagesUnread": len(unread),
            "threadsTotal": len({m.thread_id for m in messages}),
            "threadsUnread": len({m.thread_id for m in unread}),
        }

    # ----- drafts -------------------------------------------------------------------------

    def draft_message(self, draft_id: str) -> StoredMessage:
        message_id = self.drafts.get(draft_id)
        if message_id is None or message_id not in self.messages:
            raise SandboxError(404, NOT_FOUND, f"Draft does not exist: {draft_id}.")
        return self.messages[message_id]

    def drop_draft(self, message: StoredMessage) -> None:
        for draft_id, message_id in list(self.drafts.items()):
            if message_id == message.id:
                del self.drafts[draft_id]

    def replace_raw(self, message: StoredMessage, raw: bytes, rfc_message_id: str) -> None:
        """New content for a message (a draft being sent with headers added)."""
        if self.by_rfc_id.get(message.rfc_message_id) == message.id:
            del self.by_rfc_id[message.rfc_message_id]
        message.raw = raw
        message.rfc_message_id = rfc_message_id
        message._parsed = message._snippet = message._search = None
        if rfc_message_id:
            self.by_rfc_id.setdefault(rfc_message_id, message.id)

    def redate(self, message: StoredMessage, internal_date: int) -> None:
        message.internal_date = internal_date
        self.threads[message.thread_id].sort(key=lambda mid: self.messages[mid].order_key)

    def new_draft_id(self) -> str:
        return "r" + str(int(self._opaque("draft")[:15], 16))

    @property
    def mbox_size(self) -> int:
        return sum(message.size_estimate for message in self.messages.values())


class MailState:
    """All mailboxes of the sandbox account, with page tokens and the clock."""

    def __init__(self, options: MailOptions | None = None, clock: Callable[[], float] = time.time) -> None:
        self.options = options or MailOptions()
        self.clock = clock
        self.mailboxes: dict[str, Mailbox] = {}
        # Seeded messages worth knowing by id (demo mailbox): name -> message id.
        self.notable: dict[str, str] = {}
        self._cursors: dict[str, _Cursor] = {}

    def add_mailbox(self, email: str, display_name: str = "", create_time: int = 0) -> Mailbox:
        mailbox = Mailbox(self, email, display_name, create_time or int(self.clock() * 1000))
        self.mailboxes[email.lower()] = mailbox
        return mailbox

    def mailbox(self, email: str) -> Mailbox | None:
        return self.mailboxes.get(email.lower())

    def counts(self) -> dict[str, int]:
        """Totals for the sandbox's status endpoint."""
        return {
            "mailboxes": len(self.mailboxes),
            "messages": sum(len(box.messages) for box in self.mailboxes.values()),
            "threads": sum(len(box.threads) for box in self.mailboxes.values()),
            "drafts": sum(len(box.drafts) for box in self.mailboxes.values()),
        }

    # ----- page tokens --------------------------------------------------------------------

    def issue_token(self, kind: str, mailbox: Mailbox, after: tuple[Any, ...]) -> str:
        now = self.clock()
        if len(self._cursors) > 1000:  # long benchmark runs: forget tokens nobody can use any more
            self._cursors = {key: c for key, c in self._cursors.items() if c.expires > now}
        token = secrets.token_urlsafe(24)
        expires = now + self.options.page_token_ttl
        self._cursors[token] = _Cursor(kind, mailbox.email.lower(), after, expires)
        return token

    def resolve_token(self, token: str, kind: str, mailbox: Mailbox) -> tuple[Any, ...]:
        cursor = self._cursors.get(token)
        if cursor is None or cursor.kind != kind or cursor.mailbox != mailbox.email.lower():
            raise SandboxError(400, 300, PAGE_TOKEN_MESSAGE)
        if cursor.expires <= self.clock():
            del self._cursors[token]
            raise SandboxError(400, 300, PAGE_TOKEN_MESSAGE)
        return cursor.after

    def expire_page_tokens(self) -> None:
        """Make every outstanding page token stale (tests and the fault controls use this)."""
        for cursor in self._cursors.values():
            cursor.expires = 0


def validation(field_name: str, message: str) -> SandboxError:
    return SandboxError(400, 300, "Validation Failed.", errors=[{"field": field_name, "message": message}])


def addresses(message: StoredMessage | Message, *names: str) -> list[str]:
    parsed = message.parsed if isinstance(message, StoredMessage) else message
    values = [str(value) for name in names for value in parsed.get_all(name, [])]
    return [address.lower() for _, address in getaddresses(values) if address]
