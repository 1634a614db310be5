"""Zoom Mail endpoint handlers: the 41 operations under ``/emails/mailboxes/{email}/...``.

Keys of ``HANDLERS`` are the catalog endpoint strings from zoom-api.md 6.1. The state lives in
``call.state.mail`` (a ``MailState``); ``{email}`` is a mailbox address or ``me``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from zoom_mcp.sandbox import mail_render as render
from zoom_mcp.sandbox import mail_send, mime_tree
from zoom_mcp.sandbox.mail_query import compile_query
from zoom_mcp.sandbox.mail_store import (
    HIDDEN_LABELS,
    HISTORY_TYPES,
    NOT_FOUND,
    Label,
    Mailbox,
    MailState,
    StoredMessage,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Handler, Reply, SandboxError

ROOT = "/emails/mailboxes/{email}"
HANDLERS: dict[str, Handler] = {}

T = TypeVar("T")


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[f"{method} {ROOT}{path}"] = handler
        return handler

    return register


# ----- request helpers ----------------------------------------------------------------------


def _state(call: Call) -> MailState:
    mail: MailState = call.state.mail
    # Follow the sandbox clock when there is one, so a test that advances time also expires
    # mail page tokens and dates new mail in the advanced present.
    clock = getattr(getattr(call.state, "clock", None), "now", None)
    if callable(clock) and mail.clock != clock:
        mail.clock = clock
    return mail


def _mailbox(call: Call) -> Mailbox:
    address = call.path_params.get("email", "me")
    if address == "me":
        address = call.user.email
    mailbox = _state(call).mailbox(address)
    if mailbox is None:
        raise SandboxError(404, 1001, f"User does not exist: {address}.")
    return mailbox


def _body(call: Call) -> dict[str, Any]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise validation("body", "A JSON object is required.")
    return call.body


def _values(query: QueryParams, *names: str) -> list[str]:
    """A repeated query parameter, also accepting comma-separated values."""
    out: list[str] = []
    for name in names:
        for value in query.getlist(name):
            out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _flag(query: QueryParams, name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1", "yes")


def _max_results(query: QueryParams) -> int:
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


def _id_list(body: dict[str, Any], name: str = "ids") -> list[str]:
    ids = body.get(name)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise validation(name, f"{name} must be a non-empty list of ids.")
    if len(ids) > 1000:
        raise validation(name, f"At most 1000 {name} per request.")
    return list(dict.fromkeys(ids))


def _label_list(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise validation(name, f"{name} must be a list of label ids.")
    return value


def _page(
    call: Call, kind: str, mailbox: Mailbox, items: list[T], key: Callable[[T], tuple[Any, ...]], descending: bool
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already sorted) with keyset tokens: nothing skipped or repeated
    even when mail arrives between pages."""
    state = _state(call)
    size = _max_results(call.query)
    token = call.query.get("pageToken")
    if token:
        after = state.resolve_token(token, kind, mailbox)
        items = [item for item in items if (key(item) < after if descending else key(item) > after)]
    page = items[:size]
    next_token = state.issue_token(kind, mailbox, key(page[-1])) if len(items) > size else None
    return page, next_token


def _listing(body: dict[str, Any], key: str, items: list[Any], next_token: str | None, total: int) -> Reply:
    body = {key: items, **body}
    if next_token:
        body["nextPageToken"] = next_token
    body["resultSizeEstimate"] = total
    return Reply(body)


def _matching(call: Call, mailbox: Mailbox, only_drafts: bool = False) -> list[StoredMessage]:
    """Messages passing labelIds, q and includeSpamTrash, newest first."""
    label_ids = mailbox.check_labels(_values(call.query, "labelIds"))
    include_hidden = _flag(call.query, "includeSpamTrash")
    query = compile_query(mailbox, call.query.get("q", ""), int(_state(call).clock() * 1000))
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
    found.sort(key=_message_key, reverse=True)
    return found


def _message_key(message: StoredMessage) -> tuple[int, int]:
    return message.order_key


