"""Team Chat messages: send, list, get, edit, delete, react, mark read, files, sessions."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from zoom_mcp.catalog import LOCAL, Page, Request, ToolInput, ToolSpec
from zoom_mcp.chat_format import decode_message, decode_messages, encode_mark_read
from zoom_mcp.scopes import ScopeRequirement, needs
from zoom_mcp.tools._common import (
    ChatPageSize,
    ChatPageToken,
    MessageId,
    ToChannel,
    ToContact,
    UserId,
    WireTime,
)
from zoom_mcp.uploads import encode_send_file, encode_upload_file

if TYPE_CHECKING:
    from zoom_mcp.executor import CallContext


def _read(granular: str) -> ScopeRequirement:
    # The classic write scope also grants Zoom's message read endpoints.
    return needs("chat_message:read", "chat_message:write", granular=granular)


def _write(granular: str) -> ScopeRequirement:
    return needs("chat_message:write", granular=granular)


UploadPath = Annotated[str, LOCAL, Field(min_length=1, description="File path inside the upload folder")]


class SendMessage(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    message: Annotated[str, Field(min_length=1, description="Message text")]
    to_contact: ToContact = None
    to_channel: ToChannel = None
    reply_main_message_id: Annotated[str | None, Field(description="Parent message id to reply in its thread")] = None
    file_ids: Annotated[list[str] | None, Field(description="File ids from chat_upload_file")] = None


class ListMessages(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    to_contact: ToContact = None
    to_channel: ToChannel = None
    from_time: Annotated[WireTime | None, Field(serialization_alias="from", description="Start; default today")] = None
    to_time: Annotated[WireTime | None, Field(serialization_alias="to", description="End; default now")] = None
    search_key: Annotated[str | None, Field(description="Only messages containing this text")] = None
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


def encode_list_messages(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    # Zoom needs search_type next to search_key; the model only ever searches message text.
    request = ctx.default_request(args)
    if getattr(args, "search_key", None) is None:
        return request
    return replace(request, query={**request.query, "search_type": "message"})


class MessageRef(ToolInput):
    """A message, and the chat it is in (Zoom needs both)."""

    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    message_id: MessageId
    to_contact: ToContact = None
    to_channel: ToChannel = None


class EditMessage(MessageRef):
    message: Annotated[str, Field(min_length=1, description="New message text")]


class ReactToMessage(MessageRef):
    action: Annotated[Literal["add", "remove"], Field(description="Add or remove")] = "add"
    emoji: Annotated[str, Field(min_length=1, description="Emoji character")]


class MarkMessageRead(MessageRef):
    action: Annotated[Literal["read", "unread"], Field(description="Mark read or unread")] = "read"
    timestamp: Annotated[int | None, Field(ge=0, description="Message time, epoch ms; looked up if omitted")] = None


class SendFile(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    file_path: UploadPath
    to_contact: ToContact = None
    to_channel: ToChannel = None
    reply_main_message_id: Annotated[str | None, Field(description="Parent message id to reply in its thread")] = None


class UploadFile(ToolInput):
    user_id: UserId = None
    file_path: UploadPath


class ListSessions(ToolInput):
    user_id: UserId = None
    type: Annotated[Literal["1:1", "groupchat"] | None, Field(description="Only direct or group chats")] = None
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


TOOLS = [
    ToolSpec(
        name="chat_send_message",
        title="Send chat message",
        description="Send a Team Chat message to a contact or channel, optionally as a thread reply.",
        endpoint="POST /chat/users/{userId}/messages",
        input=SendMessage,
        scopes=_write("team_chat:write:user_message"),
        verify="chat_list_messages for the same contact or channel",
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
    ),
    ToolSpec(
        name="chat_list_messages",
        title="List chat messages",
        description="Read a direct chat or channel, newest first (today unless from_time is given).",
        endpoint="GET /chat/users/{userId}/messages",
        input=ListMessages,
        scopes=_read("team_chat:read:list_user_messages"),
        page=Page(items="messages"),
        encode=encode_list_messages,
        decode=decode_messages,
        toolset="chat_messages",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_get_message",
        title="Get chat message",
        description="Get one Team Chat message by id.",
        endpoint="GET /chat/users/{userId}/messages/{messageId}",
        input=MessageRef,
        scopes=_read("team_chat:read:user_message"),
        decode=decode_message,
        toolset="chat_messages",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_edit_message",
        title="Edit chat message",
        description="Replace the text of a message you sent.",
        endpoint="PUT /chat/users/{userId}/messages/{messageId}",
        input=EditMessage,
        scopes=_write("team_chat:update:user_message"),
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_delete_message",
        title="Delete chat message",
        description="Delete a message you sent. Permanent.",
        endpoint="DELETE /chat/users/{userId}/messages/{messageId}",
        input=MessageRef,
        scopes=_write("team_chat:delete:user_message"),
        confirm="Delete message {message_id} permanently",
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_react_to_message",
        title="React to chat message",
        description="Add or remove your emoji reaction on a message.",
        endpoint="PATCH /chat/users/{userId}/messages/{messageId}/emoji_reactions",
        input=ReactToMessage,
        scopes=_write("team_chat:update:message_emoji"),
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_mark_message_read",
        title="Mark chat message read",
        description="Mark a message read or unread.",
        endpoint="PATCH /chat/users/{userId}/messages/{messageId}/status",
        input=MarkMessageRead,
        # The hook reads the message for its timestamp when none is given: that needs a read scope too.
        scopes=_write("team_chat:update:message_status") & _read("team_chat:read:user_message"),
        encode=encode_mark_read,
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_send_file",
        title="Send chat file",
        description="Send a file from the upload folder as a message to a contact or channel.",
        endpoint="POST /chat/users/{userId}/messages/files",
        host="file",
        input=SendFile,
        scopes=_write("team_chat:write:message_files"),
        encode=encode_send_file,
        verify="chat_list_messages for the same contact or channel",
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
    ),
    ToolSpec(
        name="chat_upload_file",
        title="Upload chat file",
        description="Upload a file from the upload folder; returns a file id for chat_send_message file_ids.",
        endpoint="POST /chat/users/{userId}/files",
        host="file",
        input=UploadFile,
        scopes=_write("team_chat:write:files"),
        encode=encode_upload_file,
        verify="nothing to check: an unsent upload is visible to no one, so retrying only adds an unused copy",
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
    ),
    ToolSpec(
        name="chat_list_sessions",
        title="List chat sessions",
        description="List your recent direct chats and channels, most recently active first.",
        endpoint="GET /chat/users/{userId}/sessions",
        input=ListSessions,
        # Unlike the message reads, Zoom's session list is not granted by chat_message:write.
        scopes=needs("chat_message:read", granular="team_chat:read:list_user_sessions"),
        page=Page(items="sessions"),
        toolset="chat_messages",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
]
