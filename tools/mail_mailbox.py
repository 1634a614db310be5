"""Zoom Mail mailbox: profile and change history."""

from typing import Annotated, Literal

from pydantic import Field

from zoom_mcp.catalog import READ, Page, ToolInput, defaults
from zoom_mcp.tools._common import CommaList, Mailbox, MailPageSize, MailPageToken, NoneIfEmpty
from zoom_mcp.tools._scopes import mail_read

# The sixteen history types of Zoom's document.
HistoryType = Literal[
    "labelAdded",
    "labelRemoved",
    "messageAdded",
    "messageDeleted",
    "messageUpdated",
    "messageImported",
    "messageImportedNew",
    "settingAdded",
    "settingUpdated",
    "settingDeleted",
    "delegateAdded",
    "delegateDeleted",
    "delegateUpdated",
    "delegatorsAdded",
    "delegatorsDeleted",
    "delegatorsUpdated",
]
HistoryTypes = Annotated[list[HistoryType] | None, NoneIfEmpty, CommaList]


class GetProfile(ToolInput):
    mailbox: Mailbox = None


class ListHistory(ToolInput):
    mailbox: Mailbox = None
    start_history_id: Annotated[str, Field(min_length=1, serialization_alias="startHistoryId", description="historyId")]
    history_types: Annotated[HistoryTypes, Field(serialization_alias="historyTypes", description="Only these")] = None
    exclude_history_types: Annotated[
        HistoryTypes, Field(serialization_alias="excludeHistoryTypes", description="Not these (wins)")
    ] = None
    label_id: Annotated[str | None, Field(serialization_alias="labelId", description="Only this label")] = None
    page_size: MailPageSize = 50
    next_page_token: MailPageToken = None


tool = defaults(toolset="mail_mailbox", rate="medium")

TOOLS = [
    tool("mail_get_profile", READ, "Get mailbox profile")(
        description="Get mailbox address, size, totals and current historyId.",
        endpoint="GET /emails/mailboxes/{email}/profile",
        input=GetProfile,
        scopes=mail_read("email:read:profile"),
    ),
    tool("mail_list_history", READ, "List mailbox changes")(
        description="List mailbox changes after a historyId (a week-old id may fail).",
        endpoint="GET /emails/mailboxes/{email}/history",
        input=ListHistory,
        scopes=mail_read("email:read:history"),
        rate="light",
        page=Page.mail("history"),
    ),
]
