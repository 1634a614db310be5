"""The catalog as an MCP client receives it, pinned by inline snapshots.

The full ``tools/list`` (names, titles, descriptions, input schemas, annotations) is pinned once,
for all scopes. The scope-filtered and read-only lists pin which tools are served, and every
entry they serve must equal the pinned one: a tool is described the same whatever else registers.
A change to any tool schema shows up here as a snapshot diff to review
(``pytest --inline-snapshot=review``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from inline_snapshot import snapshot
from mcp import Client

if TYPE_CHECKING:
    from tests.conftest import ClientFactory

USER_LEVEL_CHAT = "chat_message:read chat_message:write chat_channel:read chat_channel:write chat_contact:read"
GRANULAR_MAIL = (
    "email:read:list_msgs email:read:msg email:write:send_msg email:write:modify_msg "
    "email:read:list_labels email:write:label email:read:list_drafts email:read:draft email:write:draft"
)


async def served(connected: Client) -> dict[str, dict[str, Any]]:
    tools = (await connected.list_tools()).tools
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


def as_user_level(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as a user-level app (no ``:admin`` scope) serves it: no user or mailbox parameter."""
    schema = dict(tool["inputSchema"])
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in ("user_id", "mailbox")}
    return {**tool, "inputSchema": schema}


@pytest.fixture
async def full_catalog(client: ClientFactory) -> dict[str, dict[str, Any]]:
    # Every tool, the opt-in toolsets too; the default list is pinned in test_default_catalog.
    async with client(env={"ZOOM_MCP_TOOLSETS": "all"}) as connected:
        return await served(connected)


