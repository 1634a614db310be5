"""Team Chat messages: send, list, get, edit, delete, react, mark read, files, sessions."""

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, LOCAL, READ, WRITE, Page, ToolInput, defaults
from zoom_mcp.codecs.chat_format import decode_message, decode_messages, emoji_code, encode_mark_read
from zoom_mcp.codecs.uploads import encode_send_file, encode_upload_file
from zoom_mcp.errors import ToolUsageError
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import (
    ChatPageSize,
    ChatPageToken,
    MessageId,
    Repeat,
    ToChannel,
    ToContact,
    UserId,
    WireTime,
)
from zoom_mcp.tools._scopes import message_read, message_write

if TYPE_CHECKING:
    from zoom_mcp.catalog import CallContext, Request, ToolSpec


UploadPath = Annotated[str, LOCAL, Field(min_length=1, description="File path inside the upload folder")]
# Zoom's limits: 1024 characters a message, 6 files.
MESSAGE_LENGTH = 1024
MessageText = Annotated[str, Field(min_length=1, max_length=MESSAGE_LENGTH, description="Message text")]
FileIds = Annotated[list[str] | None, Field(max_length=6, description="File ids from chat_upload_file")]
ALL = "all"


class Mention(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, description="Text after @ in message, e.g. Bruno Alvarez; all for @all")]
    contact: Annotated[str | None, Field(description="Their email or member id; not for all")] = None


