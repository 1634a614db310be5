"""Zoom Mail encode and decode hooks.

Encode: compose fields -> RFC 2822 ``raw`` (send, insert, drafts); read/starred/archive/move
flags -> label changes (message, thread and batch modify). Decode: Zoom's Gmail-style message
resources -> short readable views, list rows enriched with a metadata fetch per id, and
attachment downloads as embedded resources or saved files.

The input models live in ``zoom_mcp.tools``; this module reads them by attribute name and
imports them only for type checking, because the tool modules import these hooks.
"""

from __future__ import annotations

import base64
import html as html_lib
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast
from urllib.parse import quote

import anyio
from mcp import types

from zoom_mcp.catalog import Request, ToolInput, ToolSpec, path_segment
from zoom_mcp.codecs.mail_cache import metadata_for
from zoom_mcp.codecs.mime import (
    ENCRYPTED_NOTE,
    Attachment,
    ReplyContext,
    b64url_decode,
    build_message,
    encode_raw,
    header_map,
    html_excerpt,
    is_encrypted,
    read_payload,
    readable_date,
    truncate,
)
from zoom_mcp.codecs.uploads import read_upload, resolve_upload
from zoom_mcp.engine.results import ToolResult
from zoom_mcp.engine.shaping import delimit, new_nonce
from zoom_mcp.engine.text_format import defuse_delimiters, render
from zoom_mcp.errors import ToolUsageError, ZoomAPIError

if TYPE_CHECKING:
    from zoom_mcp.catalog import CallContext

INBOX = "INBOX"
UNREAD = "UNREAD"
STARRED = "STARRED"
IMPORTANT = "IMPORTANT"
# X-Zoom-Encryption (with the subject) tells an encrypted envelope from mail with attachments.
LIST_HEADERS = "From,To,Subject,Date,X-Zoom-Encryption"
# What a headers-only read shows: who, when, what, and where a reply goes.
READ_HEADERS = "From,To,Cc,Reply-To,Subject,Date,X-Zoom-Encryption"
REPLY_HEADERS = "Subject,Message-ID,References"
# The most messages Zoom serves of one thread (its document's maximum for maxResults).
THREAD_MAX = 500
# User label names are looked up when a result shows a label id the last lookup did not name or
# after this server writes a label, else at most this often, so a rename made in another app
# shows within it: in practice one lookup per mailbox in a session.
LABEL_CACHE_SECONDS = 3600.0
# Zoom's code for a token without the scope an endpoint needs.
SCOPE_ERROR = 4711
_SYSTEM_LABELS = frozenset({"INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT", "CHAT"})
# A thread shows several messages at once, so each body gets a smaller share of the budget.
THREAD_BODY_CHARS = 2_000
# Text attachments are inlined as text only for types a model can read as such.
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv", "message/rfc822")

_MAILBOX_ROOT = re.compile(r"^(.*?/emails/mailboxes/[^/]+)")


def _mailbox_root(ctx: CallContext, args: ToolInput) -> str:
    """``/emails/mailboxes/<email>`` as the executor fills it for this call."""
    path = ctx.default_request(args).path
    match = _MAILBOX_ROOT.match(path)
    if match is None:  # every mail endpoint lives under this root; anything else is a catalog bug
        raise RuntimeError(f"not a mailbox path: {path}")
    return match.group(1)


def _mailbox(args: ToolInput | ComposeFields, ctx: CallContext) -> str:
    return getattr(args, "mailbox", None) or ctx.settings.default_mailbox


def _segment(value: str) -> str:
    # Ids are data, never path: one segment each, by the executor's own rule.
    return path_segment(value)


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if value not in (None, "", [], {})}


# ---- encode: fixed query -----------------------------------------------------------------------


