"""Channel administration by owner: any user's channels, members and channel admins.
from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, WRITE, defaults
from zoom_mcp.tools._scopes import channel_read, channel_write


Zoom grants most of these to user-level scopes too (then on the caller's own channels); a
few (admins, single member removal) have only ``:admin`` granular scopes. The user-level forms
of the same operations are in chat_channels.
"""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, WRITE, Page, ToolInput, defaults, page_size
from zoom_mcp.codecs.chat_format import decode_channel, decode_channels, decode_members
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import ChannelId, ChatPageToken
from zoom_mcp.tools._scopes import channel_read, channel_write
from zoom_mcp.tools.chat_channels import (
    ManyEmails,
    MemberRef,
    MembersPageSize,
    NewName,
    UpdateType,
    encode_csv_query,
    encode_email_objects,
)

# The userId of these paths is the channel's owner (or an admin acting for them).
OwnerId = Annotated[
    str | None,
    Field(serialization_alias="userId", description="Channel owner id or email; default: you"),
]

AdminsPageSize = page_size(maximum=50, default=10)
# Zoom serves at most 20 of the account's public channels a page.
PublicPageSize = page_size(maximum=20, default=10)


class OwnedChannel(ToolInput):
    user_id: OwnerId = None
    channel_id: ChannelId


class UpdateChannel(OwnedChannel):
    name: NewName = None
    type: UpdateType = None


class ListMembersPage(OwnedChannel):
    page_size: MembersPageSize = 10
    next_page_token: ChatPageToken = None


class ListAdminsPage(OwnedChannel):
    page_size: AdminsPageSize = 10
    next_page_token: ChatPageToken = None


class InviteMembers(OwnedChannel):
    members: ManyEmails


class RemoveMember(OwnedChannel):
    member: MemberRef


class PromoteAdmins(OwnedChannel):
    admins: Annotated[list[str], Field(min_length=1, max_length=10, description="Member emails to make admins")]


class DemoteAdmins(OwnedChannel):
    user_ids: Annotated[list[str], Field(min_length=1, max_length=10, description="Admins' user ids")]


class ListPublicChannels(ToolInput):
    page_size: PublicPageSize = 10
    next_page_token: ChatPageToken = None


tool = defaults(toolset="chat_admin", rate="medium")

TOOLS = [
    tool("chat_admin_get_channel", READ, "Get channel (admin)")(
        description="Account admin: get any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}",
        input=OwnedChannel,
        scopes=channel_read("team_chat:read:user_channel"),
        decode=decode_channel,
    ),
    tool("chat_admin_update_channel", IDEMPOTENT_WRITE, "Update channel (admin)")(
        description="Account admin: rename any user's channel or change its type.",
        endpoint="PATCH /chat/users/{userId}/channels/{channelId}",
        input=UpdateChannel,
        scopes=channel_write("team_chat:update:user_channel"),
    ),
    tool("chat_admin_delete_channel", DESTRUCTIVE, "Delete channel (admin)")(
        description="Account admin: delete any user's channel with all its messages. Permanent.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}",
        input=OwnedChannel,
        scopes=channel_write("team_chat:delete:user_channel"),
        confirm="Delete channel {channel_id} and all its messages permanently",
    ),
    tool("chat_admin_list_channel_members", READ, "List channel members (admin)")(
        description="Account admin: list the members of any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}/members",
        input=ListMembersPage,
        scopes=channel_read("team_chat:read:list_members"),
        page=Page(items="members"),
        decode=decode_members,
    ),
    tool("chat_admin_invite_channel_members", WRITE, "Invite channel members (admin)")(
        description="Add up to 20 people to a user's channel (any user's, for an account admin).",
        endpoint="POST /chat/users/{userId}/channels/{channelId}/members",
        input=InviteMembers,
        scopes=channel_write("team_chat:write:members"),
        encode=encode_email_objects,
        verify="chat_admin_list_channel_members for the same channel",
    ),
    tool("chat_admin_remove_channel_member", DESTRUCTIVE, "Remove channel member (admin)")(
        description="Account admin: remove one member from any user's channel.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}/members/{identifier}",
        input=RemoveMember,
        scopes=channel_write("team_chat:delete:member:admin"),
        confirm="Remove {member} from channel {channel_id}",
    ),
    tool("chat_admin_list_channel_admins", READ, "List channel admins (admin)")(
        description="Account admin: list the owner and admins of any user's channel.",
        endpoint="GET /chat/users/{userId}/channels/{channelId}/admins",
        input=ListAdminsPage,
        scopes=needs("chat_channel:read", granular="team_chat:read:list_administrators:admin"),
        page=Page(items="admins"),
    ),
    tool("chat_admin_add_channel_admins", IDEMPOTENT_WRITE, "Add channel admins (admin)")(
        description="Account admin: make up to 10 channel members admins of the channel.",
        endpoint="POST /chat/users/{userId}/channels/{channelId}/admins",
        input=PromoteAdmins,
        scopes=channel_write("team_chat:write:administrator:admin"),
        encode=encode_email_objects,
    ),
    tool("chat_admin_remove_channel_admins", DESTRUCTIVE, "Remove channel admins (admin)")(
        description="Account admin: demote channel admins to plain members.",
        endpoint="DELETE /chat/users/{userId}/channels/{channelId}/admins",
        input=DemoteAdmins,
        scopes=channel_write("team_chat:delete:batch_administrators:admin"),
        encode=encode_csv_query,
        confirm="Demote admins {user_ids} of channel {channel_id} to members",
    ),
    tool("chat_admin_list_public_channels", READ, "List public channels (admin)")(
        description="Account admin: list every public channel in the account.",
        endpoint="GET /chat/channels",
        input=ListPublicChannels,
        scopes=needs(
            "chat_channel:read:admin", "chat_channel:write:admin", granular="team_chat:read:list_channels:admin"
        ),
        page=Page(items="channels"),
        decode=decode_channels,
    ),
]
