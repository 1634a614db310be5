"""Team Chat channels as a user sees them: list, create, get, update, delete, join, leave, members."""

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, PlainSerializer

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, LOCAL, READ, WRITE, Page, ToolInput, defaults, page_size
from zoom_mcp.codecs.chat_format import CHANNEL_TYPE_CODES, decode_channel, decode_channels, decode_members
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import (
    ChannelId,
    ChatPageToken,
    NonEmpty,
    RequiredPathId,
    UserId,
)
from zoom_mcp.tools._scopes import channel_read, channel_write

if TYPE_CHECKING:
    from zoom_mcp.catalog import CallContext, Request, ToolSpec


def encode_email_objects(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
    """Turn the model's list of emails into Zoom's ``[{"email": ...}]`` (members or admins)."""
    request = ctx.default_request(args)
    body = dict(request.json or {})
    for key in ("members", "admins"):
        if isinstance(body.get(key), list):
            body[key] = [{"email": email} for email in body[key]]
    return replace(request, json=body)


def encode_csv_query(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
    """Zoom's batch endpoints take ids as one comma-separated query value, not repeated keys."""
    request = ctx.default_request(args)
    query = {key: ",".join(value) if isinstance(value, list) else value for key, value in request.query.items()}
    return replace(request, query=query)


# Limits from Zoom's API reference: names up to 256 characters; 5 members per user-level invite,
# 20 per create and account-level invite; 20 ids per batch removal.
NAME_LENGTH = 256
ChannelName = Annotated[str, NonEmpty, Field(max_length=NAME_LENGTH, description="Channel name")]
# The None sits outside: the length check then never sees a null (a TypeError inside validation).
NewName = Annotated[str, NonEmpty, Field(max_length=NAME_LENGTH, description="New name")] | None
InviteEmails = Annotated[list[str], Field(min_length=1, max_length=5, description="Member emails")]
ManyEmails = Annotated[list[str], Field(min_length=1, max_length=20, description="Member emails")]
ChannelsPageSize = page_size(maximum=1000, default=10)
MembersPageSize = page_size(maximum=100, default=10)
MemberRef = Annotated[
    str,
    NonEmpty,
    RequiredPathId,
    Field(serialization_alias="identifier", description="Member email, user id or member id"),
]
# Zoom's channel types are numeric codes; the model reads and writes their names, sent as the code.
# group_chat exists only on create, public_external only on update.
ToWireType = PlainSerializer(CHANNEL_TYPE_CODES.__getitem__, return_type=int)
CreateType = Annotated[
    Literal["private", "private_org", "public", "group_chat"],
    ToWireType,
    Field(description="private_org: one account's members; public: anyone in the account may join"),
]
UpdateType = Annotated[
    Literal["private", "private_org", "public", "public_external"] | None,
    ToWireType,
    Field(description="private_org: one account's members; public_external: other accounts may join"),
]


class ListChannels(ToolInput):
    user_id: UserId = None
    page_size: ChannelsPageSize = 10
    next_page_token: ChatPageToken = None


class CreateChannel(ToolInput):
    user_id: UserId = None
    name: ChannelName
    type: CreateType = "private"
    members: ManyEmails | None = None


class ChannelRef(ToolInput):
    channel_id: ChannelId


class UpdateChannel(ToolInput):
    channel_id: ChannelId
    name: NewName = None
    type: UpdateType = None


class ListMembers(ToolInput):
    channel_id: ChannelId
    page_size: MembersPageSize = 10
    next_page_token: ChatPageToken = None


class InviteMembers(ToolInput):
    channel_id: ChannelId
    members: InviteEmails


class RemoveMember(ToolInput):
    channel_id: ChannelId
    member: MemberRef


class RemoveMembers(ToolInput):
    channel_id: ChannelId
    ids: Annotated[list[str], LOCAL, Field(min_length=1, max_length=20, description="Ids of the members to remove")]
    id_kind: Annotated[Literal["user", "member"], LOCAL, Field(description="User ids or member ids")] = "user"


def encode_remove_members(spec: "ToolSpec", args: ToolInput, ctx: "CallContext") -> "Request":
    # Zoom takes user_ids or member_ids as one comma-separated query value; one list plus a kind
    # lets the confirmation name exactly who is removed.
    if not isinstance(args, RemoveMembers):
        raise TypeError(f"expected RemoveMembers, got {type(args).__name__}")
    key = "user_ids" if args.id_kind == "user" else "member_ids"
    request = ctx.default_request(args)
    return replace(request, query={**request.query, key: ",".join(args.ids)})


tool = defaults(toolset="chat_channels", rate="medium")

TOOLS = [
    tool("chat_list_channels", READ, "List my channels")(
        description="List the channels you belong to.",
        endpoint="GET /chat/users/{userId}/channels",
        input=ListChannels,
        scopes=channel_read("team_chat:read:list_user_channels"),
        page=Page(items="channels"),
        decode=decode_channels,
    ),
    tool("chat_create_channel", WRITE, "Create channel")(
        description="Create a channel, optionally with up to 20 first members from your contacts.",
        endpoint="POST /chat/users/{userId}/channels",
        input=CreateChannel,
        scopes=channel_write("team_chat:write:user_channel"),
        decode=decode_channel,
        encode=encode_email_objects,
        verify="chat_list_channels",
    ),
    tool("chat_get_channel", READ, "Get channel")(
        description="Get a channel's name, type, link and settings.",
        endpoint="GET /chat/channels/{channelId}",
        input=ChannelRef,
        scopes=channel_read("team_chat:read:channel"),
        decode=decode_channel,
    ),
    tool("chat_update_channel", IDEMPOTENT_WRITE, "Update channel")(
        description="Rename a channel or change its type; owner or channel admin only.",
        endpoint="PATCH /chat/channels/{channelId}",
        input=UpdateChannel,
        scopes=channel_write("team_chat:update:channel"),
    ),
    tool("chat_delete_channel", DESTRUCTIVE, "Delete channel")(
        description="Delete a channel you own with all its messages. Permanent.",
        endpoint="DELETE /chat/channels/{channelId}",
        input=ChannelRef,
        scopes=channel_write("team_chat:delete:channel"),
        confirm="Delete channel {channel_id} and all its messages permanently",
    ),
    tool("chat_list_channel_members", READ, "List channel members")(
        description="List a channel's members with their roles.",
        endpoint="GET /chat/channels/{channelId}/members",
        input=ListMembers,
        scopes=channel_read("team_chat:read:list_members"),
        page=Page(items="members"),
        decode=decode_members,
    ),
    tool("chat_invite_channel_members", WRITE, "Invite channel members")(
        description="Add up to 5 of your contacts to a channel.",
        endpoint="POST /chat/channels/{channelId}/members",
        input=InviteMembers,
        scopes=channel_write("team_chat:write:members"),
        encode=encode_email_objects,
        verify="chat_list_channel_members for the same channel",
    ),
    tool("chat_join_channel", IDEMPOTENT_WRITE, "Join channel")(
        description="Join a public channel.",
        endpoint="POST /chat/channels/{channelId}/members/me",
        input=ChannelRef,
        # Joining has no :admin granular scope, though the classic :admin scope grants it.
        scopes=needs("chat_channel:write", "chat_channel:write:admin", granular="team_chat:write:member", admin=False),
    ),
    tool("chat_leave_channel", DESTRUCTIVE, "Leave channel")(
        description="Leave a channel; a private one needs a new invite to rejoin.",
        endpoint="DELETE /chat/channels/{channelId}/members/me",
        input=ChannelRef,
        scopes=channel_write("team_chat:delete:member"),
        confirm="Leave channel {channel_id}",
    ),
    tool("chat_remove_channel_member", DESTRUCTIVE, "Remove channel member")(
        description="Remove one member from a channel you own or administer.",
        endpoint="DELETE /chat/channels/{channelId}/members/{identifier}",
        input=RemoveMember,
        scopes=channel_write("team_chat:delete:member"),
        confirm="Remove {member} from channel {channel_id}",
    ),
    tool("chat_remove_channel_members", DESTRUCTIVE, "Remove channel members (batch)")(
        description="Remove several members from a channel in one call.",
        endpoint="DELETE /chat/channels/{channelId}/members",
        input=RemoveMembers,
        scopes=channel_write("team_chat:delete:batch_members"),
        encode=encode_remove_members,
        confirm="Remove {ids} from channel {channel_id}",
    ),
]
