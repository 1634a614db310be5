"""Account-level channel administration: any user's channels, members and channel admins.

These need the ``:admin`` scopes (an account admin's app), so a user-level token never sees
them; the user-level forms of the same operations are in chat_channels.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.chat_format import decode_channels, decode_members
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import ChannelId, ChatPageSize, ChatPageToken, MemberEmails, NonEmpty
from zoom_mcp.tools.chat_channels import MemberRef, UpdateType, encode_csv_query, encode_email_objects

# The userId of these paths is the channel's owner (or an admin acting for them).
OwnerId = Annotated[
    str | None,
    Field(serialization_alias="userId", description="Channel owner id or email; default: you"),
]


class OwnedChannel(ToolInput):
    user_id: OwnerId = None
    channel_id: ChannelId


class UpdateChannel(OwnedChannel):
    name: Annotated[str, NonEmpty, Field(max_length=128, description="New name")] | None = None
    type: UpdateType = None


class ListOwnedChannelPage(OwnedChannel):
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


class InviteMembers(OwnedChannel):
    members: MemberEmails


class RemoveMember(OwnedChannel):
    member: MemberRef


class PromoteAdmins(OwnedChannel):
    admins: Annotated[MemberEmails, Field(description="Member emails to make admins")]


class DemoteAdmins(OwnedChannel):
    user_ids: Annotated[list[str], Field(min_length=1, description="Admins' user ids")]


class ListPublicChannels(ToolInput):
    page_size: ChatPageSize = 10
    next_page_token: ChatPageToken = None


TOOLS = [
    ToolSpec(
        name="chat_admin_get_channel",
        title="Get channel (admin)",
        description="Account admin: get any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}",
        input=OwnedChannel,
        scopes=needs("chat_channel:read:admin", granular="team_chat:read:user_channel:admin"),
        toolset="chat_admin",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_update_channel",
        title="Update channel (admin)",
        description="Account admin: rename any user's channel or change its type.",
        endpoint="PATCH /chat/users/{userId}/channels/{channelId}",
        input=UpdateChannel,
        scopes=needs("chat_channel:write:admin", granular="team_chat:update:user_channel:admin"),
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_delete_channel",
        title="Delete channel (admin)",
        description="Account admin: delete any user's channel with all its messages. Permanent.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}",
        input=OwnedChannel,
        scopes=needs("chat_channel:write:admin", granular="team_chat:delete:user_channel:admin"),
        confirm="Delete channel {channel_id} and all its messages permanently",
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_list_channel_members",
        title="List channel members (admin)",
        description="Account admin: list the members of any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}/members",
        input=ListOwnedChannelPage,
        scopes=needs("chat_channel:read:admin", granular="team_chat:read:list_members:admin"),
        page=Page(items="members"),
        decode=decode_members,
        toolset="chat_admin",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_invite_channel_members",
        title="Invite channel members (admin)",
        description="Account admin: add up to 5 people to any user's channel.",
        endpoint="POST /chat/users/{userId}/channels/{channelId}/members",
        input=InviteMembers,
        scopes=needs("chat_channel:write:admin", granular="team_chat:write:members:admin"),
        encode=encode_email_objects,
        verify="chat_admin_list_channel_members for the same channel",
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_remove_channel_member",
        title="Remove channel member (admin)",
        description="Account admin: remove one member from any user's channel.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}/members/{identifier}",
        input=RemoveMember,
        scopes=needs("chat_channel:write:admin", granular="team_chat:delete:member:admin"),
        confirm="Remove {member} from channel {channel_id}",
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_list_channel_admins",
        title="List channel admins (admin)",
        description="Account admin: list the owner and admins of any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}/admins",
        input=ListOwnedChannelPage,
        scopes=needs("chat_channel:read:admin", granular="team_chat:read:list_administrators:admin"),
        page=Page(items="admins"),
        toolset="chat_admin",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_add_channel_admins",
        title="Add channel admins (admin)",
        description="Account admin: make up to 5 channel members admins of the channel.",
        endpoint="POST /chat/users/{userId}/channels/{channelId}/admins",
        input=PromoteAdmins,
        scopes=needs("chat_channel:write:admin", granular="team_chat:write:administrator:admin"),
        encode=encode_email_objects,
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_remove_channel_admins",
        title="Remove channel admins (admin)",
        description="Account admin: demote channel admins to plain members.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}/admins",
        input=DemoteAdmins,
        scopes=needs("chat_channel:write:admin", granular="team_chat:delete:batch_administrators:admin"),
        encode=encode_csv_query,
        confirm="Demote admins {user_ids} of channel {channel_id} to members",
        toolset="chat_admin",
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="chat_admin_list_public_channels",
        title="List public channels (admin)",
        description="Account admin: list every public channel in the account.",
        endpoint="GET /chat/channels",
        input=ListPublicChannels,
        scopes=needs("chat_channel:read:admin", granular="team_chat:read:list_channels:admin"),
        page=Page(items="channels"),
        decode=decode_channels,
        toolset="chat_admin",
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
]
