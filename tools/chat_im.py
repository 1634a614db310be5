"""Zoom's deprecated IM API (/im/...), removed from Zoom's current API: an opt-in toolset (`--toolsets chat_im`)
for accounts that still rely on it; prefer chat_*."""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import QUERY, READ, WRITE, Page, ToolInput, defaults
from zoom_mcp.codecs.chat_format import decode_messages
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import ChatPageSize, ChatPageToken, NonEmpty, Repeat, ReportPageSize, UserId, WireDate
from zoom_mcp.tools._scopes import IM_READ

ChatUser = Annotated[str | None, Field(description="Contact email or user id")]


class ListMessages(ToolInput):
    one_of = (("chat_user", "channel"),)

    user_id: UserId = None
    chat_user: ChatUser = None
    channel: Annotated[str | None, Field(description="Channel id")] = None
    date: Annotated[WireDate | None, Field(description="Day; default today")] = None
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


class SendMessage(ToolInput):
    # Zoom takes the recipient in the query and only the text in the body.
    chat_user: Annotated[str, NonEmpty, QUERY, Field(description="Recipient email or user id")]
    message: Annotated[str, NonEmpty, Field(description="Message text")]
    repeat: Repeat = False


class ListSessions(ToolInput):
    from_date: Annotated[WireDate, Field(serialization_alias="from", description="Start date")]
    to_date: Annotated[WireDate, Field(serialization_alias="to", description="End date; range max 1 month")]
    # Like the reports, the old IM session calls serve up to 300 rows a page.
    page_size: ReportPageSize = 30
    next_page_token: ChatPageToken = None


class SessionMessages(ListSessions):
    session_id: Annotated[str, NonEmpty, Field(serialization_alias="sessionId", description="Session id")]


tool = defaults(toolset="chat_im", rate="medium")

TOOLS = [
    tool("chat_im_list_messages", READ, "List IM messages (deprecated)")(
        description="Deprecated IM API: list IM messages with a contact or channel; prefer chat_list_messages.",
        endpoint="GET /im/users/{userId}/chat/messages",
        input=ListMessages,
        scopes=IM_READ,
        page=Page(items="messages"),
        decode=decode_messages,
    ),
    tool("chat_im_send_message", WRITE, "Send IM message (deprecated)")(
        description="Deprecated IM API: send a direct message; prefer chat_send_message.",
        endpoint="POST /im/users/me/chat/messages",
        input=SendMessage,
        # imchat:write has no granular equivalent.
        scopes=needs("imchat:write", admin=False),
        verify="chat_im_list_messages with the same chat_user",
    ),
    tool("chat_im_list_session_messages", READ, "List IM session messages (deprecated)")(
        description="Deprecated IM API: list the messages of one IM session; prefer chat_list_messages.",
        endpoint="GET /im/chat/sessions/{sessionId}",
        input=SessionMessages,
        scopes=IM_READ,
        page=Page(items="messages"),
        decode=decode_messages,
    ),
    tool("chat_im_list_sessions", READ, "List IM sessions (deprecated)")(
        description="Deprecated IM API: list IM sessions in a date range; prefer chat_list_sessions.",
        endpoint="GET /im/chat/sessions",
        input=ListSessions,
        scopes=needs("imchat:read"),
        page=Page(items="sessions"),
        # Zoom labels this one Heavy, unlike the other IM calls.
        rate="heavy",
    ),
]
