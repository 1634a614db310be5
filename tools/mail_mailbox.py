"""Zoom Mail mailbox: profile and change history."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import CommaList, Mailbox, MailPageSize, MailPageToken, NoneIfEmpty

TOOLSET = "mail_mailbox"
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


TOOLS = [
    ToolSpec(
        name="mail_get_profile",
        title="Get mailbox profile",
        description="Get mailbox address, size, totals and current historyId.",
        endpoint="GET /emails/mailboxes/{email}/profile",
        input=GetProfile,
        scopes=needs("mail:read", granular="email:read:profile"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_list_history",
        title="List mailbox changes",
        description="List mailbox changes after a historyId (a week-old id may fail).",
        endpoint="GET /emails/mailboxes/{email}/history",
        input=ListHistory,
        scopes=needs("mail:read", granular="email:read:history"),
        toolset=TOOLSET,
        rate="light",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        page=Page.mail("history"),
    ),
]