def with_query(**fixed: str | int) -> Callable[[ToolSpec, ToolInput, CallContext], Request]:
    """An encode hook adding fixed query parameters (``format=full``) the model need not choose."""

    def encode(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
        request = ctx.default_request(args)
        return replace(request, query={**request.query, **fixed})

    return encode


def read_query(header_names: bool = True, **fixed: str | int) -> Callable[[ToolSpec, ToolInput, CallContext], Request]:
    """Encode hook of the read views: ``format=full``, or with ``headers_only`` ``format=metadata``
    (with ``metadataHeaders`` where the operation takes it; the draft read does not)."""

    def encode(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
        request = ctx.default_request(args)
        query: dict[str, str | int] = {"format": "full"}
        if getattr(args, "headers_only", None):
            query = {"format": "metadata", **({"metadataHeaders": READ_HEADERS} if header_names else {})}
        return replace(request, query={**request.query, **query, **fixed})

    return encode


# ---- encode: compose ---------------------------------------------------------------------------


async def load_attachments(paths: Iterable[str], upload_dir: Path | None) -> list[Attachment]:
    """Read files named relative to the upload folder; nothing outside it is ever read."""
    out: list[Attachment] = []
    for relative in paths:
        path = resolve_upload(upload_dir, relative)
        content = await anyio.to_thread.run_sync(read_upload, path)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        out.append(Attachment(filename=path.name, content=content, mime_type=mime_type))
    return out


async def _reply_context(ctx: CallContext, root: str, message_id: str) -> ReplyContext:
    original = await ctx.send(
        Request(
            method="GET",
            path=f"{root}/messages/{_segment(message_id)}",
            query={"format": "metadata", "metadataHeaders": REPLY_HEADERS},
        )
    )
    headers = header_map(((original or {}).get("payload") or {}).get("headers"))
    return ReplyContext(
        message_id=headers.get("message-id"),
        references=headers.get("references"),
        subject=headers.get("subject"),
    )


class ComposeFields(Protocol):
    """What composing reads of a send or draft input (the tools' ``ComposeInput``)."""

    mailbox: str | None
    to: list[str] | None
    cc: list[str] | None
    bcc: list[str] | None
    subject: str | None
    text: str | None
    html: str | None
    in_reply_to: str | None
    attachments: list[str] | None


async def _compose_raw(args: ComposeFields, ctx: CallContext, root: str) -> str:
    # Local files first: a bad path should fail before anything is asked of Zoom.
    attachments = await load_attachments(args.attachments or (), ctx.settings.upload_dir)
    reply: ReplyContext | None = None
    if args.in_reply_to:
        reply = await _reply_context(ctx, root, args.in_reply_to)
    mailbox = _mailbox(args, ctx)
    # "me" is not an address: leave From to the server, which knows the authenticated mailbox.
    sender = getattr(args, "sender", None) or (mailbox if "@" in mailbox else None)
    message = build_message(
        to=args.to or (),
        cc=args.cc or (),
        bcc=args.bcc or (),
        subject=args.subject,
        text=args.text,
        html=args.html,
        sender=sender,
        reply=reply,
        attachments=attachments,
    )
    return encode_raw(message)


def compose_encoder(
    shape: Literal["message", "draft"],
) -> Callable[[ToolSpec, ToolInput, CallContext], Awaitable[Request]]:
    """Encode hook for send / insert (``{"raw"}``) and draft create / update (``{"message": {"raw"}}``),
    the shapes of Zoom's document. None of them has a thread field: a reply joins its original's
    thread by the In-Reply-To and References headers the raw message carries."""

    async def encode(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
        request = ctx.default_request(args)
        compose = cast("ComposeFields", args)
        message: dict[str, Any] = {"raw": await _compose_raw(compose, ctx, _mailbox_root(ctx, args))}
        label_ids = getattr(args, "label_ids", None)
        if label_ids:
            message["labelIds"] = label_ids
        body = {"message": message} if shape == "draft" else message
        return replace(request, json=body)

    return encode


# ---- encode: label changes ---------------------------------------------------------------------


class LabelFlags(Protocol):
    """The flags a label-change input carries (the tools' ``LabelChangeInput``)."""

    read: bool | None
    starred: bool | None
    important: bool | None
    archive: bool | None
    move_to: str | None
    add_label_ids: list[str] | None
    remove_label_ids: list[str] | None


def label_changes(args: LabelFlags) -> tuple[list[str], list[str]]:
    """Model-facing flags -> (labels to add, labels to remove).

    read removes/adds UNREAD; starred and important toggle their labels; archive=true leaves
    the inbox (false returns to it); move_to adds a label and leaves the inbox.
    """
    add: list[str] = list(args.add_label_ids or [])
    remove: list[str] = list(args.remove_label_ids or [])
    if args.read is not None:
        (remove if args.read else add).append(UNREAD)
    if args.starred is not None:
        (add if args.starred else remove).append(STARRED)
    if args.important is not None:
        (add if args.important else remove).append(IMPORTANT)
    if args.archive is not None:
        (remove if args.archive else add).append(INBOX)
    if args.move_to:
        add.append(args.move_to)
        if args.move_to != INBOX:
            remove.append(INBOX)
    add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    if not add and not remove:
        raise ToolUsageError(
            "Nothing to change: give read, starred, important, archive, move_to, add_label_ids or remove_label_ids."
        )
    clash = sorted(set(add) & set(remove))
    if clash:
        raise ToolUsageError(f"Conflicting changes: {', '.join(clash)} would be both added and removed.")
    return add, remove


def encode_label_changes(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """Encode hook for message / thread modify and batch modify (``ids`` travels as a body field)."""
    request = ctx.default_request(args)
    add, remove = label_changes(cast("LabelFlags", args))
    body: dict[str, Any] = dict(request.json or {})
    if add:
        body["addLabelIds"] = add
    if remove:
        body["removeLabelIds"] = remove
    return replace(request, json=body)


def encode_label_write(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """Create and replace: Zoom's document requires ``parentId``, with "" for a top-level label."""
    request = ctx.default_request(args)
    return replace(request, json={"parentId": "", **(request.json or {})})


async def encode_label_patch(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """Patch: the document requires ``name`` and ``parentId`` even here, so the label's current
    values fill whichever the model left out (one read of the label)."""
    request = ctx.default_request(args)
    body: dict[str, Any] = dict(request.json or {})
    if "name" not in body or "parentId" not in body:
        current = await ctx.send(Request(method="GET", path=request.path)) or {}
        body.setdefault("name", current.get("name", ""))
        body.setdefault("parentId", current.get("parentId") or "")
    return replace(request, json=body)


def encode_filter(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """Flat filter fields -> ``{"criteria": {...}, "action": {...}}`` (Gmail's filter shape)."""
    request = ctx.default_request(args)
    criteria = {
        "from": getattr(args, "sender", None),
        "to": getattr(args, "recipient", None),
        "subject": getattr(args, "subject", None),
        "query": getattr(args, "query", None),
        "hasAttachment": getattr(args, "has_attachment", None),
    }
    action = {
        "addLabelIds": getattr(args, "add_label_ids", None),
        "removeLabelIds": getattr(args, "remove_label_ids", None),
        "forward": getattr(args, "forward", None),
    }
    return replace(request, json={"criteria": _compact(criteria), "action": _compact(action)})


# ---- decode: messages --------------------------------------------------------------------------


def message_view(data: Mapping[str, Any], body_chars: int) -> dict[str, Any]:
    """A full message resource as a model reads it: headers, body text, attachment list."""
    payload = data.get("payload") or {}
    headers = header_map(payload.get("headers"))
    view: dict[str, Any] = {
        "id": data.get("id"),
        "thread_id": _other(data.get("threadId"), data.get("id")),
        "labels": data.get("labelIds"),
        "from": headers.get("from"),
        # Replies go here rather than to From; reply-all also needs the original's Cc.
        "reply_to": headers.get("reply-to"),
        "to": headers.get("to"),
        "cc": headers.get("cc"),
        "date": readable_date(data.get("internalDate"), headers.get("date")),
        "subject": headers.get("subject"),
    }
    content = read_payload(payload)
    if content.encrypted:
        view["encrypted"] = ENCRYPTED_NOTE
        return _compact(view)
    if content.text is not None and content.text.strip():
        view["body"] = truncate(content.text.strip(), body_chars)
    elif content.html is not None:
        view["body"] = html_excerpt(content.html, body_chars)
    else:
        view["body"] = truncate(html_lib.unescape(data.get("snippet") or ""), body_chars)
    view["attachments"] = [_compact(item) for item in content.attachments]
    view["parts"] = [_compact(item) for item in content.inline_parts]
    return _compact(view)


async def decode_message(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    return await with_label_names(message_view(data or {}, ctx.settings.mail_body_chars), args, ctx)


async def decode_draft(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    data = data or {}
    view = message_view(data.get("message") or {}, ctx.settings.mail_body_chars)
    return await with_label_names({"draft_id": data.get("id"), **view}, args, ctx)


async def decode_thread(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    data = data or {}
    limit = min(THREAD_BODY_CHARS, ctx.settings.mail_body_chars)
    messages = []
    for message in data.get("messages") or []:
        view = message_view(message, limit)
        view.pop("thread_id", None)
        messages.append(view)
    out: dict[str, Any] = {"id": data.get("id"), "messages": messages}
    if len(messages) >= THREAD_MAX:
        # Zoom answers a thread with its first THREAD_MAX messages and no way to ask for more.
        out["more"] = f"Zoom returns a conversation's first {THREAD_MAX} messages; later ones are not shown."
    return await with_label_names(out, args, ctx)


async def decode_label_state(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    """After modify / trash / untrash: the labels each message now has, not the whole resource."""
    data = data or {}
    if "messages" in data:  # a thread
        messages = [_compact({"id": m.get("id"), "labels": m.get("labelIds")}) for m in data.get("messages") or []]
        out = _compact({"id": data.get("id"), "messages": messages})
    else:
        out = _compact({"id": data.get("id"), "thread_id": data.get("threadId"), "labels": data.get("labelIds")})
    return await with_label_names(out, args, ctx)


# ---- label names -------------------------------------------------------------------------------

# (settings identity, mailbox root) -> (the settings, when fetched, id -> name). Holding the settings
# object keeps its id from being reused by another executor's while the entry lives.
_label_cache: dict[tuple[int, str], tuple[Any, float, dict[str, str]]] = {}
_LABEL_CACHE_ENTRIES = 256


def _is_system_label(label_id: str) -> bool:
    return label_id in _SYSTEM_LABELS or label_id.startswith("CATEGORY_")


def _label_lists(node: Any) -> Iterable[list[Any]]:
    """Every ``labels`` list in a decoded result, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "labels" and isinstance(value, list):
                yield value
            else:
                yield from _label_lists(value)
    elif isinstance(node, list):
        for item in node:
            yield from _label_lists(item)


async def _label_map(ctx: CallContext, root: str, wanted: set[str]) -> dict[str, str]:
    key = (id(ctx.settings), root)
    now = time.monotonic()
    cached = _label_cache.get(key)
    fresh = cached is not None and cached[0] is ctx.settings and now - cached[1] < LABEL_CACHE_SECONDS
    # A label unknown to the cache is new: look again.
    if cached is not None and fresh and wanted <= cached[2].keys():
        return cached[2]
    data = await ctx.send(Request(method="GET", path=f"{root}/labels", query={"format": "minimal"}))
    names = {str(label["id"]): str(label.get("name") or label["id"]) for label in (data or {}).get("labels") or []}
    # An id the list does not hold (a label this token cannot see) keeps showing as its id,
    # without a lookup on every result.
    names.update((label, label) for label in wanted - names.keys())
    if len(_label_cache) >= _LABEL_CACHE_ENTRIES:
        _label_cache.pop(next(iter(_label_cache)))
    _label_cache[key] = (ctx.settings, now, names)
    return names


async def forget_label_names(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    """Decode hook of label writes: the next result looks the names up afresh."""
    _label_cache.pop((id(ctx.settings), _mailbox_root(ctx, args)), None)
    return data


async def with_label_names(out: dict[str, Any], args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    """User labels by name (``Projects/Atlas``, not ``Label_3``); system labels keep their ids.

    One label lookup per mailbox, made again only for an id it did not name (see
    ``LABEL_CACHE_SECONDS``); system labels need none. Without the scope to read labels the ids
    stay and the result says which scope shows the names.
    """
    lists = list(_label_lists(out))
    wanted = {str(label) for labels in lists for label in labels if not _is_system_label(str(label))}
    if not wanted:
        return out
    try:
        names = await _label_map(ctx, _mailbox_root(ctx, args), wanted)
    except ZoomAPIError as error:
        scope = "email:read:list_labels (or mail:read)"
        reason = f"add scope {scope} to see them" if error.code == SCOPE_ERROR else error.message
        return {**out, "label_names": f"user labels shown by id: {reason}"}
    for labels in lists:
        labels[:] = [names.get(str(label), label) for label in labels]
    return out


def _other(value: Any, same_as: Any) -> Any:
    """``value`` unless it only repeats ``same_as``."""
    return None if value == same_as else value


def _has_attachment(payload: Mapping[str, Any]) -> bool:
    parts = payload.get("parts") or []
    if parts:
        return any(part.get("filename") or _has_attachment(part) for part in parts)
    # Metadata responses may omit the parts; multipart/mixed is how mail carries attachments.
    return str(payload.get("mimeType", "")).lower() == "multipart/mixed"


def message_row(meta: Mapping[str, Any]) -> dict[str, Any]:
    """One list row from a ``format=metadata`` message."""
    payload = meta.get("payload") or {}
    headers = header_map(payload.get("headers"))
    labels = list(meta.get("labelIds") or [])
    row: dict[str, Any] = {
        "id": meta.get("id"),
        # A conversation's id is its first message's id; repeating it on every row costs tokens.
        "thread_id": _other(meta.get("threadId"), meta.get("id")),
        "from": headers.get("from"),
        "subject": headers.get("subject"),
        "date": readable_date(meta.get("internalDate"), headers.get("date")),
        "snippet": html_lib.unescape(meta.get("snippet") or ""),
        "labels": labels,
    }
    if UNREAD in labels:
        row["unread"] = True
    if is_encrypted(payload):
        row["encrypted"] = True
    elif _has_attachment(payload):
        row["attachment"] = True
    return _compact(row)


def _failed(error: ZoomAPIError, scope: str, **keep: Any) -> dict[str, Any]:
    # The row stays (with its id) so a failed detail fetch never hides a listed item; a missing
    # scope is named, so the fix is plain.
    reason = f"add scope {scope}" if error.code == SCOPE_ERROR else error.message
    return _compact({**keep, "error": f"details unavailable: {reason}"})


async def _fetch_all(ctx: CallContext, requests: list[Request]) -> list[Any]:
    return await ctx.send_many(requests) if requests else []


async def decode_message_list(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    """Zoom lists only ids; each row is filled from a metadata fetch (failures keep the id)."""
    listed = (data or {}).get("messages") or []
    root = _mailbox_root(ctx, args)
    query = {"format": "metadata", "metadataHeaders": LIST_HEADERS}

    async def fetch(ids: list[str]) -> list[Any]:
        return await _fetch_all(
            ctx, [Request(method="GET", path=f"{root}/messages/{_segment(i)}", query=query) for i in ids]
        )

    # Rows already seen cost nothing beyond one history request that keeps their labels current.
    results = await metadata_for(ctx, root, [str(item["id"]) for item in listed], fetch)
    rows = []
    for item, result in zip(listed, results, strict=True):
        if isinstance(result, ZoomAPIError):
            rows.append(_failed(result, "email:read:msg", id=item.get("id"), thread_id=item.get("threadId")))
        else:
            rows.append(message_row(result or item))
    return await with_label_names(_with_estimate({"messages": rows}, data), args, ctx)


def _participant(value: str) -> list[str]:
    return [name or address for name, address in getaddresses([value]) if name or address]


def thread_row(thread: Mapping[str, Any], listed: Mapping[str, Any]) -> dict[str, Any]:
    """One list row from a ``format=metadata`` thread: subject, who, last date, how many."""
    messages = thread.get("messages") or []
    if not messages:
        return _compact({"id": listed.get("id"), "snippet": html_lib.unescape(listed.get("snippet") or "")})
    first = header_map((messages[0].get("payload") or {}).get("headers"))
    last_message = messages[-1]
    last = header_map((last_message.get("payload") or {}).get("headers"))
    participants: list[str] = []
    labels: list[str] = []
    encrypted = False
    for message in messages:
        encrypted = encrypted or is_encrypted(message.get("payload"))
        sender = header_map((message.get("payload") or {}).get("headers")).get("from")
        participants.extend(_participant(sender) if sender else [])
        labels.extend(message.get("labelIds") or [])
    row: dict[str, Any] = {
        "id": thread.get("id") or listed.get("id"),
        "subject": first.get("subject"),
        "participants": list(dict.fromkeys(participants)),
        "date": readable_date(last_message.get("internalDate"), last.get("date")),
        "messages": len(messages),
        "snippet": html_lib.unescape(last_message.get("snippet") or listed.get("snippet") or ""),
        "labels": list(dict.fromkeys(label for label in labels if label != UNREAD)),
    }
    if UNREAD in labels:
        row["unread"] = True
    if encrypted:
        row["encrypted"] = True
    return _compact(row)


async def decode_thread_list(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    listed = (data or {}).get("threads") or []
    root = _mailbox_root(ctx, args)
    query = {"format": "metadata", "metadataHeaders": LIST_HEADERS}
    results = await _fetch_all(
        ctx, [Request(method="GET", path=f"{root}/threads/{_segment(item['id'])}", query=query) for item in listed]
    )
    rows = []
    for item, result in zip(listed, results, strict=True):
        if isinstance(result, ZoomAPIError):
            snippet = html_lib.unescape(item.get("snippet") or "")
            rows.append(_failed(result, "email:read:thread", id=item.get("id"), snippet=snippet))
        else:
            rows.append(thread_row(result or {}, item))
    return await with_label_names(_with_estimate({"threads": rows}, data), args, ctx)


def draft_row(draft: Mapping[str, Any]) -> dict[str, Any]:
    message = draft.get("message") or {}
    headers = header_map((message.get("payload") or {}).get("headers"))
    return _compact(
        {
            "id": draft.get("id"),
            "message_id": message.get("id"),
            "to": headers.get("to"),
            "subject": headers.get("subject"),
            "date": readable_date(message.get("internalDate"), headers.get("date")),
            "snippet": html_lib.unescape(message.get("snippet") or ""),
        }
    )


async def decode_draft_list(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    listed = (data or {}).get("drafts") or []
    root = _mailbox_root(ctx, args)
    # The draft read takes no metadataHeaders: it answers every header.
    query = {"format": "metadata"}
    results = await _fetch_all(
        ctx, [Request(method="GET", path=f"{root}/drafts/{_segment(item['id'])}", query=query) for item in listed]
    )
    rows = []
    for item, result in zip(listed, results, strict=True):
        if isinstance(result, ZoomAPIError):
            message_id = (item.get("message") or {}).get("id")
            rows.append(_failed(result, "email:read:draft", id=item.get("id"), message_id=message_id))
        else:
            rows.append(draft_row(result or item))
    return _with_estimate({"drafts": rows}, data)


def _with_estimate(out: dict[str, Any], data: Any) -> dict[str, Any]:
    estimate = (data or {}).get("resultSizeEstimate")
    if estimate is not None:
        out["result_size_estimate"] = estimate
    return out


async def decode_labels(data: Any, args: ToolInput, ctx: CallContext) -> dict[str, Any]:
    """Labels as folders: id, name, kind and counts, without display settings."""
    rows = []
    for label in (data or {}).get("labels") or []:
        rows.append(
            _compact(
                {
                    "id": label.get("id"),
                    "name": label.get("name"),
                    "type": label.get("type"),
                    "parent_id": label.get("parentId"),
                    "messages": label.get("messagesTotal"),
                    "unread": label.get("messagesUnread"),
                }
            )
        )
    return {"labels": rows}


# ---- decode: attachments -----------------------------------------------------------------------


def _is_text(mime_type: str) -> bool:
    return mime_type.startswith(_TEXT_TYPES) or mime_type.endswith(("+json", "+xml"))


def _safe_filename(name: str | None, attachment_id: str, mime_type: str) -> str:
    base = Path(name or "").name  # drop any directory part a sender put in the name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:120]
    if not base:
        extension = mimetypes.guess_extension(mime_type) or ".bin"
        base = f"attachment-{re.sub(r'[^A-Za-z0-9]', '', attachment_id)[:24] or 'file'}{extension}"
    return base


def _save_unique(folder: Path, filename: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(filename).stem, Path(filename).suffix
    for index in range(1000):
        candidate = folder / (filename if index == 0 else f"{stem}-{index}{suffix}")
        try:
            # "x" never overwrites: a file already there (or a race with another call) moves on.
            with candidate.open("xb") as handle:
                handle.write(content)
        except FileExistsError:
            continue
        return candidate
    raise ToolUsageError(f"Too many files named like {filename!r} in the download folder.")


async def decode_attachment(data: Any, args: ToolInput, ctx: CallContext) -> ToolResult:
    """Small attachments come back inline as an embedded resource; larger ones are saved."""
    encoded = (data or {}).get("data") or ""
    content = b64url_decode(encoded)
    filename: str | None = getattr(args, "filename", None)
    mime_type: str = (
        getattr(args, "mime_type", None)
        or (mimetypes.guess_type(filename)[0] if filename else None)
        or "application/octet-stream"
    ).lower()
    message_id: str = getattr(args, "message_id", "")
    attachment_id: str = getattr(args, "attachment_id", "")
    uri = (
        f"zoommail://{quote(_mailbox(args, ctx), safe='@')}/messages/{_segment(message_id)}"
        f"/attachments/{_segment(attachment_id)}"
    )
    size = len(content)
    info: dict[str, Any] = _compact({"uri": uri, "filename": filename, "type": mime_type, "size": size})
    # The file name and the content are the sender's: both stay inside the fence.
    nonce = new_nonce()
    described = delimit(render({"attachment": info}), nonce)
    if size <= ctx.settings.inline_attachment_bytes:
        resource: types.TextResourceContents | types.BlobResourceContents
        if _is_text(mime_type):
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                resource = _blob(uri, mime_type, content)
            else:
                resource = types.TextResourceContents(
                    uri=uri, mime_type=mime_type, text=delimit(defuse_delimiters(text), nonce)
                )
        else:
            resource = _blob(uri, mime_type, content)
        inside = "its text inside the same fence" if isinstance(resource, types.TextResourceContents) else "binary"
        return ToolResult(
            text=f"{described}\nThe attachment is the resource below ({inside}).",
            structured=info,
            content=[types.EmbeddedResource(type="resource", resource=resource)],
        )
    folder = ctx.settings.download_dir
    if folder is None:
        raise ToolUsageError(
            f"The attachment is {size:,} bytes, over the inline limit: set ZOOM_MCP_DOWNLOAD_DIR to a folder "
            "where larger attachments may be saved."
        )
    name = _safe_filename(filename, attachment_id, mime_type)
    path = await anyio.to_thread.run_sync(_save_unique, folder.expanduser(), name, content)
    saved = {**info, "path": str(path)}
    return ToolResult(
        text=f"{delimit(render({'attachment': saved}), nonce)}\nSaved to the download folder.", structured=saved
    )


def _blob(uri: str, mime_type: str, content: bytes) -> types.BlobResourceContents:
    # MCP blobs are standard base64, unlike Zoom's base64url.
    return types.BlobResourceContents(uri=uri, mime_type=mime_type, blob=base64.b64encode(content).decode("ascii"))