class SendMessage(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    message: MessageText
    to_contact: ToContact = None
    to_channel: ToChannel = None
    reply_main_message_id: Annotated[str | None, Field(description="Parent message id to reply in its thread")] = None
    file_ids: FileIds = None
    mentions: Annotated[list[Mention] | None, LOCAL, Field(description="Channel @mentions written in message")] = None
    scheduled_time: Annotated[WireTime | None, Field(description="Send later: 30 min to 180 days ahead")] = None
    repeat: Repeat = False


def at_items(text: str, mentions: list[Mention]) -> list[dict[str, Any]]:
    """Zoom's mention objects: where each ``@name`` is in ``text``, in order.

    Positions are character indexes with an inclusive end, as in the reference's example
    ("@Shrijana How are you?": 0 to 8).
    """
    items: list[dict[str, Any]] = []
    cursor = 0
    for mention in mentions:
        written = "@" + mention.name
        start = text.find(written, cursor)
        if start < 0:
            raise ToolUsageError(f"chat_send_message: the message has no '{written}' for that mention.")
        cursor = start + len(written)
        item: dict[str, Any] = {"start_position": start, "end_position": cursor - 1}
        if mention.name.lower() == ALL and mention.contact is None:
            item["at_type"] = 2
        elif mention.contact is None:
            raise ToolUsageError(f"chat_send_message: give the contact (email or member id) of '{written}'.")
        else:
            item.update(at_type=1, at_contact=mention.contact)
        items.append(item)
    return items


def encode_send_message(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
    if not isinstance(args, SendMessage):
        raise TypeError(f"expected SendMessage, got {type(args).__name__}")
    request = ctx.default_request(args)
    if not args.mentions:
        return request
    if args.to_channel is None:
        raise ToolUsageError("chat_send_message: @mentions work in channels only; drop mentions for a direct message.")
    return replace(request, json={**(request.json or {}), "at_items": at_items(args.message, args.mentions)})


class ListMessages(ToolInput):
    user_id: UserId = None
    to_contact: ToContact = None
    to_channel: ToChannel = None
    from_time: Annotated[WireTime | None, Field(serialization_alias="from", description="Start; default today")] = None
    to_time: Annotated[WireTime | None, Field(serialization_alias="to", description="End; default now")] = None
    search_key: Annotated[
        str | None,
        Field(min_length=1, max_length=256, description="Only messages containing this text; without a chat: all"),
    ] = None
    include_deleted_and_edited_message: Annotated[bool | None, Field(description="Include edited and deleted")] = None
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None

    @model_validator(mode="after")
    def _one_chat_unless_searching(self) -> "ListMessages":
        # Zoom searches every chat when a search names none; otherwise it reads exactly one chat.
        given = (self.to_contact is not None) + (self.to_channel is not None)
        if given > 1 or (given == 0 and self.search_key is None):
            raise ValueError("give exactly one of to_contact or to_channel (or search_key alone to search all chats)")
        return self


def encode_list_messages(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
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
    # Sent in Zoom's notation ("U+1F44D"); results show both forms, so a shown reaction can be removed.
    emoji: Annotated[str, AfterValidator(emoji_code), Field(description="Emoji, e.g. 👍 or U+1F44D")]


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
    repeat: Repeat = False


class UploadFile(ToolInput):
    user_id: UserId = None
    file_path: UploadPath


def encode_upload(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
    # Zoom's default also posts every upload to the user's personal chat; the file is for a later message.
    request = encode_upload_file(spec, args, ctx)
    return replace(request, query={**request.query, "postToPersonalChat": "false"})


class ListSessions(ToolInput):
    user_id: UserId = None
    type: Annotated[Literal["1:1", "groupchat"] | None, Field(description="Only direct or group chats")] = None
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


tool = defaults(toolset="chat_messages", rate="medium")

TOOLS = [
    tool("chat_send_message", WRITE, "Send chat message")(
        description="Send a Team Chat message to a contact or channel, optionally as a thread reply.",
        endpoint="POST /chat/users/{userId}/messages",
        input=SendMessage,
        scopes=message_write("team_chat:write:user_message"),
        encode=encode_send_message,
        verify="chat_list_messages for the same contact or channel",
    ),
    tool("chat_list_messages", READ, "List chat messages")(
        description="Read a direct chat or channel, or search all chats, newest first (today unless from_time).",
        endpoint="GET /chat/users/{userId}/messages",
        input=ListMessages,
        scopes=message_read("team_chat:read:list_user_messages"),
        page=Page(items="messages"),
        encode=encode_list_messages,
        decode=decode_messages,
    ),
    tool("chat_get_message", READ, "Get chat message")(
        description="Get one Team Chat message by id.",
        endpoint="GET /chat/users/{userId}/messages/{messageId}",
        input=MessageRef,
        scopes=message_read("team_chat:read:user_message"),
        decode=decode_message,
    ),
    tool("chat_edit_message", IDEMPOTENT_WRITE, "Edit chat message")(
        description="Replace the text of a message you sent.",
        endpoint="PUT /chat/users/{userId}/messages/{messageId}",
        input=EditMessage,
        scopes=message_write("team_chat:update:user_message"),
    ),
    tool("chat_delete_message", DESTRUCTIVE, "Delete chat message")(
        description="Delete a message you sent. Permanent.",
        endpoint="DELETE /chat/users/{userId}/messages/{messageId}",
        input=MessageRef,
        scopes=message_write("team_chat:delete:user_message"),
        confirm="Delete message {message_id} permanently",
    ),
    tool("chat_react_to_message", IDEMPOTENT_WRITE, "React to chat message")(
        description="Add or remove your emoji reaction on a message.",
        endpoint="PATCH /chat/users/{userId}/messages/{messageId}/emoji_reactions",
        input=ReactToMessage,
        scopes=message_write("team_chat:update:message_emoji"),
    ),
    tool("chat_mark_message_read", IDEMPOTENT_WRITE, "Mark chat message read")(
        description="Mark a message read or unread.",
        endpoint="PATCH /chat/users/{userId}/messages/{messageId}/status",
        input=MarkMessageRead,
        # The hook reads the message for its timestamp when none is given: that needs a read scope too.
        scopes=message_write("team_chat:update:message_status") & message_read("team_chat:read:user_message"),
        encode=encode_mark_read,
    ),
    tool("chat_send_file", WRITE, "Send chat file")(
        description="Send a file from the upload folder as a message to a contact or channel.",
        endpoint="POST /chat/users/{userId}/messages/files",
        host="file",
        input=SendFile,
        scopes=message_write("team_chat:write:message_files"),
        encode=encode_send_file,
        verify="chat_list_messages for the same contact or channel",
    ),
    tool("chat_upload_file", WRITE, "Upload chat file")(
        description="Upload a file from the upload folder, unposted; returns a file id for chat_send_message file_ids.",
        endpoint="POST /chat/users/{userId}/files",
        host="file",
        input=UploadFile,
        scopes=message_write("team_chat:write:files"),
        encode=encode_upload,
        verify="nothing to check: an upload is not posted anywhere until sent, so retrying only adds an unused copy",
    ),
    tool("chat_list_sessions", READ, "List chat sessions")(
        description="List your recent direct chats and channels, most recently active first.",
        endpoint="GET /chat/users/{userId}/sessions",
        input=ListSessions,
        # Unlike the message reads, Zoom's session list is not granted by chat_message:write.
        scopes=needs("chat_message:read", granular="team_chat:read:list_user_sessions"),
        page=Page(items="sessions"),
    ),
]
