"""Zoom Mail labels: system labels are fixed; user labels are created, renamed, nested and deleted."""

from __future__ import annotations

from typing import Any

from zoom_mcp.sandbox import mail_render as render
from zoom_mcp.sandbox.mail_common import (
    Routes,
    body_of,
    mailbox_of,
)
from zoom_mcp.sandbox.mail_store import (
    Label,
    Mailbox,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError

route = Routes()
HANDLERS = route.handlers


@route("GET", "/labels", query=("format",))
async def list_labels_in_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    default = mailbox.state.options.label_list_format
    fmt = render.check_format(call.query.get("format"), render.LABEL_FORMATS, default)
    return Reply({"labels": [render.label_resource(mailbox, label, fmt) for label in mailbox.labels.values()]})


@route("GET", "/labels/{labelId}")
async def get_label_in_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    return Reply(render.label_resource(mailbox, mailbox.label(call.path_params["labelId"])))


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


def _require_fields(body: dict[str, Any]) -> None:
    """Create, replace and patch all require name and parentId in Zoom's document."""
    for name in ("name", "parentId"):
        if name not in body:
            raise validation(name, f'{name} is required (parentId "" for a top-level label).')


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
        # "" is the top level: the document asks for an empty string for a label without parent.
        parent_id = body["parentId"] or None
        if parent_id is not None:
            parent = mailbox.labels.get(parent_id)
            if parent is None or parent.type != "user" or parent.id == label.id:
                raise validation("parentId", f"Invalid parent label: {parent_id}")
        label.parent_id = parent_id
    elif replace:
        label.parent_id = None


@route("POST", "/labels")
async def create_label_in_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    body = body_of(call)
    _require_fields(body)
    name = _check_name(mailbox, body.get("name"))
    label = Label(id=mailbox.new_label_id(), name=name)
    _apply_label_fields(mailbox, label, body, replace=True)
    mailbox.labels[label.id] = label
    return Reply(render.written_label(mailbox, label))


@route("PATCH", "/labels/{labelId}")
async def patch_label_in_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    body = body_of(call)
    _require_fields(body)
    if "name" in body:
        label.name = _check_name(mailbox, body["name"], label)
    _apply_label_fields(mailbox, label, body, replace=False)
    return Reply(render.written_label(mailbox, label))


@route("PUT", "/labels/{labelId}")
async def update_label_in_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    body = body_of(call)
    _require_fields(body)
    name = _check_name(mailbox, body.get("name"), label)
    _apply_label_fields(mailbox, label, body, replace=True)
    label.name = name
    return Reply(render.written_label(mailbox, label))


@route("DELETE", "/labels/{labelId}")
async def delete_label_from_mailbox(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    label = mailbox.label(call.path_params["labelId"])
    _protect(mailbox, label)
    mailbox.delete_label(label)
    return Reply(None, 204)
