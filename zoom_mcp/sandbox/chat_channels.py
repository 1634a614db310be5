"""Team Chat channel endpoints, user level (``/chat/channels/...``, acting as the token's user)
and account level (``/chat/users/{userId}/channels/{channelId}...``, acting as that user)."""

from __future__ import annotations

from typing import Any

from zoom_mcp.sandbox.chat_common import (
    PAGING,
    Registry,
    body_of,
    channel_json,
    channel_of,
    contact,
    csv,
    iso,
    member_channel,
    member_json,
    no_permission,
    page,
    path_user,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError, User
from zoom_mcp.sandbox.state import Channel, SandboxState

route = Registry()
# Limits from Zoom's API reference (maxLength / maxItems, or the field description).
MAX_NAME = 256
CREATE_MEMBERS = 20  # create, and invites at account level
ADMIN_INVITE = 20
PROMOTE_ADMINS = 10
DEMOTE_ADMINS = 10
BATCH_REMOVE = 20
CREATE_TYPES = (1, 2, 3, 4)
UPDATE_TYPES = (1, 2, 3, 5)
DEFAULT_SETTINGS: dict[str, Any] = {
    "add_member_permissions": 1,
    "new_members_can_see_previous_messages_files": True,
    "posting_permissions": 1,
    "mention_all_permissions": 1,
    "allow_to_add_external_users": 0,
}


def _manager(channel: Channel, user: User) -> None:
    if channel.members.get(user.id) not in ("owner", "admin"):
        raise no_permission()


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise validation("name", "This field is required.")
    if len(value) > MAX_NAME:
        raise validation("name", f"Length must be at most {MAX_NAME}.")
    return value


def _emails(body: dict[str, Any], key: str, limit: int) -> list[str]:
    entries = body.get(key)
    if not isinstance(entries, list) or not entries:
        raise validation(key, "This field is required.")
    if len(entries) > limit:
        raise validation(key, f"A max of {limit} members can be added at once.")
    emails = []
    for entry in entries:
        email = entry.get("email") if isinstance(entry, dict) else None
        if not isinstance(email, str) or not email:
            raise validation(f"{key}.email", "Invalid field.")
        emails.append(email)
    return emails


def _invitees(state: SandboxState, emails: list[str], external_ok: bool) -> list[User]:
    users = []
    for email in emails:
        user = contact(state, email)
        if user.account_id != state.account_id and not external_ok:
            raise SandboxError(400, 300, f"External users cannot be added to this channel: {email}.")
        users.append(user)
    return users


def _added(users: list[User], now_ms: int) -> dict[str, Any]:
    # RIVET types say comma-separated strings for ids / member_ids (a Chilkat example has arrays).
    return {
        "added_at": iso(now_ms),
        "ids": ",".join(u.id for u in users),
        "member_ids": ",".join(u.member_id for u in users),
    }


# ---- user level: the user's channels


@route("GET /chat/users/{userId}/channels", query=PAGING)
async def list_channels(call: Call) -> Reply:
    user = path_user(call)
    channels = [c for c in call.state.chat.channels.values() if user.id in c.members]
    chunk, token, size = page(call, channels, user=user.id, maximum=1000)
    return Reply(
        {
            "channels": [channel_json(c) for c in chunk],
            "next_page_token": token,
            "page_size": size,
            "total_records": len(channels),
        }
    )


@route("POST /chat/users/{userId}/channels")
async def create_channel(call: Call) -> Reply:
    user = path_user(call)
    body = body_of(call)
    name = _name(body.get("name"))
    kind = body.get("type", 1)
    if kind not in CREATE_TYPES:
        raise validation("type", "Must be 1, 2, 3 or 4.")
    emails = _emails(body, "members", CREATE_MEMBERS) if body.get("members") else []
    invitees = _invitees(call.state, emails, external_ok=kind != 2)
    settings = {**DEFAULT_SETTINGS, **(body.get("channel_settings") or {})}
    channel = Channel(
        id=call.state.ids.hex32(),
        name=name,
        type=kind,
        owner_id=user.id,
        created_ms=call.state.clock.now_ms(),
        settings=settings,
    )
    channel.members[user.id] = "owner"
    for invitee in invitees:
        channel.members.setdefault(invitee.id, "member")
    call.state.chat.channels[channel.id] = channel
    return Reply(channel_json(channel, settings=False), status=201)


@route("GET /chat/channels", query=PAGING)
async def list_public_channels(call: Call) -> Reply:
    channels = [c for c in call.state.chat.channels.values() if c.type in (3, 5)]
    chunk, token, size = page(call, channels, maximum=20)
    return Reply(
        {
            "channels": [channel_json(c) for c in chunk],
            "next_page_token": token,
            "page_size": size,
            "total_records": len(channels),
        }
    )


@route("GET /chat/channels/{channelId}")
async def get_channel(call: Call) -> Reply:
    channel = channel_of(call.state, call.path_params["channelId"])
    if call.user.id not in channel.members and channel.type not in (3, 5):
        raise SandboxError(404, 404, f"Channel does not exist: {channel.id}.")
    return Reply(channel_json(channel))


def _update(state: SandboxState, channel: Channel, actor: User, body: dict[str, Any]) -> Reply:
    _manager(channel, actor)
    if "name" in body:
        channel.name = _name(body["name"])
    if "type" in body and body["type"] is not None:
        if body["type"] not in UPDATE_TYPES:
            raise validation("type", "Must be 1, 2, 3 or 5.")
        channel.type = body["type"]
    if isinstance(body.get("channel_settings"), dict):
        channel.settings.update(body["channel_settings"])
    return Reply(None, status=204)


def _delete(state: SandboxState, channel: Channel, actor: User) -> Reply:
    if channel.members.get(actor.id) != "owner":
        raise no_permission()
    del state.chat.channels[channel.id]
    for message_id in [m.id for m in state.chat.conversation_messages(channel.conversation)]:
        del state.chat.messages[message_id]
    return Reply(None, status=204)


@route("PATCH /chat/channels/{channelId}")
async def update_channel(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    return _update(call.state, channel, call.user, body_of(call))


@route("DELETE /chat/channels/{channelId}")
async def delete_channel(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    return _delete(call.state, channel, call.user)


def _members(call: Call, channel: Channel) -> Reply:
    ids = list(channel.members)
    chunk, token, size = page(call, ids, default=10, maximum=100)
    return Reply(
        {
            "members": [member_json(call.state, channel, uid) for uid in chunk],
            "next_page_token": token,
            "page_size": size,
            "total_records": len(ids),
        }
    )


def _invite(call: Call, channel: Channel, actor: User, limit: int) -> Reply:
    if channel.settings.get("add_member_permissions") == 2:
        _manager(channel, actor)
    emails = _emails(body_of(call), "members", limit)
    external_ok = channel.type == 5 or bool(channel.settings.get("allow_to_add_external_users"))
    invitees = _invitees(call.state, emails, external_ok)
    for user in invitees:
        channel.members.setdefault(user.id, "member")
    return Reply(_added(invitees, call.state.clock.now_ms()), status=201)


def _remove(state: SandboxState, channel: Channel, actor: User, refs: list[str]) -> Reply:
    _manager(channel, actor)
    for ref in refs:
        user = state.find(ref, outsiders=True)
        if user is None or user.id not in channel.members:
            raise SandboxError(404, 404, f"Member does not exist: {ref}.")
        if channel.members[user.id] == "owner":
            raise SandboxError(400, 300, "The channel owner cannot be removed.")
    for ref in refs:
        user = state.find(ref, outsiders=True)
        assert user is not None
        channel.members.pop(user.id, None)
    return Reply(None, status=204)


@route("GET /chat/channels/{channelId}/members", query=PAGING)
async def list_members(call: Call) -> Reply:
    return _members(call, member_channel(call.state, call.path_params["channelId"], call.user))


@route("POST /chat/channels/{channelId}/members")
async def invite_members(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    return _invite(call, channel, call.user, call.state.invite_limit)


@route("DELETE /chat/channels/{channelId}/members", query=("member_ids", "user_ids"))
async def remove_members(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    refs = csv(call.query.get("member_ids")) + csv(call.query.get("user_ids"))
    if not refs:
        raise validation("member_ids", "Provide member_ids or user_ids.")
    if len(refs) > BATCH_REMOVE:
        raise validation("member_ids", f"A max of {BATCH_REMOVE} ids can be removed at once.")
    return _remove(call.state, channel, call.user, refs)


@route("DELETE /chat/channels/{channelId}/members/{identifier}")
async def remove_member(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    return _remove(call.state, channel, call.user, [call.path_params["identifier"]])


@route("POST /chat/channels/{channelId}/members/me")
async def join_channel(call: Call) -> Reply:
    channel = channel_of(call.state, call.path_params["channelId"])
    if channel.type not in (3, 5):
        raise SandboxError(403, 200, "Only public channels can be joined.")
    channel.members.setdefault(call.user.id, "member")
    added = {"added_at": iso(call.state.clock.now_ms()), "id": call.user.id, "member_id": call.user.member_id}
    return Reply(added, status=201)


@route("DELETE /chat/channels/{channelId}/members/me")
async def leave_channel(call: Call) -> Reply:
    channel = member_channel(call.state, call.path_params["channelId"], call.user)
    if channel.members[call.user.id] == "owner":
        raise SandboxError(400, 300, "The channel owner cannot leave the channel.")
    del channel.members[call.user.id]
    return Reply(None, status=204)


# ---- account level: a named user's channel


def _owned(call: Call) -> tuple[Channel, User]:
    user = path_user(call)
    channel = channel_of(call.state, call.path_params["channelId"])
    if user.id not in channel.members:
        raise SandboxError(404, 404, f"Channel does not exist: {channel.id}.")
    return channel, user


@route("GET /chat/users/{userId}/channels/{channelId}")
async def admin_get_channel(call: Call) -> Reply:
    channel, _ = _owned(call)
    return Reply(channel_json(channel))


@route("PATCH /chat/users/{userId}/channels/{channelId}")
async def admin_update_channel(call: Call) -> Reply:
    channel, user = _owned(call)
    return _update(call.state, channel, user, body_of(call))


@route("DELETE /chat/users/{userId}/channels/{channelId}")
async def admin_delete_channel(call: Call) -> Reply:
    channel, user = _owned(call)
    return _delete(call.state, channel, user)


@route("DELETE /chat/users/{userId}/channels", query=("channel_ids",))
async def admin_delete_channels(call: Call) -> Reply:
    user = path_user(call)
    ids = csv(call.query.get("channel_ids"))
    if not ids:
        raise validation("channel_ids", "This field is required.")
    for channel_id in ids:
        channel = channel_of(call.state, channel_id)
        _delete(call.state, channel, user)
    return Reply(None, status=204)


@route("GET /chat/users/{userId}/channels/{channelId}/members", query=PAGING)
async def admin_list_members(call: Call) -> Reply:
    channel, _ = _owned(call)
    return _members(call, channel)


@route("POST /chat/users/{userId}/channels/{channelId}/members")
async def admin_invite_members(call: Call) -> Reply:
    channel, user = _owned(call)
    return _invite(call, channel, user, ADMIN_INVITE)


@route("DELETE /chat/users/{userId}/channels/{channelId}/members/{identifier}")
async def admin_remove_member(call: Call) -> Reply:
    channel, user = _owned(call)
    return _remove(call.state, channel, user, [call.path_params["identifier"]])


@route("GET /chat/users/{userId}/channels/{channelId}/admins", query=PAGING)
async def list_admins(call: Call) -> Reply:
    channel, _ = _owned(call)
    ids = [uid for uid, role in channel.members.items() if role in ("owner", "admin")]
    chunk, token, size = page(call, ids, default=10, maximum=50)
    return Reply(
        {
            "admins": [member_json(call.state, channel, uid) for uid in chunk],
            "next_page_token": token,
            "page_size": size,
        }
    )


@route("POST /chat/users/{userId}/channels/{channelId}/admins")
async def promote_admins(call: Call) -> Reply:
    channel, user = _owned(call)
    _manager(channel, user)
    emails = _emails(body_of(call), "admins", PROMOTE_ADMINS)
    promoted = []
    for email in emails:
        member = contact(call.state, email)
        if member.id not in channel.members:
            raise SandboxError(400, 300, f"User is not a member of the channel: {email}.")
        if channel.members[member.id] == "member":
            channel.members[member.id] = "admin"
        promoted.append(member)
    return Reply(_added(promoted, call.state.clock.now_ms()), status=201)


@route("DELETE /chat/users/{userId}/channels/{channelId}/admins", query=("admin_ids", "user_ids"))
async def demote_admins(call: Call) -> Reply:
    channel, user = _owned(call)
    if channel.members.get(user.id) != "owner":
        raise no_permission()
    refs = csv(call.query.get("user_ids")) + csv(call.query.get("admin_ids"))
    if not refs:
        raise validation("user_ids", "This field is required.")
    if len(refs) > DEMOTE_ADMINS:
        raise validation("user_ids", f"A max of {DEMOTE_ADMINS} admins can be demoted at once.")
    for ref in refs:
        admin = call.state.find(ref, outsiders=True)
        if admin is None or channel.members.get(admin.id) != "admin":
            raise SandboxError(404, 404, f"Admin does not exist: {ref}.")
        channel.members[admin.id] = "member"
    return Reply(None, status=204)


HANDLERS = route.handlers
