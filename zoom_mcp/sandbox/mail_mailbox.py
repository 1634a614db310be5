"""Zoom Mail mailbox-wide endpoints: profile, history and settings (vacation, delegates, filters)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from zoom_mcp.sandbox.mail_common import (
    Routes,
    body_of,
    label_list,
    mail_state,
    mailbox_of,
    paginate,
    query_list,
)
from zoom_mcp.sandbox.mail_store import (
    HISTORY_KEYS,
    HISTORY_TYPES,
    NOT_FOUND,
    Mailbox,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError

route = Routes()
HANDLERS = route.handlers

# ----- profile and history ------------------------------------------------------------------


@route("GET", "/profile")
async def get_mailbox_profile(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    return Reply(
        {
            "emailAddress": mailbox.email,
            "groupEmails": [],
            "createTime": mailbox.create_time,
            "status": "active",
            "mboxSize": mailbox.mbox_size,
            "messagesTotal": len(mailbox.messages),
            "threadsTotal": len(mailbox.threads),
            "encryptionEnabled": False,
            "labelEncryptionEnabled": False,
            "historyId": str(mailbox.history_id),
        }
    )


def _record_matches(record: dict[str, Any], keys: set[str], label_id: str | None) -> dict[str, Any] | None:
    kept = {key: value for key, value in record.items() if key in keys}
    if not kept:
        return None
    if label_id is not None:
        entries = [entry for value in kept.values() for entry in value if isinstance(entry, dict)]
        touched = (
            label_id in e["message"]["labelIds"] or label_id in e.get("labelIds", []) for e in entries if "message" in e
        )
        if not any(touched):
            return None
    return {"id": record["id"], **kept}


@route(
    "GET",
    "/history",
    query=("maxResults", "pageToken", "startHistoryId", "historyTypes", "excludeHistoryTypes", "labelId"),
)
async def list_mailbox_history(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    start = call.query.get("startHistoryId")
    if not start:
        raise validation("startHistoryId", "startHistoryId is required.")
    if not start.isdigit():
        raise validation("startHistoryId", "startHistoryId must be a number.")
    if int(start) < mailbox.history_floor:
        raise SandboxError(404, NOT_FOUND, f"History is no longer available from id {start}; do a full sync.")
    wanted = set(query_list(call.query, "historyTypes") or HISTORY_TYPES)
    excluded = set(query_list(call.query, "excludeHistoryTypes"))
    for name, given in (("historyTypes", wanted), ("excludeHistoryTypes", excluded)):
        unknown = given - set(HISTORY_TYPES)
        if unknown:
            raise validation(name, f"Unknown history type: {sorted(unknown)[0]}")
    # A type in both lists is left out: the exclusion takes priority (the document says so).
    types = {HISTORY_KEYS[kind] for kind in wanted - excluded}
    label_id = call.query.get("labelId") or None
    records = [
        matched
        for record in mailbox.history
        if int(record["id"]) > int(start) and (matched := _record_matches(record, types, label_id)) is not None
    ]
    page, token = paginate(call, "history", mailbox, records, lambda r: (int(r["id"]),), descending=False)
    body: dict[str, Any] = {"history": page, "historyId": str(mailbox.history_id)}
    if token:
        body["nextPageToken"] = token
    return Reply(body)


def iso_time(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----- settings -----------------------------------------------------------------------------

_VACATION_FIELDS: dict[str, type | tuple[type, ...]] = {
    "enableAutoReply": bool,
    "responseSubject": str,
    "responseBodyPlainText": str,
    "responseBodyHtml": str,
    "enableAlwaysRespond": bool,
    "restrictToContacts": bool,
    "restrictToDomain": bool,
    # Epoch milliseconds, as strings: the document types both as string.
    "startTime": str,
    "endTime": str,
}
DELEGATE_ACCESS = ("dlgreviewer", "dlgauthor", "dlgeditor")


@route("GET", "/settings/vacation")
async def get_mail_vacation_response_setting(call: Call) -> Reply:
    return Reply(dict(mailbox_of(call).vacation))


@route("PUT", "/settings/vacation")
async def update_mailbox_vacation_response_setting(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    body = body_of(call)
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
        setting[name] = value
    if "startTime" in setting and "endTime" in setting and int(setting["startTime"]) > int(setting["endTime"]):
        raise validation("endTime", "endTime must not be before startTime.")
    mailbox.vacation = setting
    mailbox.vacation_replied.clear()
    mailbox.record_event("settingsUpdated", {"id": "vacation", "type": "vacation"})
    return Reply(dict(setting))


@route("GET", "/settings/delegates")
async def list_mailbox_delegates(call: Call) -> Reply:
    return Reply({"delegates": list(mailbox_of(call).delegates.values())})


def _delegate(mailbox: Mailbox, address: str) -> dict[str, str]:
    delegate = mailbox.delegates.get(address.lower())
    if delegate is None:
        raise SandboxError(404, NOT_FOUND, f"Delegate does not exist: {address}.")
    return delegate


@route("GET", "/settings/delegates/{delegateEmail}")
async def get_mailbox_delegate(call: Call) -> Reply:
    return Reply(dict(_delegate(mailbox_of(call), call.path_params["delegateEmail"])))


@route("POST", "/settings/delegates")
async def grant_mailbox_delegate(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    body = body_of(call)
    address = body.get("delegateEmail")
    access = body.get("delegateAccess", "dlgeditor")
    if access not in DELEGATE_ACCESS:
        raise validation("delegateAccess", f"Must be one of: {', '.join(DELEGATE_ACCESS)}.")
    if not isinstance(address, str) or "@" not in address:
        raise validation("delegateEmail", "A delegate email address is required.")
    target = mail_state(call).mailbox(address)
    if target is None:
        raise SandboxError(404, 1001, f"User does not exist: {address}.")
    if target is mailbox:
        raise validation("delegateEmail", "A mailbox cannot delegate to itself.")
    if address.lower() in mailbox.delegates:
        raise SandboxError(409, 409, f"Delegate already exists: {address}.")
    # Zoom asks the delegate to accept; until then the grant is pending.
    delegate = {
        "delegateEmail": target.email,
        "verificationStatus": "pending",
        "delegateAccess": access,
        "creationTime": iso_time(mail_state(call).clock()),
    }
    mailbox.delegates[address.lower()] = delegate
    mailbox.record_event("delegatesAdded", target.email)
    return Reply(dict(delegate))


@route("DELETE", "/settings/delegates/{delegateEmail}")
async def revoke_mailbox_delegate(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    address = call.path_params["delegateEmail"]
    _delegate(mailbox, address)
    removed = mailbox.delegates.pop(address.lower())
    mailbox.record_event("delegatesDeleted", removed["delegateEmail"])
    return Reply(None, 204)


@route("GET", "/settings/filters")
async def list_email_filters(call: Call) -> Reply:
    # Gmail's list key is the singular "filter"; Zoom mirrors Gmail's resources.
    return Reply({"filter": list(mailbox_of(call).filters.values())})


def _filter(mailbox: Mailbox, filter_id: str) -> dict[str, Any]:
    found = mailbox.filters.get(filter_id)
    if found is None:
        raise SandboxError(404, NOT_FOUND, f"Filter does not exist: {filter_id}.")
    return found


@route("GET", "/settings/filters/{filterId}")
async def get_email_filter(call: Call) -> Reply:
    return Reply(_filter(mailbox_of(call), call.path_params["filterId"]))


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
    mailbox = mailbox_of(call)
    body = body_of(call)
    criteria = _clean(body.get("criteria"), "criteria", _CRITERIA)
    action = _clean(body.get("action"), "action", {"addLabelIds": list, "removeLabelIds": list, "forward": str})
    for key in ("addLabelIds", "removeLabelIds"):
        if key in action:
            mailbox.check_labels(label_list(action, key), f"action.{key}")
    mail_filter = {"id": mailbox.new_filter_id(), "criteria": criteria, "action": action}
    mailbox.filters[mail_filter["id"]] = mail_filter
    mailbox.record_event("settingsAdded", {"id": mail_filter["id"], "type": "filter"})
    return Reply(mail_filter)


@route("DELETE", "/settings/filters/{filterId}")
async def delete_email_filter(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    _filter(mailbox, call.path_params["filterId"])
    del mailbox.filters[call.path_params["filterId"]]
    mailbox.record_event("settingsDeleted", {"id": call.path_params["filterId"], "type": "filter"})
    return Reply(None, 204)
