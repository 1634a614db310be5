"""Contacts: your Team Chat contacts and a search of the company directory."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from zoom_mcp.catalog import Page, ToolInput, ToolSpec, page_size
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import ChatPageSize, ChatPageToken, NonEmpty

# Zoom serves at most 25 directory matches per page.
DirectoryPageSize = page_size(maximum=25, default=10)
PresenceFlag = Annotated[bool | None, Field(description="Include presence status")]


class SearchCompanyContacts(ToolInput):
    search_key: Annotated[str, NonEmpty, Field(description="Name or email to look for")]
    query_presence_status: PresenceFlag = None
    page_size: DirectoryPageSize = 10
    next_page_token: ChatPageToken = None


class ListContacts(ToolInput):
    type: Annotated[Literal["company", "external"], Field(description="Company or external contacts")] = "company"
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


class GetContact(ToolInput):
    contact: Annotated[
        str, NonEmpty, Field(serialization_alias="identifier", description="Email, user id or member id")
    ]
    query_presence_status: PresenceFlag = None


TOOLS = [
    ToolSpec(
        name="chat_search_company_contacts",
        title="Search company contacts",
        description="Find people in your company directory by name or email.",
        endpoint="GET /contacts",
        input=SearchCompanyContacts,
        scopes=needs("contact:read", granular="contact:read:list_contacts"),
        page=Page(items="contacts"),
        toolset="chat_contacts",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_list_contacts",
        title="List my contacts",
        description="List your Team Chat contacts, company or external.",
        endpoint="GET /chat/users/me/contacts",
        input=ListContacts,
        # Zoom offers chat_contact:read at user level only (user-managed apps): no :admin forms.
        scopes=needs("chat_contact:read", granular="team_chat:read:list_contacts", admin=False),
        page=Page(items="contacts"),
        toolset="chat_contacts",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_get_contact",
        title="Get contact",
        description="Get one of your contacts by email or id.",
        endpoint="GET /chat/users/me/contacts/{identifier}",
        input=GetContact,
        scopes=needs("chat_contact:read", granular="team_chat:read:contact", admin=False),
        toolset="chat_contacts",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
]