def _format(call: Call, default: str = "full") -> str:
    return render.check_format(call.query.get("format"), render.MESSAGE_FORMATS, default)


def _metadata_headers(call: Call) -> list[str] | None:
    return _values(call.query, "metadata_headers", "metadataHeaders") or None


def _brief(message: StoredMessage) -> dict[str, Any]:
    return {"id": message.id, "threadId": message.thread_id, "labelIds": list(message.label_ids)}


def _raw_message(body: dict[str, Any]) -> tuple[bytes, str | None]:
    """``{"message": {"raw", "threadId"?}}`` (Gmail's shape) or a top-level ``{"raw"}``: Zoom's
    draft body shape is unconfirmed, so both are accepted."""
    message = body.get("message")
    source = message if isinstance(message, dict) else body
    thread_id = source.get("threadId")
    return mail_send.decode_raw(source.get("raw"), "message.raw" if source is message else "raw"), (
        thread_id if isinstance(thread_id, str) else None
    )


# ----- messages -----------------------------------------------------------------------------


@route("GET", "/messages")
async def list_emails(call: Call) -> Reply:
    mailbox = _mailbox(call)
    found = _matching(call, mailbox)
    page, token = _page(call, "messages", mailbox, found, _message_key, descending=True)
    return _listing({}, "messages", [m.ref() for m in page], token, len(found))


@route("GET", "/messages/{messageId}")
async def get_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = mailbox.get(call.path_params["messageId"])
    return Reply(render.message_resource(mailbox, message, _format(call), _metadata_headers(call)))


@route("POST", "/messages")
async def create_email(call: Call) -> Reply:
    """Insert a message without sending it (IMAP APPEND); ``deleted=true`` files it in TRASH."""
    mailbox = _mailbox(call)
    body = _body(call)
    raw = mail_send.decode_raw(body.get("raw"))
    parsed = mime_tree.parse(raw)
    now_ms = int(_state(call).clock() * 1000)
    if call.query.get("internalDateSource") == "dateHeader":
        now_ms = mail_send.internal_date_from_header(parsed, now_ms)
    if _flag(call.query, "deleted"):
        labels = ["TRASH"]
    else:
        labels = _label_list(body, "labelIds") if "labelIds" in body else ["INBOX", "UNREAD"]
    thread_id = body.get("threadId") if isinstance(body.get("threadId"), str) else None
    message = mailbox.add(
        raw,
        labels,
        now_ms,
        rfc_message_id=mail_send.rfc_id_of(parsed),
        references=mail_send.references_of(parsed),
        thread_id=thread_id,
    )
    return Reply(_brief(message))


@route("POST", "/messages/send")
async def send_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    body = _body(call)
    raw = mail_send.decode_raw(body.get("raw"))
    thread_id = body.get("threadId") if isinstance(body.get("threadId"), str) else None
    message = mail_send.send(_state(call), mailbox, raw, thread_id=thread_id)
    return Reply(_brief(message))


@route("POST", "/messages/{messageId}/modify")
async def update_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = mailbox.get(call.path_params["messageId"])
    body = _body(call)
    mailbox.modify(message, _label_list(body, "addLabelIds"), _label_list(body, "removeLabelIds"))
    return Reply(render.message_resource(mailbox, message, "minimal"))


@route("POST", "/messages/batchModify")
async def batch_modify_emails(call: Call) -> Reply:
    mailbox = _mailbox(call)
    body = _body(call)
    ids = _id_list(body)
    add = mailbox.check_labels(_label_list(body, "addLabelIds"), "addLabelIds")
    remove = mailbox.check_labels(_label_list(body, "removeLabelIds"), "removeLabelIds")
    for message_id in ids:
        message = mailbox.messages.get(message_id)
        if message is not None:
            mailbox.modify(message, add, remove)
    return Reply(None, 204)


@route("POST", "/messages/batchDelete")
async def batch_delete_emails(call: Call) -> Reply:
    mailbox = _mailbox(call)
    for message_id in _id_list(_body(call)):
        message = mailbox.messages.get(message_id)
        if message is not None:
            _remove(mailbox, message)
    return Reply(None, 204)


