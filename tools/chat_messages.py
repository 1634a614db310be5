"""Team Chat messages: send, list, get, edit, delete, react, mark read, files, sessions."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tools._common import ChatPageSize, NextPageToken, UserId
from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.scopes import needs

READ = needs("chat_message:read", "chat_message:write", granular="team_chat:read:list_user_messages")


class SendMessage(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    message: Annotated[str, Field(min_length=1, description="Message text")]
    to_contact: Annotated[str | None, Field(description="Recipient email or user id (direct message)")] = None
    to_channel: Annotated[str | None, Field(description="Channel id")] = None
    reply_main_message_id: Annotated[str | None, Field(description="Parent message id to reply in its thread")] = None


class ListMessages(ToolInput):
    one_of = (("to_contact", "to_channel"),)

    user_id: UserId = None
    to_contact: Annotated[str | None, Field(description="Contact email or user id (direct messages)")] = None
    to_channel: Annotated[str | None, Field(description="Channel id")] = None
    page_size: ChatPageSize = 10
    next_page_token: NextPageToken = None


TOOLS = [
    ToolSpec(
        name="chat_send_message",
        title="Send chat message",
        description="Send a Team Chat message to a contact or channel, optionally as a thread reply.",
        endpoint="POST /chat/users/{userId}/messages",
        input=SendMessage,
        scopes=needs("chat_message:write", granular="team_chat:write:user_message"),
        toolset="chat_messages",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        verify="chat_list_messages for the same contact or channel",
    ),
    ToolSpec(
        name="chat_list_messages",
        title="List chat messages",
        description="List recent messages of a direct chat or channel, newest first.",
        endpoint="GET /chat/users/{userId}/messages",
        input=ListMessages,
        scopes=READ,
        toolset="chat_messages",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        page=Page(items="messages"),
    ),
]
