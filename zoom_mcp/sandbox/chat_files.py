"""Team Chat files: upload and send (file host, multipart), file info, delete."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.datastructures import UploadFile

from zoom_mcp.sandbox.chat_common import (
    Registry,
    conversation,
    message_in,
    path_user,
    post,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError, User
from zoom_mcp.sandbox.state import ChatFile, SandboxState, dm_key

route = Registry()


async def _store(call: Call, upload: Any, owner: User) -> ChatFile:
    if not isinstance(upload, UploadFile):
        raise SandboxError(400, 300, "The file is required (multipart field missing or not a file).")
    data = await upload.read()
    chat_file = ChatFile(
        id=call.state.ids.file_id(),
        name=upload.filename or "file",
        size=len(data),
        content_type=upload.content_type or "application/octet-stream",
        owner_id=owner.id,
        created_ms=call.state.clock.now_ms(),
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
    )
    call.state.chat.files[chat_file.id] = chat_file
    return chat_file


def _form(call: Call) -> Any:
    if call.form is None:
        raise SandboxError(400, 300, "Content-Type must be multipart/form-data.")
    return call.form


@route("POST /chat/users/{userId}/files", query=("postToPersonalChat",))
async def upload_file(call: Call) -> Reply:
    user = path_user(call)
    chat_file = await _store(call, _form(call).get("file"), user)
    # Zoom's default (postToPersonalChat=true) also posts the file to the user's personal chat.
    if call.query.get("postToPersonalChat", "true").lower() != "false":
        post(call.state, user, dm_key(user.id, user.id), "", files=[chat_file.id])
    return Reply({"id": chat_file.id}, status=201)


@route("POST /chat/users/{userId}/messages/files")
async def send_file(call: Call) -> Reply:
    user = path_user(call)
    form = _form(call)
    uploads = form.getlist("files")
    if not uploads:
        raise validation("files", "This field is required.")
    if len(uploads) > 1:  # the reference's maxItems
        raise validation("files", "Only one file can be sent per message.")
    params = {key: form.get(key) for key in ("to_channel", "to_contact") if isinstance(form.get(key), str)}
    key, _, _ = conversation(call, user, params)
    reply_to = form.get("reply_main_message_id")
    if isinstance(reply_to, str) and reply_to:
        message_in(call.state, reply_to, key)
    else:
        reply_to = None
    files = [await _store(call, upload, user) for upload in uploads]
    message = post(call.state, user, key, "", reply_to=reply_to, files=[f.id for f in files])
    return Reply({"id": message.id}, status=201)


def _file(call: Call) -> ChatFile:
    state: SandboxState = call.state
    chat_file = state.chat.files.get(call.path_params["fileId"])
    if chat_file is None:
        raise SandboxError(404, 404, f"File does not exist: {call.path_params['fileId']}.")
    return chat_file


@route("GET /chat/files/{fileId}")
async def file_info(call: Call) -> Reply:
    chat_file = _file(call)
    extension = chat_file.name.rsplit(".", 1)[-1].upper() if "." in chat_file.name else "UNKNOWN"
    return Reply(
        {
            "file_id": chat_file.id,
            "file_name": chat_file.name,
            "OS_file_type": extension,
            "length": chat_file.size,
            "digest": chat_file.digest,
            "created_time": chat_file.created_ms,
            "modified_time": chat_file.created_ms,
        }
    )


@route("DELETE /chat/files/{fileId}")
async def delete_file(call: Call) -> Reply:
    chat_file = _file(call)
    if chat_file.owner_id != call.user.id:
        raise SandboxError(403, 200, "No permission.")
    del call.state.chat.files[chat_file.id]
    for message in call.state.chat.messages.values():
        if chat_file.id in message.files:
            message.files.remove(chat_file.id)
    return Reply(None, status=204)


HANDLERS = route.handlers