def _remove(mailbox: Mailbox, message: StoredMessage) -> None:
    if mailbox.state.options.delete_is_permanent:
        mailbox.delete(message)
    else:
        mailbox.trash(message)


@route("POST", "/messages/{messageId}/trash")
async def trash_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = mailbox.get(call.path_params["messageId"])
    mailbox.trash(message)
    return Reply(render.message_resource(mailbox, message, "minimal"))


@route("POST", "/messages/{messageId}/untrash")
async def untrash_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = mailbox.get(call.path_params["messageId"])
    mailbox.untrash(message)
    return Reply(render.message_resource(mailbox, message, "minimal"))


@route("DELETE", "/messages/{messageId}")
async def delete_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    _remove(mailbox, mailbox.get(call.path_params["messageId"]))
    return Reply(None, 204)


@route("GET", "/messages/{messageId}/attachments/{attachmentId}")
async def get_email_attachment(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = mailbox.get(call.path_params["messageId"])
    attachment_id = call.path_params["attachmentId"]
    data = message.attachment(attachment_id)
    if data is None:
        raise SandboxError(404, NOT_FOUND, f"Attachment does not exist: {attachment_id}.")
    return Reply({"attachmentId": attachment_id, "size": len(data), "data": mime_tree.b64url(data)})


# ----- threads ------------------------------------------------------------------------------


def _thread_key(entry: tuple[str, list[StoredMessage]]) -> tuple[int, str]:
    return (max(m.internal_date for m in entry[1]), entry[0])


@route("GET", "/threads")
async def list_email_threads(call: Call) -> Reply:
    mailbox = _mailbox(call)
    threads: dict[str, list[StoredMessage]] = {}
    for message in _matching(call, mailbox):
        threads.setdefault(message.thread_id, []).append(message)
    entries = [(tid, mailbox.thread_messages(tid)) for tid in threads]
    entries.sort(key=_thread_key, reverse=True)
    page, token = _page(call, "threads", mailbox, entries, _thread_key, descending=True)
    items = [render.thread_summary(tid, messages) for tid, messages in page]
    return _listing({}, "threads", items, token, len(entries))


@route("GET", "/threads/{threadId}")
async def get_email_thread(call: Call) -> Reply:
    mailbox = _mailbox(call)
    thread_id = call.path_params["threadId"]
    messages = mailbox.thread_messages(thread_id)
    fmt = _format(call)
    return Reply(render.thread_resource(mailbox, thread_id, messages, fmt, _metadata_headers(call)))


def _thread_reply(mailbox: Mailbox, thread_id: str) -> Reply:
    return Reply(render.thread_resource(mailbox, thread_id, mailbox.thread_messages(thread_id), "minimal"))


@route("POST", "/threads/{threadId}/modify")
async def update_email_thread(call: Call) -> Reply:
    mailbox = _mailbox(call)
    thread_id = call.path_params["threadId"]
    body = _body(call)
    add = mailbox.check_labels(_label_list(body, "addLabelIds"), "addLabelIds")
    remove = mailbox.check_labels(_label_list(body, "removeLabelIds"), "removeLabelIds")
    for message in mailbox.thread_messages(thread_id):
        mailbox.modify(message, add, remove)
    return _thread_reply(mailbox, thread_id)


@route("POST", "/threads/{threadId}/trash")
async def trash_email_thread(call: Call) -> Reply:
    mailbox = _mailbox(call)
    thread_id = call.path_params["threadId"]
    for message in mailbox.thread_messages(thread_id):
        mailbox.trash(message)
    return _thread_reply(mailbox, thread_id)


@route("POST", "/threads/{threadId}/untrash")
async def untrash_email_thread(call: Call) -> Reply:
    mailbox = _mailbox(call)
    thread_id = call.path_params["threadId"]
    for message in mailbox.thread_messages(thread_id):
        mailbox.untrash(message)
    return _thread_reply(mailbox, thread_id)


@route("DELETE", "/threads/{threadId}")
async def delete_email_thread(call: Call) -> Reply:
    mailbox = _mailbox(call)
    for message in mailbox.thread_messages(call.path_params["threadId"]):
        _remove(mailbox, message)
    return Reply(None, 204)


# ----- drafts -------------------------------------------------------------------------------


def _draft_id_of(mailbox: Mailbox, message: StoredMessage) -> str:
    return next(draft_id for draft_id, mid in mailbox.drafts.items() if mid == message.id)


@route("GET", "/drafts")
async def list_draft_emails(call: Call) -> Reply:
    mailbox = _mailbox(call)
    found = _matching(call, mailbox, only_drafts=True)
    page, token = _page(call, "drafts", mailbox, found, _message_key, descending=True)
    items = [render.draft_resource(mailbox, _draft_id_of(mailbox, m), m) for m in page]
    return _listing({}, "drafts", items, token, len(found))


def _store_draft(call: Call, mailbox: Mailbox, body: dict[str, Any]) -> StoredMessage:
    raw, thread_id = _raw_message(body)
    parsed = mime_tree.parse(raw)
    return mailbox.add(
        raw,
        ["DRAFT"],
        int(_state(call).clock() * 1000),
        rfc_message_id=mail_send.rfc_id_of(parsed),
        references=mail_send.references_of(parsed),
        thread_id=thread_id,
    )


def _draft_reply(mailbox: Mailbox, draft_id: str, message: StoredMessage, status: int = 200) -> Reply:
    return Reply({"id": draft_id, "message": _brief(message)}, status)


@route("POST", "/drafts")
async def create_draft_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    message = _store_draft(call, mailbox, _body(call))
    draft_id = mailbox.new_draft_id()
    mailbox.drafts[draft_id] = message.id
    return _draft_reply(mailbox, draft_id, message, 201)


@route("GET", "/drafts/{draftId}")
async def get_draft_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    draft_id = call.path_params["draftId"]
    message = mailbox.draft_message(draft_id)
    return Reply(render.draft_resource(mailbox, draft_id, message, _format(call)))


@route("PUT", "/drafts/{draftId}")
async def update_draft_email(call: Call) -> Reply:
    """Replace the draft's content; like Gmail, the draft keeps its id and gets a new message."""
    mailbox = _mailbox(call)
    draft_id = call.path_params["draftId"]
    old = mailbox.draft_message(draft_id)
    message = _store_draft(call, mailbox, _body(call))
    mailbox.delete(old)
    mailbox.drafts[draft_id] = message.id
    return _draft_reply(mailbox, draft_id, message)


@route("DELETE", "/drafts/{draftId}")
async def delete_draft_email(call: Call) -> Reply:
    mailbox = _mailbox(call)
    mailbox.delete(mailbox.draft_message(call.path_params["draftId"]))
    return Reply(None, 204)


@route("POST", "/drafts/send")
async def send_draft_email(call: Call) -> Reply:
    """Send a draft named by ``{"id": draftId}`` (Gmail's shape; ``draftId`` is also accepted).
    A ``message.raw`` in the same body replaces the content first, as Gmail allows."""
    mailbox = _mailbox(call)
    body = _body(call)
    draft_id = body.get("id") or body.get("draftId")
    if not isinstance(draft_id, str) or not draft_id:
        raise validation("id", "The draft id is required.")
    message = mailbox.draft_message(draft_id)
    raw = message.raw
    if isinstance(body.get("message"), dict) and body["message"].get("raw"):
        raw, _ = _raw_message(body)
    sent = mail_send.send(_state(call), mailbox, raw, draft=message)
    return Reply(_brief(sent))


# ----- labels -------------------------------------------------------------------------------


@route("GET", "/labels")
async def list_labels_in_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    default = mailbox.state.options.label_list_format
    fmt = render.check_format(call.query.get("format"), render.LABEL_FORMATS, default)
    return Reply({"labels": [render.label_resource(mailbox, label, fmt) for label in mailbox.labels.values()]})


@route("GET", "/labels/{labelId}")
async def get_label_in_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    fmt = render.check_format(call.query.get("format"), render.LABEL_FORMATS, "full")
    return Reply(render.label_resource(mailbox, mailbox.label(call.path_params["labelId"]), fmt))


def _check_name(mailbox: Mailbox, name: object, current: Label | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise validation("name", "The label name is required.")
    name = name.strip()
    if len(name) > 225:
        raise validation("name", "The label name must be at most 225 characters.")
    existing = mailbox.label_by_name(name)
    if existing is not None and existing is not current:
        status = mailbox.state.options.duplicate_label_status
        raise SandboxError(status, 300 if status == 400 else 409, f"Label name exists or conflicts: {name}.")
    return name


def _protect(mailbox: Mailbox, label: Label) -> None:
    if label.type == "system" and mailbox.state.options.protect_system_labels:
        raise SandboxError(400, 300, f"Invalid request: system label {label.id} cannot be changed.")


_VISIBILITY = {
    "messageListVisibility": ("show", "hide"),
    "labelListVisibility": ("labelShow", "labelShowIfUnread", "labelHide"),
}


def _apply_label_fields(mailbox: Mailbox, label: Label, body: dict[str, Any], replace: bool) -> None:
    """Set fields from ``body``; with ``replace`` (PUT) absent fields return to defaults."""
    defaults = Label(id=label.id, name=label.name)
    for field_name, allowed in _VISIBILITY.items():
        attr = "message_list_visibility" if field_name.startswith("message") else "label_list_visibility"
        if field_name in body:
            if body[field_name] not in allowed:
                raise validation(field_name, f"Must be one of: {', '.join(allowed)}.")
            setattr(label, attr, body[field_name])
        elif replace:
            setattr(label, attr, getattr(defaults, attr))
    if "color" in body:
        color = body["color"]
        if color is not None and not (
            isinstance(color, dict) and set(color) <= {"textColor", "backgroundColor"} and all(color.values())
        ):
            raise validation("color", "color takes textColor and backgroundColor.")
        label.color = dict(color) if color else None
    elif replace:
        label.color = None
    if "parentId" in body:
        parent_id = body["parentId"]
        if parent_id is not None:
            parent = mailbox.labels.get(parent_id)
            if parent is None or parent.type != "user" or parent.id == label.id:
                raise validation("parentId", f"Invalid parent label: {parent_id}")
        label.parent_id = parent_id
    elif replace:
        label.parent_id = None


@route("POST", "/labels")
async def create_label_in_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    body = _body(call)
    name = _check_name(mailbox, body.get("name"))
    label = Label(id=mailbox.new_label_id(), name=name)
    _apply_label_fields(mailbox, label, body, replace=True)
    mailbox.labels[label.id] = label
    return Reply(render.label_resource(mailbox, label), 201)


@route("PATCH", "/labels/{labelId}")
async def patch_label_in_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    body = _body(call)
    if "name" in body:
        label.name = _check_name(mailbox, body["name"], label)
    _apply_label_fields(mailbox, label, body, replace=False)
    return Reply(render.label_resource(mailbox, label))


@route("PUT", "/labels/{labelId}")
async def update_label_in_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    body = _body(call)
    name = _check_name(mailbox, body.get("name"), label)
    _apply_label_fields(mailbox, label, body, replace=True)
    label.name = name
    return Reply(render.label_resource(mailbox, label))


@route("DELETE", "/labels/{labelId}")
async def delete_label_from_mailbox(call: Call) -> Reply:
    mailbox = _mailbox(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    mailbox.delete_label(label)
    return Reply(None, 204)


# ----- profile and history ------------------------------------------------------------------


@route("GET", "/profile")
async def get_mailbox_profile(call: Call) -> Reply:
    mailbox = _mailbox(call)
    return Reply(
        {
            "emailAddress": mailbox.email,
            "groupEmails": [],
            "createTime": str(mailbox.create_time),
            "status": "active",
            "mboxSize": mailbox.mbox_size,
            "messagesTotal": len(mailbox.messages),
            "threadsTotal": len(mailbox.threads),
            "encryptionEnabled": False,
            "labelEncryptionEnabled": False,
            "historyId": str(mailbox.history_id),
        }
    )


# historyTypes query values -> the record keys they select.
HISTORY_KEYS = {
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}


def _record_matches(record: dict[str, Any], types: set[str], label_id: str | None) -> dict[str, Any] | None:
    keys = {HISTORY_KEYS[kind] for kind in types}
    kept = {key: value for key, value in record.items() if key in keys}
    if not kept:
        return None
    if label_id is not None:
        entries = [entry for value in kept.values() for entry in value]
        touched = (label_id in e["message"]["labelIds"] or label_id in e.get("labelIds", []) for e in entries)
        if not any(touched):
            return None
    return {"id": record["id"], "messages": record["messages"], **kept}


@route("GET", "/history")
async def list_mailbox_history(call: Call) -> Reply:
    mailbox = _mailbox(call)
    start = call.query.get("startHistoryId")
    if not start:
        raise validation("startHistoryId", "startHistoryId is required.")
    if not start.isdigit():
        raise validation("startHistoryId", "startHistoryId must be a number.")
    if int(start) < mailbox.history_floor:
        raise SandboxError(404, NOT_FOUND, f"History is no longer available from id {start}; do a full sync.")
    types = set(_values(call.query, "historyTypes") or HISTORY_TYPES)
    types -= set(_values(call.query, "excludeHistoryTypes"))
    unknown = types - set(HISTORY_TYPES)
    if unknown:
        raise validation("historyTypes", f"Unknown history type: {sorted(unknown)[0]}")
    label_id = call.query.get("labelId") or None
    records = [
        matched
        for record in mailbox.history
        if int(record["id"]) > int(start) and (matched := _record_matches(record, types, label_id)) is not None
    ]
    page, token = _page(call, "history", mailbox, records, lambda r: (int(r["id"]),), descending=False)
    body: dict[str, Any] = {"history": page, "historyId": str(mailbox.history_id)}
    if token:
        body["nextPageToken"] = token
    return Reply(body)


# ----- settings -----------------------------------------------------------------------------

_VACATION_FIELDS: dict[str, type | tuple[type, ...]] = {
    "enableAutoReply": bool,
    "responseSubject": str,
    "responseBodyPlainText": str,
    "responseBodyHtml": str,
    "restrictToContacts": bool,
    "restrictToDomain": bool,
    "startTime": (int, str),
    "endTime": (int, str),
}


@route("GET", "/settings/vacation")
async def get_mail_vacation_response_setting(call: Call) -> Reply:
    return Reply(dict(_mailbox(call).vacation))


@route("PUT", "/settings/vacation")
async def update_mailbox_vacation_response_setting(call: Call) -> Reply:
    mailbox = _mailbox(call)
    body = _body(call)
    setting: dict[str, Any] = {
        "enableAutoReply": False,
        "responseSubject": "",
        "responseBodyPlainText": "",
        "responseBodyHtml": "",
        "restrictToContacts": False,
        "restrictToDomain": False,
    }
    for name, kind in _VACATION_FIELDS.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if not isinstance(value, kind) or (name.endswith("Time") and not str(value).isdigit()):
            raise validation(name, "Invalid value.")
        setting[name] = str(value) if name.endswith("Time") else value
    if "startTime" in setting and "endTime" in setting and int(setting["startTime"]) > int(setting["endTime"]):
        raise validation("endTime", "endTime must not be before startTime.")
    mailbox.vacation = setting
    mailbox.vacation_replied.clear()
    return Reply(dict(setting))


@route("GET", "/settings/delegates")
async def list_mailbox_delegates(call: Call) -> Reply:
    return Reply({"delegates": list(_mailbox(call).delegates.values())})


def _delegate(mailbox: Mailbox, address: str) -> dict[str, str]:
    delegate = mailbox.delegates.get(address.lower())
    if delegate is None:
        raise SandboxError(404, NOT_FOUND, f"Delegate does not exist: {address}.")
    return delegate


@route("GET", "/settings/delegates/{delegateEmail}")
async def get_mailbox_delegate(call: Call) -> Reply:
    return Reply(dict(_delegate(_mailbox(call), call.path_params["delegateEmail"])))


@route("POST", "/settings/delegates")
async def grant_mailbox_delegate(call: Call) -> Reply:
    mailbox = _mailbox(call)
    address = _body(call).get("delegateEmail")
    if not isinstance(address, str) or "@" not in address:
        raise validation("delegateEmail", "A delegate email address is required.")
    target = _state(call).mailbox(address)
    if target is None:
        raise SandboxError(404, 1001, f"User does not exist: {address}.")
    if target is mailbox:
        raise validation("delegateEmail", "A mailbox cannot delegate to itself.")
    if address.lower() in mailbox.delegates:
        raise SandboxError(409, 409, f"Delegate already exists: {address}.")
    delegate = {"delegateEmail": target.email, "verificationStatus": "accepted"}
    mailbox.delegates[address.lower()] = delegate
    return Reply(dict(delegate), 201)


@route("DELETE", "/settings/delegates/{delegateEmail}")
async def revoke_mailbox_delegate(call: Call) -> Reply:
    mailbox = _mailbox(call)
    address = call.path_params["delegateEmail"]
    _delegate(mailbox, address)
    del mailbox.delegates[address.lower()]
    return Reply(None, 204)


@route("GET", "/settings/filters")
async def list_email_filters(call: Call) -> Reply:
    # Gmail's list key is the singular "filter"; Zoom mirrors Gmail's resources.
    return Reply({"filter": list(_mailbox(call).filters.values())})


def _filter(mailbox: Mailbox, filter_id: str) -> dict[str, Any]:
    found = mailbox.filters.get(filter_id)
    if found is None:
        raise SandboxError(404, NOT_FOUND, f"Filter does not exist: {filter_id}.")
    return found


@route("GET", "/settings/filters/{filterId}")
async def get_email_filter(call: Call) -> Reply:
    return Reply(_filter(_mailbox(call), call.path_params["filterId"]))


_CRITERIA = {"from": str, "to": str, "subject": str, "query": str, "negatedQuery": str, "hasAttachment": bool}


def _clean(section: object, name: str, fields: dict[str, type]) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise validation(name, f"{name} is required.")
    out: dict[str, Any] = {}
    for key, value in section.items():
        kind = fields.get(key)
        if kind is None:
            raise validation(f"{name}.{key}", "Unknown field.")
        if not isinstance(value, kind):
            raise validation(f"{name}.{key}", "Invalid value.")
        if value not in ("", [], False):
            out[key] = value
    if not out:
        raise validation(name, f"{name} needs at least one field.")
    return out


@route("POST", "/settings/filters")
async def create_email_filter(call: Call) -> Reply:
    mailbox = _mailbox(call)
    body = _body(call)
    criteria = _clean(body.get("criteria"), "criteria", _CRITERIA)
    action = _clean(body.get("action"), "action", {"addLabelIds": list, "removeLabelIds": list, "forward": str})
    for key in ("addLabelIds", "removeLabelIds"):
        if key in action:
            mailbox.check_labels(_label_list(action, key), f"action.{key}")
    mail_filter = {"id": mailbox.new_filter_id(), "criteria": criteria, "action": action}
    mailbox.filters[mail_filter["id"]] = mail_filter
    return Reply(mail_filter, 201)


@route("DELETE", "/settings/filters/{filterId}")
async def delete_email_filter(call: Call) -> Reply:
    mailbox = _mailbox(call)
    _filter(mailbox, call.path_params["filterId"])
    del mailbox.filters[call.path_params["filterId"]]
    return Reply(None, 204)
