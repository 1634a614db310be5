"""Zoom Mail messages, attachments and threads: list, read, insert, send, label changes, trash, delete."""

from __future__ import annotations

from zoom_mcp.sandbox import mail_render as render
from zoom_mcp.sandbox import mail_send, mime_tree
from zoom_mcp.sandbox.mail_common import (
    Routes,
    body_of,
    brief,
    id_list,
    label_list,
    listing,
    mail_state,
    mailbox_of,
    matching,
    max_results,
    message_format,
    message_key,
    metadata_headers,
    paginate,
    query_flag,
)
from zoom_mcp.sandbox.mail_store import (
    NOT_FOUND,
    Mailbox,
    StoredMessage,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError

route = Routes()
HANDLERS = route.handlers

# ----- messages -----------------------------------------------------------------------------


@route("GET", "/messages", query=("maxResults", "pageToken", "labelIds", "q", "includeSpamTrash"))
async def list_emails(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    found = matching(call, mailbox)
    page, token = paginate(call, "messages", mailbox, found, message_key, descending=True)
    return listing("messages", [m.ref() for m in page], token, len(found))


@route("GET", "/messages/{messageId}", query=("format", "metadataHeaders"))
async def get_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    message = mailbox.get(call.path_params["messageId"])
    return Reply(render.message_resource(mailbox, message, message_format(call), metadata_headers(call)))


@route("POST", "/messages", query=("deleted",))
async def create_email(call: Call) -> Reply:
    """Insert a message without sending it (IMAP APPEND); ``deleted=true`` files it in TRASH."""
    mailbox = mailbox_of(call)
    body = body_of(call)
    raw = mail_send.decode_raw(body.get("raw"))
    parsed = mime_tree.parse(raw)
    now_ms = int(mail_state(call).clock() * 1000)
    if query_flag(call.query, "deleted"):
        labels = ["TRASH"]
    else:
        labels = label_list(body, "labelIds") if "labelIds" in body else ["INBOX", "UNREAD"]
    message = mailbox.add(
        raw,
        labels,
        now_ms,
        rfc_message_id=mail_send.rfc_id_of(parsed),
        references=mail_send.references_of(parsed),
    )
    return Reply(brief(message))


@route("POST", "/messages/send")
async def send_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    body = body_of(call)
    raw = mail_send.decode_raw(body.get("raw"))
    message = mail_send.send(mail_state(call), mailbox, raw)
    return Reply(brief(message))


@route("POST", "/messages/{messageId}/modify")
async def update_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    message = mailbox.get(call.path_params["messageId"])
    body = body_of(call)
    mailbox.modify(message, label_list(body, "addLabelIds"), label_list(body, "removeLabelIds"))
    return Reply(render.brief(message))


@route("POST", "/messages/batchModify")
async def batch_modify_emails(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    body = body_of(call)
    ids = id_list(body)
    add = mailbox.check_labels(label_list(body, "addLabelIds"), "addLabelIds")
    remove = mailbox.check_labels(label_list(body, "removeLabelIds"), "removeLabelIds")
    for message_id in ids:
        message = mailbox.messages.get(message_id)
        if message is not None:
            mailbox.modify(message, add, remove)
    return Reply(None, 204)


@route("POST", "/messages/batchDelete")
async def batch_delete_emails(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    for message_id in id_list(body_of(call)):
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
    mailbox = mailbox_of(call)
    message = mailbox.get(call.path_params["messageId"])
    mailbox.trash(message)
    return Reply(render.brief(message))


@route("POST", "/messages/{messageId}/untrash")
async def untrash_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    message = mailbox.get(call.path_params["messageId"])
    mailbox.untrash(message)
    return Reply(render.brief(message))


@route("DELETE", "/messages/{messageId}")
async def delete_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    _remove(mailbox, mailbox.get(call.path_params["messageId"]))
    return Reply(None, 204)


@route("GET", "/messages/{messageId}/attachments/{attachmentId}")
async def get_email_attachment(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    message = mailbox.get(call.path_params["messageId"])
    attachment_id = call.path_params["attachmentId"]
    data = message.attachment(attachment_id)
    if data is None:
        raise SandboxError(404, NOT_FOUND, f"Attachment does not exist: {attachment_id}.")
    return Reply({"attachmentId": attachment_id, "size": len(data), "data": mime_tree.b64url(data)})


# ----- threads ------------------------------------------------------------------------------


def _thread_key(entry: tuple[str, list[StoredMessage]]) -> tuple[int, str]:
    return (max(m.internal_date for m in entry[1]), entry[0])


@route("GET", "/threads", query=("includeSpamTrash", "labelIds", "maxResults", "pageToken", "q"))
async def list_email_threads(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    threads: dict[str, list[StoredMessage]] = {}
    for message in matching(call, mailbox):
        threads.setdefault(message.thread_id, []).append(message)
    entries = [(tid, mailbox.thread_messages(tid)) for tid in threads]
    entries.sort(key=_thread_key, reverse=True)
    page, token = paginate(call, "threads", mailbox, entries, _thread_key, descending=True)
    items = [render.thread_summary(tid, messages) for tid, messages in page]
    return listing("threads", items, token, len(entries))


@route("GET", "/threads/{threadId}", query=("format", "metadataHeaders", "maxResults", "pageToken"))
async def get_email_thread(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    thread_id = call.path_params["threadId"]
    # Zoom serves the first maxResults messages (default 50, at most 500) and no next-page token.
    messages = mailbox.thread_messages(thread_id)[: max_results(call.query)]
    fmt = message_format(call)
    return Reply(render.thread_resource(mailbox, thread_id, messages, fmt, metadata_headers(call)))


def _thread_reply(mailbox: Mailbox, thread_id: str) -> Reply:
    return Reply(render.thread_change(thread_id, mailbox.thread_messages(thread_id)))


@route("POST", "/threads/{threadId}/modify")
async def update_email_thread(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    thread_id = call.path_params["threadId"]
    body = body_of(call)
    add = mailbox.check_labels(label_list(body, "addLabelIds"), "addLabelIds")
    remove = mailbox.check_labels(label_list(body, "removeLabelIds"), "removeLabelIds")
    for message in mailbox.thread_messages(thread_id):
        mailbox.modify(message, add, remove)
    return _thread_reply(mailbox, thread_id)


@route("POST", "/threads/{threadId}/trash")
async def trash_email_thread(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    thread_id = call.path_params["threadId"]
    for message in mailbox.thread_messages(thread_id):
        mailbox.trash(message)
    return _thread_reply(mailbox, thread_id)


@route("POST", "/threads/{threadId}/untrash")
async def untrash_email_thread(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    thread_id = call.path_params["threadId"]
    for message in mailbox.thread_messages(thread_id):
        mailbox.untrash(message)
    return _thread_reply(mailbox, thread_id)


@route("DELETE", "/threads/{threadId}")
async def delete_email_thread(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    for message in mailbox.thread_messages(call.path_params["threadId"]):
        _remove(mailbox, message)
    return Reply(None, 204)
