"""What every Zoom Mail handler shares: registration, the mailbox lookup, query and body
parsing, keyset paging and the message filter behind every list endpoint.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from zoom_mcp.sandbox import mail_render as render
from zoom_mcp.sandbox import mail_send
from zoom_mcp.sandbox.mail_query import compile_query
from zoom_mcp.sandbox.mail_store import (
    HIDDEN_LABELS,
    Mailbox,
    MailState,
    StoredMessage,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Handler, Reply, SandboxError

ROOT = "/emails/mailboxes/{email}"

T = TypeVar("T")


class Routes:
    """Collects handlers under the catalog endpoint strings (``"GET {ROOT}/messages"``).

    ``query`` names the query parameters Zoom's document declares for the operation; any other
    name, or one given twice (the document declares every one as a single value; lists travel
    comma-separated), is refused with Zoom's 400 validation error.
    """

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def __call__(self, method: str, path: str, query: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        declared = frozenset(query)

        def register(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def checked(call: Call) -> Reply:
                check_query(call.query, declared)
                return await handler(call)

            self.handlers[f"{method} {ROOT}{path}"] = checked
            return handler

        return register


def check_query(query: QueryParams, declared: frozenset[str]) -> None:
    for name in query:
        if name not in declared:
            raise validation(name, f"Unknown query parameter: {name}.")
        if len(query.getlist(name)) > 1:
            raise validation(name, f"{name} is given more than once; give one value (several comma-separated).")


def mail_state(call: Call) -> MailState:
    mail: MailState = call.state.mail
    # Follow the sandbox clock when there is one, so a test that advances time also expires
    # mail page tokens and dates new mail in the advanced present.
    clock = getattr(getattr(call.state, "clock", None), "now", None)
    if callable(clock) and mail.clock != clock:
        mail.clock = clock
    return mail


def mailbox_of(call: Call) -> Mailbox:
    address = call.path_params.get("email", "me")
    if address == "me":
        address = call.user.email
    mailbox = mail_state(call).mailbox(address)
    if mailbox is None:
        raise SandboxError(404, 1001, f"User does not exist: {address}.")
    return mailbox


def body_of(call: Call) -> dict[str, Any]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise validation("body", "A JSON object is required.")
    return call.body


def query_list(query: QueryParams, name: str) -> list[str]:
    """A comma-separated list parameter (``labelIds=INBOX,UNREAD``); ``check_query`` refused repeats."""
    return [part.strip() for part in query.get(name, "").split(",") if part.strip()]


def query_flag(query: QueryParams, name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1", "yes")


def max_results(query: QueryParams) -> int:
    value = query.get("maxResults")
    if value is None or value == "":
        return 50
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 500:
        raise validation("maxResults", "maxResults must be between 1 and 500.")
    return number


def id_list(body: dict[str, Any], name: str = "ids") -> list[str]:
    ids = body.get(name)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise validation(name, f"{name} must be a non-empty list of ids.")
    if len(ids) > 1000:
        raise validation(name, f"At most 1000 {name} per request.")
    return list(dict.fromkeys(ids))


def label_list(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise validation(name, f"{name} must be a list of label ids.")
    return value


def paginate(
    call: Call, kind: str, mailbox: Mailbox, items: list[T], key: Callable[[T], tuple[Any, ...]], descending: bool
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already sorted) with keyset tokens: nothing skipped or repeated
    even when mail arrives between pages."""
    state = mail_state(call)
    size = max_results(call.query)
    token = call.query.get("pageToken")
    if token:
        after = state.resolve_token(token, kind, mailbox)
        items = [item for item in items if (key(item) < after if descending else key(item) > after)]
    page = items[:size]
    next_token = state.issue_token(kind, mailbox, key(page[-1])) if len(items) > size else None
    return page, next_token


def listing(key: str, items: list[Any], next_token: str | None, total: int) -> Reply:
    """A list response: ``{<key>: [...], nextPageToken?, resultSizeEstimate}``."""
    body: dict[str, Any] = {key: items}
    if next_token:
        body["nextPageToken"] = next_token
    body["resultSizeEstimate"] = total
    return Reply(body)


def matching(call: Call, mailbox: Mailbox, only_drafts: bool = False) -> list[StoredMessage]:
    """Messages passing labelIds, q and includeSpamTrash, newest first."""
    label_ids = mailbox.check_labels(query_list(call.query, "labelIds"))
    include_hidden = query_flag(call.query, "includeSpamTrash")
    query = compile_query(mailbox, call.query.get("q", ""), int(mail_state(call).clock() * 1000))
    revealed = set(query.reveals)
    if mailbox.state.options.label_filter_reveals_spam_trash:
        revealed |= set(label_ids)
    draft_ids = set(mailbox.drafts.values()) if only_drafts else None

    def visible(message: StoredMessage) -> bool:
        if draft_ids is not None and message.id not in draft_ids:
            return False
        if not include_hidden and any(lab in HIDDEN_LABELS and lab not in revealed for lab in message.label_ids):
            return False
        return all(lab in message.label_ids for lab in label_ids) and query.predicate(message)

    found = [message for message in mailbox.messages.values() if visible(message)]
    found.sort(key=message_key, reverse=True)
    return found


def message_key(message: StoredMessage) -> tuple[int, int]:
    return message.order_key


def message_format(call: Call, default: str = "full") -> str:
    return render.check_format(call.query.get("format"), render.MESSAGE_FORMATS, default)


def metadata_headers(call: Call) -> list[str] | None:
    return query_list(call.query, "metadataHeaders") or None


brief = render.brief


def raw_message(body: dict[str, Any]) -> bytes:
    """A draft body's ``{"message": {"raw"}}``, the only shape Zoom's document gives; replies are
    threaded by their In-Reply-To and References headers (the document has no threadId field)."""
    message = body.get("message")
    if not isinstance(message, dict):
        raise validation("message", 'message is required: {"message": {"raw": ...}}.')
    return mail_send.decode_raw(message.get("raw"), "message.raw")