@pytest.mark.anyio
async def test_full_catalog(full_catalog: dict[str, dict[str, Any]]) -> None:
    assert len(full_catalog) == 81
    assert list(full_catalog.values()) == snapshot(
        [
            {
                "name": "chat_admin_get_channel",
                "title": "Get channel (admin)",
                "description": "Account admin: get any user's channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_update_channel",
                "title": "Update channel (admin)",
                "description": "Account admin: rename any user's channel or change its type.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "name": {"type": "string", "description": "New name; max 256 chars"},
                        "type": {
                            "enum": ["private", "private_org", "public", "public_external"],
                            "type": "string",
                            "description": "private_org: one account's members; public_external: other accounts may join",
                        },
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_delete_channel",
                "title": "Delete channel (admin)",
                "description": "Account admin: delete any user's channel with all its messages. Permanent.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_list_channel_members",
                "title": "List channel members (admin)",
                "description": "Account admin: list the members of any user's channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 100, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_invite_channel_members",
                "title": "Invite channel members (admin)",
                "description": "Add up to 20 people to a user's channel (any user's, for an account admin).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "members": {
                            "description": "Member emails",
                            "items": {"type": "string"},
                            "maxItems": 20,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["channel_id", "members"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_remove_channel_member",
                "title": "Remove channel member (admin)",
                "description": "Account admin: remove one member from any user's channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "member": {"description": "Member email, user id or member id", "type": "string"},
                    },
                    "required": ["channel_id", "member"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_list_channel_admins",
                "title": "List channel admins (admin)",
                "description": "Account admin: list the owner and admins of any user's channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_add_channel_admins",
                "title": "Add channel admins (admin)",
                "description": "Account admin: make up to 10 channel members admins of the channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "admins": {
                            "description": "Member emails to make admins",
                            "items": {"type": "string"},
                            "maxItems": 10,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["channel_id", "admins"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_remove_channel_admins",
                "title": "Remove channel admins (admin)",
                "description": "Account admin: demote channel admins to plain members.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "Channel owner id or email; default: you"},
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "user_ids": {
                            "description": "Admins' user ids",
                            "items": {"type": "string"},
                            "maxItems": 10,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["channel_id", "user_ids"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_admin_list_public_channels",
                "title": "List public channels (admin)",
                "description": "Account admin: list every public channel in the account.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "page_size": {"description": "Items per page", "maximum": 20, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_list_channels",
                "title": "List my channels",
                "description": "List the channels you belong to.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "page_size": {
                            "description": "Items per page",
                            "maximum": 1000,
                            "minimum": 1,
                            "type": "integer",
                        },
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_create_channel",
                "title": "Create channel",
                "description": "Create a channel, optionally with up to 20 first members from your contacts.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "name": {"description": "Channel name; max 256 chars", "type": "string"},
                        "type": {
                            "description": "private_org: one account's members; public: anyone in the account may join; default private",
                            "enum": ["private", "private_org", "public", "group_chat"],
                            "type": "string",
                        },
                        "members": {
                            "description": "Member emails",
                            "items": {"type": "string"},
                            "maxItems": 20,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["name"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_get_channel",
                "title": "Get channel",
                "description": "Get a channel's name, type, link and settings.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"channel_id": {"description": "Channel id", "type": "string"}},
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_update_channel",
                "title": "Update channel",
                "description": "Rename a channel or change its type; owner or channel admin only.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "name": {"type": "string", "description": "New name; max 256 chars"},
                        "type": {
                            "enum": ["private", "private_org", "public", "public_external"],
                            "type": "string",
                            "description": "private_org: one account's members; public_external: other accounts may join",
                        },
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_delete_channel",
                "title": "Delete channel",
                "description": "Delete a channel you own with all its messages. Permanent.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"channel_id": {"description": "Channel id", "type": "string"}},
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_list_channel_members",
                "title": "List channel members",
                "description": "List a channel's members with their roles.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 100, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_invite_channel_members",
                "title": "Invite channel members",
                "description": "Add up to 5 of your contacts to a channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "members": {
                            "description": "Member emails",
                            "items": {"type": "string"},
                            "maxItems": 5,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["channel_id", "members"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_join_channel",
                "title": "Join channel",
                "description": "Join a public channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"channel_id": {"description": "Channel id", "type": "string"}},
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_leave_channel",
                "title": "Leave channel",
                "description": "Leave a channel; a private one needs a new invite to rejoin.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"channel_id": {"description": "Channel id", "type": "string"}},
                    "required": ["channel_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_remove_channel_member",
                "title": "Remove channel member",
                "description": "Remove one member from a channel you own or administer.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "member": {"description": "Member email, user id or member id", "type": "string"},
                    },
                    "required": ["channel_id", "member"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_remove_channel_members",
                "title": "Remove channel members (batch)",
                "description": "Remove several members from a channel in one call.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "channel_id": {"description": "Channel id", "type": "string"},
                        "ids": {
                            "description": "Ids of the members to remove",
                            "items": {"type": "string"},
                            "maxItems": 20,
                            "minItems": 1,
                            "type": "array",
                        },
                        "id_kind": {
                            "description": "User ids or member ids; default user",
                            "enum": ["user", "member"],
                            "type": "string",
                        },
                    },
                    "required": ["channel_id", "ids"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_search_company_contacts",
                "title": "Search company contacts",
                "description": "Find people in your company directory by name or email.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "search_key": {"description": "Name or email to look for", "type": "string"},
                        "query_presence_status": {"type": "boolean", "description": "Include presence status"},
                        "page_size": {"description": "Items per page", "maximum": 25, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["search_key"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_list_contacts",
                "title": "List my contacts",
                "description": "List your Team Chat contacts, company or external.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "type": {
                            "description": "Company or external contacts; default company",
                            "enum": ["company", "external"],
                            "type": "string",
                        },
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_get_contact",
                "title": "Get contact",
                "description": "Get one of your contacts by email or id.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "contact": {"description": "Email, user id or member id", "type": "string"},
                        "query_presence_status": {"type": "boolean", "description": "Include presence status"},
                    },
                    "required": ["contact"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_im_list_messages",
                "title": "List IM messages (deprecated)",
                "description": "Deprecated IM API: list IM messages with a contact or channel; prefer chat_list_messages.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "chat_user": {"type": "string", "description": "Contact email or user id; or channel"},
                        "channel": {"type": "string", "description": "Channel id; or chat_user"},
                        "date": {"type": "string", "description": "Day; default today; YYYY-MM-DD"},
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_im_send_message",
                "title": "Send IM message (deprecated)",
                "description": "Deprecated IM API: send a direct message; prefer chat_send_message.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "chat_user": {"description": "Recipient email or user id", "type": "string"},
                        "message": {"description": "Message text", "type": "string"},
                        "repeat": {
                            "description": "Send again though an identical send just went out; default false",
                            "type": "boolean",
                        },
                    },
                    "required": ["chat_user", "message"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_im_list_session_messages",
                "title": "List IM session messages (deprecated)",
                "description": "Deprecated IM API: list the messages of one IM session; prefer chat_list_messages.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "from_date": {"description": "Start date; YYYY-MM-DD", "type": "string"},
                        "to_date": {"description": "End date; range max 1 month; YYYY-MM-DD", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 300, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                        "session_id": {"description": "Session id", "type": "string"},
                    },
                    "required": ["from_date", "to_date", "session_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_im_list_sessions",
                "title": "List IM sessions (deprecated)",
                "description": "Deprecated IM API: list IM sessions in a date range; prefer chat_list_sessions.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "from_date": {"description": "Start date; YYYY-MM-DD", "type": "string"},
                        "to_date": {"description": "End date; range max 1 month; YYYY-MM-DD", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 300, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["from_date", "to_date"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_send_message",
                "title": "Send chat message",
                "description": "Send a Team Chat message to a contact or channel, optionally as a thread reply.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message": {"description": "Message text; max 1024 chars", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                        "reply_main_message_id": {
                            "type": "string",
                            "description": "Parent message id to reply in its thread",
                        },
                        "file_ids": {
                            "items": {"type": "string"},
                            "maxItems": 6,
                            "type": "array",
                            "description": "File ids from chat_upload_file",
                        },
                        "mentions": {
                            "items": {
                                "required": ["name"],
                                "type": "object",
                                "properties": {
                                    "name": {
                                        "description": "Text after @ in message, e.g. Bruno Alvarez; all for @all",
                                        "type": "string",
                                    },
                                    "contact": {
                                        "type": "string",
                                        "description": "Their email or member id; not for all",
                                    },
                                },
                            },
                            "type": "array",
                            "description": "Channel @mentions written in message",
                        },
                        "scheduled_time": {
                            "format": "date-time",
                            "type": "string",
                            "description": "Send later: 30 min to 180 days ahead",
                        },
                        "repeat": {
                            "description": "Send again though an identical send just went out; default false",
                            "type": "boolean",
                        },
                    },
                    "required": ["message"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_list_messages",
                "title": "List chat messages",
                "description": "Read a direct chat or channel, or search all chats, newest first (today unless from_time).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "to_contact": {"type": "string", "description": "Contact email or id"},
                        "to_channel": {"type": "string", "description": "Channel id"},
                        "from_time": {"format": "date-time", "type": "string", "description": "Start; default today"},
                        "to_time": {"format": "date-time", "type": "string", "description": "End; default now"},
                        "search_key": {
                            "type": "string",
                            "description": "Only messages containing this text; without a chat: all; max 256 chars",
                        },
                        "include_deleted_and_edited_message": {
                            "type": "boolean",
                            "description": "Include edited and deleted",
                        },
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_get_message",
                "title": "Get chat message",
                "description": "Get one Team Chat message by id.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_edit_message",
                "title": "Edit chat message",
                "description": "Replace the text of a message you sent.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                        "message": {"description": "New message text", "type": "string"},
                    },
                    "required": ["message_id", "message"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_delete_message",
                "title": "Delete chat message",
                "description": "Delete a message you sent. Permanent.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_react_to_message",
                "title": "React to chat message",
                "description": "Add or remove your emoji reaction on a message.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                        "action": {
                            "description": "Add or remove; default add",
                            "enum": ["add", "remove"],
                            "type": "string",
                        },
                        "emoji": {"description": "Emoji, e.g. 👍 or U+1F44D", "type": "string"},
                    },
                    "required": ["message_id", "emoji"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_mark_message_read",
                "title": "Mark chat message read",
                "description": "Mark a message read or unread.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                        "action": {
                            "description": "Mark read or unread; default read",
                            "enum": ["read", "unread"],
                            "type": "string",
                        },
                        "timestamp": {
                            "description": "Message time, epoch ms; looked up if omitted",
                            "minimum": 0,
                            "type": "integer",
                        },
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_send_file",
                "title": "Send chat file",
                "description": "Send a file from the upload folder as a message to a contact or channel.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "file_path": {
                            "description": "File path inside the upload folder",
                            "type": "string",
                        },
                        "to_contact": {"type": "string", "description": "Contact email or id; or to_channel"},
                        "to_channel": {"type": "string", "description": "Channel id; or to_contact"},
                        "reply_main_message_id": {
                            "type": "string",
                            "description": "Parent message id to reply in its thread",
                        },
                        "repeat": {
                            "description": "Send again though an identical send just went out; default false",
                            "type": "boolean",
                        },
                    },
                    "required": ["file_path"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_upload_file",
                "title": "Upload chat file",
                "description": "Upload a file from the upload folder, unposted; returns a file id for chat_send_message file_ids.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "file_path": {
                            "description": "File path inside the upload folder",
                            "type": "string",
                        },
                    },
                    "required": ["file_path"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_list_sessions",
                "title": "List chat sessions",
                "description": "List your recent direct chats and channels, most recently active first.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "string", "description": "User id or email; default me"},
                        "type": {
                            "enum": ["1:1", "groupchat"],
                            "type": "string",
                            "description": "Only direct or group chats",
                        },
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_report_list_sessions",
                "title": "Chat sessions report",
                "description": "Account admin: list every chat session active in a date range.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "from_date": {"description": "Start date, within 6 months; YYYY-MM-DD", "type": "string"},
                        "to_date": {"description": "End date; range max 1 month; YYYY-MM-DD", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 300, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                    },
                    "required": ["from_date", "to_date"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "chat_report_list_messages",
                "title": "Chat messages report",
                "description": "Account admin: list the messages of one chat session in a date range.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "from_date": {"description": "Start date, within 6 months; YYYY-MM-DD", "type": "string"},
                        "to_date": {"description": "End date; range max 1 month; YYYY-MM-DD", "type": "string"},
                        "page_size": {"description": "Items per page", "maximum": 100, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "From last result; valid 15 min"},
                        "session_id": {"description": "Session id", "type": "string"},
                    },
                    "required": ["session_id", "from_date", "to_date"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_drafts",
                "title": "List drafts",
                "description": "List draft emails.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "q": {"type": "string", "description": "Search query"},
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "next_page_token of the previous result"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_draft",
                "title": "Read draft",
                "description": "Read one draft.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "draft_id": {"description": "Draft id", "type": "string"},
                        "headers_only": {"type": "boolean", "description": "Headers only, no body"},
                    },
                    "required": ["draft_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_create_draft",
                "title": "Create draft",
                "description": "Save an email or reply as a draft, unsent.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "to": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Recipients",
                        },
                        "cc": {"items": {"type": "string"}, "type": "array", "description": "Cc"},
                        "bcc": {"items": {"type": "string"}, "type": "array", "description": "Bcc"},
                        "subject": {"type": "string", "description": "Subject; replies default to Re:"},
                        "text": {"type": "string", "description": "Plain-text body"},
                        "html": {"type": "string", "description": "HTML body"},
                        "in_reply_to": {"type": "string", "description": "Message id being answered"},
                        "attachments": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Paths in the upload folder",
                        },
                    },
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_update_draft",
                "title": "Replace draft",
                "description": "Replace a draft; fields left out are cleared.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "draft_id": {"description": "Draft id", "type": "string"},
                        "to": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Recipients",
                        },
                        "cc": {"items": {"type": "string"}, "type": "array", "description": "Cc"},
                        "bcc": {"items": {"type": "string"}, "type": "array", "description": "Bcc"},
                        "subject": {"type": "string", "description": "Subject; replies default to Re:"},
                        "text": {"type": "string", "description": "Plain-text body"},
                        "html": {"type": "string", "description": "HTML body"},
                        "in_reply_to": {"type": "string", "description": "Message id being answered"},
                        "attachments": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Paths in the upload folder",
                        },
                    },
                    "required": ["draft_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_send_draft",
                "title": "Send draft",
                "description": "Send a saved draft.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "draft_id": {"description": "Draft id", "type": "string"},
                    },
                    "required": ["draft_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_delete_draft",
                "title": "Delete draft",
                "description": "Delete a draft for good.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "draft_id": {"description": "Draft id", "type": "string"},
                    },
                    "required": ["draft_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_labels",
                "title": "List labels (folders)",
                "description": "List labels (the folders: INBOX, SENT, TRASH, user labels) with counts.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"mailbox": {"type": "string", "description": "Address; default me"}},
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_label",
                "title": "Get label",
                "description": "Get one label with counts.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_id": {"description": "Label id", "type": "string"},
                    },
                    "required": ["label_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_create_label",
                "title": "Create label",
                "description": "Create a label (folder).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "name": {"description": "Label name", "type": "string"},
                        "parent_id": {"type": "string", "description": "Parent label id"},
                    },
                    "required": ["name"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_patch_label",
                "title": "Rename or move label",
                "description": "Rename or re-parent a label.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_id": {"description": "Label id", "type": "string"},
                        "name": {"type": "string", "description": "New name"},
                        "parent_id": {"type": "string", "description": "Parent label id"},
                    },
                    "required": ["label_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_update_label",
                "title": "Replace label",
                "description": "Replace a label; fields left out are reset (no parent: top level).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_id": {"description": "Label id", "type": "string"},
                        "name": {"description": "Label name", "type": "string"},
                        "parent_id": {"type": "string", "description": "Parent label id"},
                    },
                    "required": ["label_id", "name"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_delete_label",
                "title": "Delete label",
                "description": "Delete a user label (folder) for good.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_id": {"description": "Label id", "type": "string"},
                    },
                    "required": ["label_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_profile",
                "title": "Get mailbox profile",
                "description": "Get mailbox address, size, totals and current historyId.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"mailbox": {"type": "string", "description": "Address; default me"}},
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_history",
                "title": "List mailbox changes",
                "description": "List mailbox changes after a historyId (a week-old id may fail).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "start_history_id": {"description": "historyId", "type": "string"},
                        "history_types": {
                            "items": {
                                "enum": [
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
                                ],
                                "type": "string",
                            },
                            "type": "array",
                            "description": "Only these",
                        },
                        "exclude_history_types": {
                            "items": {
                                "enum": [
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
                                ],
                                "type": "string",
                            },
                            "type": "array",
                            "description": "Not these (wins)",
                        },
                        "label_id": {"type": "string", "description": "Only this label"},
                        "page_size": {"description": "Items per page", "maximum": 500, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "next_page_token of the previous result"},
                    },
                    "required": ["start_history_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_messages",
                "title": "List emails",
                "description": "List emails, newest first, filtered by label (INBOX, SENT, ...) or search query.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids, all must match, e.g. INBOX",
                        },
                        "q": {"type": "string", "description": "Search query"},
                        "include_spam_trash": {"type": "boolean", "description": "Include SPAM and TRASH"},
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "next_page_token of the previous result"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_message",
                "title": "Read email",
                "description": "Read one email: headers, text body, attachment ids.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "headers_only": {"type": "boolean", "description": "Headers only, no body"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_send_message",
                "title": "Send email",
                "description": "Send an email or reply at once; mail_create_draft lets a human review first.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "to": {
                            "description": "Recipients",
                            "items": {"type": "string"},
                            "minItems": 1,
                            "type": "array",
                        },
                        "cc": {"items": {"type": "string"}, "type": "array", "description": "Cc"},
                        "bcc": {"items": {"type": "string"}, "type": "array", "description": "Bcc"},
                        "subject": {"type": "string", "description": "Subject; replies default to Re:"},
                        "text": {"type": "string", "description": "Plain-text body"},
                        "html": {"type": "string", "description": "HTML body"},
                        "in_reply_to": {"type": "string", "description": "Message id being answered"},
                        "attachments": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Paths in the upload folder",
                        },
                        "repeat": {
                            "description": "Send again though an identical send just went out; default false",
                            "type": "boolean",
                        },
                    },
                    "required": ["to"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_insert_message",
                "title": "Insert email",
                "description": "Add an email to the mailbox without sending it (import).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "to": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Recipients",
                        },
                        "cc": {"items": {"type": "string"}, "type": "array", "description": "Cc"},
                        "bcc": {"items": {"type": "string"}, "type": "array", "description": "Bcc"},
                        "subject": {"type": "string", "description": "Subject; replies default to Re:"},
                        "text": {"type": "string", "description": "Plain-text body"},
                        "html": {"type": "string", "description": "HTML body"},
                        "in_reply_to": {"type": "string", "description": "Message id being answered"},
                        "attachments": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Paths in the upload folder",
                        },
                        "sender": {"type": "string", "description": "From; default: mailbox"},
                        "label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Labels, e.g. INBOX",
                        },
                        "deleted": {"type": "boolean", "description": "Insert into TRASH"},
                    },
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_modify_message",
                "title": "Change email flags",
                "description": "Mark read, star, archive, move or relabel an email.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "read": {"type": "boolean", "description": "Mark read; false: unread"},
                        "starred": {"type": "boolean", "description": "Star; false: unstar"},
                        "important": {"type": "boolean", "description": "Mark important; false: not"},
                        "archive": {"type": "boolean", "description": "Leave INBOX; false: return"},
                        "move_to": {"type": "string", "description": "Label id to move to"},
                        "add_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to add",
                        },
                        "remove_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to remove",
                        },
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_batch_modify_messages",
                "title": "Change flags of many emails",
                "description": "Mark read, star, archive, move or relabel many emails.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_ids": {
                            "description": "Message ids",
                            "items": {"type": "string"},
                            "maxItems": 1000,
                            "minItems": 1,
                            "type": "array",
                        },
                        "read": {"type": "boolean", "description": "Mark read; false: unread"},
                        "starred": {"type": "boolean", "description": "Star; false: unstar"},
                        "important": {"type": "boolean", "description": "Mark important; false: not"},
                        "archive": {"type": "boolean", "description": "Leave INBOX; false: return"},
                        "move_to": {"type": "string", "description": "Label id to move to"},
                        "add_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to add",
                        },
                        "remove_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to remove",
                        },
                    },
                    "required": ["message_ids"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_trash_message",
                "title": "Trash email",
                "description": "Move an email to TRASH (recoverable).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_untrash_message",
                "title": "Restore email from trash",
                "description": "Move an email out of TRASH.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_delete_message",
                "title": "Delete email permanently",
                "description": "Delete an email for good. Prefer mail_trash_message.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                    },
                    "required": ["message_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_batch_delete_messages",
                "title": "Delete emails permanently",
                "description": "Delete emails for good. Prefer mail_trash_message.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_ids": {
                            "description": "Message ids",
                            "items": {"type": "string"},
                            "maxItems": 1000,
                            "minItems": 1,
                            "type": "array",
                        },
                    },
                    "required": ["message_ids"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_attachment",
                "title": "Download email attachment",
                "description": "Download an attachment listed by mail_get_message; large files are saved to disk.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "message_id": {"description": "Message id", "type": "string"},
                        "attachment_id": {"description": "Attachment id", "type": "string"},
                        "filename": {"type": "string", "description": "Listed file name"},
                        "mime_type": {"type": "string", "description": "Listed type"},
                    },
                    "required": ["message_id", "attachment_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_vacation",
                "title": "Get vacation auto-reply",
                "description": "Get the vacation auto-reply.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"mailbox": {"type": "string", "description": "Address; default me"}},
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_update_vacation",
                "title": "Set vacation auto-reply",
                "description": "Set the vacation auto-reply; fields left out are cleared.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "enabled": {"description": "On or off", "type": "boolean"},
                        "subject": {"type": "string", "description": "Subject"},
                        "text": {"type": "string", "description": "Text"},
                        "html": {"type": "string", "description": "HTML"},
                        "start": {"format": "date-time", "type": "string", "description": "Start time"},
                        "end": {"format": "date-time", "type": "string", "description": "End time"},
                        "contacts_only": {"type": "boolean", "description": "Contacts only"},
                        "domain_only": {"type": "boolean", "description": "Own domain only"},
                    },
                    "required": ["enabled"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_delegates",
                "title": "List mailbox delegates",
                "description": "List mailbox delegates.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"mailbox": {"type": "string", "description": "Address; default me"}},
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_delegate",
                "title": "Get mailbox delegate",
                "description": "Get one mailbox delegate.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "delegate_email": {"description": "Delegate email", "type": "string"},
                    },
                    "required": ["delegate_email"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_grant_delegate",
                "title": "Grant mailbox delegate",
                "description": "Give a user delegate access to the mailbox.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "delegate_email": {"description": "Delegate email", "type": "string"},
                        "access": {
                            "enum": ["reviewer", "author", "editor"],
                            "type": "string",
                            "description": "Access level; default editor",
                        },
                    },
                    "required": ["delegate_email"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_revoke_delegate",
                "title": "Revoke mailbox delegate",
                "description": "Remove a delegate's mailbox access.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "delegate_email": {"description": "Delegate email", "type": "string"},
                    },
                    "required": ["delegate_email"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_filters",
                "title": "List mail filters",
                "description": "List mail filters (incoming mail rules).",
                "inputSchema": {
                    "type": "object",
                    "properties": {"mailbox": {"type": "string", "description": "Address; default me"}},
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_filter",
                "title": "Get mail filter",
                "description": "Get one mail filter.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "filter_id": {"description": "Filter id", "type": "string"},
                    },
                    "required": ["filter_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_create_filter",
                "title": "Create mail filter",
                "description": "Create an incoming mail rule. Filters cannot be edited later.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "sender": {"type": "string", "description": "From contains"},
                        "recipient": {"type": "string", "description": "To contains"},
                        "subject": {"type": "string", "description": "Subject contains"},
                        "query": {"type": "string", "description": "Search query"},
                        "has_attachment": {"type": "boolean", "description": "Has attachments"},
                        "add_label_ids": {"items": {"type": "string"}, "type": "array", "description": "Add label ids"},
                        "remove_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Remove label ids",
                        },
                        "forward": {"type": "string", "description": "Forward to"},
                    },
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": False,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_delete_filter",
                "title": "Delete mail filter",
                "description": "Delete a mail filter (to edit one, delete and re-create).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "filter_id": {"description": "Filter id", "type": "string"},
                    },
                    "required": ["filter_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_list_threads",
                "title": "List email conversations",
                "description": "List conversations, newest first, filtered by label or search query.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids, all must match, e.g. INBOX",
                        },
                        "q": {"type": "string", "description": "Search query"},
                        "include_spam_trash": {"type": "boolean", "description": "Include SPAM and TRASH"},
                        "page_size": {"description": "Items per page", "maximum": 50, "minimum": 1, "type": "integer"},
                        "next_page_token": {"type": "string", "description": "next_page_token of the previous result"},
                    },
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_get_thread",
                "title": "Read email conversation",
                "description": "Read a conversation's messages (bodies shortened).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "thread_id": {"description": "Thread id", "type": "string"},
                        "headers_only": {"type": "boolean", "description": "Headers only, no body"},
                        "next_page_token": {"type": "string", "description": "next_page_token of the previous result"},
                    },
                    "required": ["thread_id"],
                },
                "annotations": {
                    "readOnlyHint": True,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_modify_thread",
                "title": "Change conversation flags",
                "description": "Mark read, star, archive, move or relabel a whole conversation.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "thread_id": {"description": "Thread id", "type": "string"},
                        "read": {"type": "boolean", "description": "Mark read; false: unread"},
                        "starred": {"type": "boolean", "description": "Star; false: unstar"},
                        "important": {"type": "boolean", "description": "Mark important; false: not"},
                        "archive": {"type": "boolean", "description": "Leave INBOX; false: return"},
                        "move_to": {"type": "string", "description": "Label id to move to"},
                        "add_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to add",
                        },
                        "remove_label_ids": {
                            "items": {"type": "string"},
                            "type": "array",
                            "description": "Label ids to remove",
                        },
                    },
                    "required": ["thread_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_trash_thread",
                "title": "Trash conversation",
                "description": "Move a conversation to TRASH (recoverable).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "thread_id": {"description": "Thread id", "type": "string"},
                    },
                    "required": ["thread_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_untrash_thread",
                "title": "Restore conversation from trash",
                "description": "Move a conversation out of TRASH.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "thread_id": {"description": "Thread id", "type": "string"},
                    },
                    "required": ["thread_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": False,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
            {
                "name": "mail_delete_thread",
                "title": "Delete conversation permanently",
                "description": "Delete a conversation for good. Prefer mail_trash_thread.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "mailbox": {"type": "string", "description": "Address; default me"},
                        "thread_id": {"description": "Thread id", "type": "string"},
                    },
                    "required": ["thread_id"],
                },
                "annotations": {
                    "readOnlyHint": False,
                    "destructiveHint": True,
                    "idempotentHint": True,
                    "openWorldHint": True,
                },
            },
        ]
    )


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_user_level_chat_scopes(client: ClientFactory, full_catalog: dict[str, Any], mode: str) -> None:
    async with client(mode=mode, scopes=USER_LEVEL_CHAT) as connected:
        tools = await served(connected)
    assert all(tools[name] == as_user_level(full_catalog[name]) for name in tools)
    assert sorted(tools) == snapshot(
        [
            "chat_admin_add_channel_admins",
            "chat_admin_delete_channel",
            "chat_admin_get_channel",
            "chat_admin_invite_channel_members",
            "chat_admin_list_channel_admins",
            "chat_admin_list_channel_members",
            "chat_admin_remove_channel_admins",
            "chat_admin_remove_channel_member",
            "chat_admin_update_channel",
            "chat_create_channel",
            "chat_delete_channel",
            "chat_delete_message",
            "chat_edit_message",
            "chat_get_channel",
            "chat_get_contact",
            "chat_get_message",
            "chat_invite_channel_members",
            "chat_join_channel",
            "chat_leave_channel",
            "chat_list_channel_members",
            "chat_list_channels",
            "chat_list_contacts",
            "chat_list_messages",
            "chat_list_sessions",
            "chat_mark_message_read",
            "chat_react_to_message",
            "chat_remove_channel_member",
            "chat_remove_channel_members",
            "chat_send_file",
            "chat_send_message",
            "chat_update_channel",
            "chat_upload_file",
        ]
    )


