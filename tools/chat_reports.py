"""Chat history reports: an account admin's view of every chat session and its messages."""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import READ, Page, ToolInput, defaults, page_size
from zoom_mcp.codecs.chat_format import decode_messages
from zoom_mcp.tools._common import ChatPageToken, NonEmpty, ReportPageSize, WireDate
from zoom_mcp.tools._scopes import report_read

# Zoom reports cover at most one month per request, within the last six months.
FromDate = Annotated[WireDate, Field(serialization_alias="from", description="Start date, within 6 months")]
ToDate = Annotated[WireDate, Field(serialization_alias="to", description="End date; range max 1 month")]

# A session's messages come at most 100 a page (sessions: 300).
MessagesPageSize = page_size(maximum=100, default=30)


class ReportSessions(ToolInput):
    from_date: FromDate
    to_date: ToDate
    page_size: ReportPageSize = 30
    next_page_token: ChatPageToken = None


class ReportMessages(ToolInput):
    session_id: Annotated[str, NonEmpty, Field(serialization_alias="sessionId", description="Session id")]
    from_date: FromDate
    to_date: ToDate
    page_size: MessagesPageSize = 30
    next_page_token: ChatPageToken = None


tool = defaults(toolset="chat_reports", rate="heavy")

TOOLS = [
    tool("chat_report_list_sessions", READ, "Chat sessions report")(
        description="Account admin: list every chat session active in a date range.",
        endpoint="GET /report/chat/sessions",
        input=ReportSessions,
        scopes=report_read("report:read:list_chat_sessions:admin"),
        page=Page(items="sessions"),
    ),
    tool("chat_report_list_messages", READ, "Chat messages report")(
        description="Account admin: list the messages of one chat session in a date range.",
        endpoint="GET /report/chat/sessions/{sessionId}",
        input=ReportMessages,
        scopes=report_read("report:read:chat_session:admin"),
        page=Page(items="messages"),
        decode=decode_messages,
    ),
]
