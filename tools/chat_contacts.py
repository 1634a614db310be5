"""Contacts: your Team Chat contacts and a search of the company directory."""

from typing import Annotated, Literal

from pydantic import Field

from zoom_mcp.catalog import READ, Page, ToolInput, defaults, page_size
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import ChatPageSize, ChatPageToken, NonEmpty
from zoom_mcp.tools._scopes import chat_contact_read

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


tool = defaults(toolset="chat_contacts", rate="medium")

TOOLS = [
    tool("chat_search_company_contacts", READ, "Search company contacts")(
        description="Find people in your company directory by name or email.",
        endpoint="GET /contacts",
        input=SearchCompanyContacts,
        scopes=needs("contact:read", granular="contact:read:list_contacts"),
        page=Page(items="contacts"),
    ),
    tool("chat_list_contacts", READ, "List my contacts")(
        description="List your Team Chat contacts, company or external.",
        endpoint="GET /chat/users/me/contacts",
        input=ListContacts,
        scopes=chat_contact_read("team_chat:read:list_contacts"),
        page=Page(items="contacts"),
    ),
    tool("chat_get_contact", READ, "Get contact")(
        description="Get one of your contacts by email or id.",
        endpoint="GET /chat/users/me/contacts/{identifier}",
        input=GetContact,
        scopes=chat_contact_read("team_chat:read:contact"),
    ),
]