@pytest.mark.anyio
async def test_granular_mail_scopes(client: ClientFactory, full_catalog: dict[str, Any]) -> None:
    async with client(scopes=GRANULAR_MAIL) as connected:
        tools = await served(connected)
    assert all(tools[name] == as_user_level(full_catalog[name]) for name in tools)
    assert sorted(tools) == snapshot(
        [
            "mail_create_draft",
            "mail_create_label",
            "mail_get_draft",
            "mail_get_message",
            "mail_list_drafts",
            "mail_list_labels",
            "mail_list_messages",
            "mail_modify_message",
            "mail_send_message",
        ]
    )


@pytest.mark.anyio
async def test_default_catalog(client: ClientFactory, full_catalog: dict[str, Any]) -> None:
    async with client() as connected:
        tools = await served(connected)
    assert all(tools[name] == full_catalog[name] for name in tools)
    # Under Cursor's 80-tool warning: the deprecated IM tools are opt-in (--toolsets chat_im).
    assert len(tools) <= 77
    assert sorted(set(full_catalog) - set(tools)) == snapshot(
        ["chat_im_list_messages", "chat_im_list_session_messages", "chat_im_list_sessions", "chat_im_send_message"]
    )


@pytest.mark.anyio
async def test_read_only(client: ClientFactory, full_catalog: dict[str, Any]) -> None:
    async with client(env={"ZOOM_MCP_READ_ONLY": "1"}) as connected:
        tools = await served(connected)
    assert all(tools[name] == full_catalog[name] for name in tools)
    assert all(entry["annotations"]["readOnlyHint"] for entry in tools.values())
    assert sorted(tools) == snapshot(
        [
            "chat_admin_get_channel",
            "chat_admin_list_channel_admins",
            "chat_admin_list_channel_members",
            "chat_admin_list_public_channels",
            "chat_get_channel",
            "chat_get_contact",
            "chat_get_message",
            "chat_list_channel_members",
            "chat_list_channels",
            "chat_list_contacts",
            "chat_list_messages",
            "chat_list_sessions",
            "chat_report_list_messages",
            "chat_report_list_sessions",
            "chat_search_company_contacts",
            "mail_get_attachment",
            "mail_get_delegate",
            "mail_get_draft",
            "mail_get_filter",
            "mail_get_label",
            "mail_get_message",
            "mail_get_profile",
            "mail_get_thread",
            "mail_get_vacation",
            "mail_list_delegates",
            "mail_list_drafts",
            "mail_list_filters",
            "mail_list_history",
            "mail_list_labels",
            "mail_list_messages",
            "mail_list_threads",
        ]
    )
