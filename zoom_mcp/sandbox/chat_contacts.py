"""Team Chat contacts (the token user's, and the company directory) and chat sessions."""

from __future__ import annotations

from typing import Any

from zoom_mcp.sandbox.chat_common import (
    PAGING,
    Registry,
    body_of,
    contact,
    contact_not_found,
    conversations_of,
    flag,
    iso,
    page,
    parse_time,
    path_user,
    user_brief,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, User
from zoom_mcp.sandbox.state import SandboxState, dm_key

route = Registry()


def _presence(user: User) -> str:
    # Stable per user, so repeated reads agree.
    return ("Available", "Away", "Do_Not_Disturb", "Offline")[sum(map(ord, user.id)) % 4]


def _contact_json(state: SandboxState, user: User, presence: bool) -> dict[str, Any]:
    out = user_brief(user)
    if presence:
        out["presence_status"] = _presence(user)
    return out


def _company(state: SandboxState, user: User) -> list[User]:
    return [u for u in state.users if u.id != user.id]


def _external(state: SandboxState, user: User) -> list[User]:
    ids = state.chat.external_contacts.get(user.id, [])
    return [u for u in state.outsiders if u.id in ids]


@route("GET /chat/users/me/contacts", query=("type", *PAGING))
async def list_contacts(call: Call) -> Reply:
    kind = call.query.get("type", "company")
    if kind not in ("company", "external"):
        raise validation("type", "Must be company or external.")
    people = _company(call.state, call.user) if kind == "company" else _external(call.state, call.user)
    chunk, token, size = page(call, people)
    contacts = [_contact_json(call.state, u, False) for u in chunk]
    return Reply({"contacts": contacts, "next_page_token": token, "page_size": size})


@route("GET /chat/users/me/contacts/{identifier}", query=("query_presence_status",))
async def get_contact(call: Call) -> Reply:
    ref = call.path_params["identifier"]
    user = contact(call.state, ref)
    known = _company(call.state, call.user) + _external(call.state, call.user)
    if user.id not in {u.id for u in known}:
        raise contact_not_found(ref)
    out = _contact_json(call.state, user, flag(call.query, "query_presence_status"))
    return Reply(out)


@route("GET /contacts", query=("search_key", "query_presence_status", "contact_types", "user_status", *PAGING))
async def search_company_contacts(call: Call) -> Reply:
    key = (call.query.get("search_key") or "").lower()
    people = [
        u
        for u in call.state.users
        if not key or key in u.display_name.lower() or key in u.email.lower() or key in u.first_name.lower()
    ]
    chunk, token, size = page(call, people, default=1, maximum=25)
    presence = flag(call.query, "query_presence_status")
    contacts = [_contact_json(call.state, u, presence) for u in chunk]
    return Reply({"contacts": contacts, "next_page_token": token, "page_size": size})


@route("POST /chat/users/{userId}/invitations")
async def invite_contact(call: Call) -> Reply:
    user = path_user(call)
    email = body_of(call).get("email")
    if not isinstance(email, str) or "@" not in email:
        raise validation("email", "Invalid field.")
    call.state.chat.invitations.append({"from": user.id, "email": email})
    return Reply(None, status=201)


# ---- sessions


def _last(state: SandboxState, key: str) -> int | None:
    times = [m.timestamp_ms for m in state.chat.messages.values() if m.conversation == key and m.status != "Deleted"]
    return max(times, default=None)


@route("GET /chat/users/{userId}/sessions", query=("type", "search_star", "from", "to", *PAGING))
async def list_sessions(call: Call) -> Reply:
    user = path_user(call)
    state = call.state
    kind = call.query.get("type")
    if kind not in (None, "", "1:1", "groupchat"):
        raise validation("type", "Must be 1:1 or groupchat.")
    start = parse_time(call.query["from"], "from") if call.query.get("from") else 0
    end = parse_time(call.query["to"], "to") if call.query.get("to") else state.clock.now_ms()
    starred = state.chat.starred.get(user.id, set())
    sessions: list[tuple[int, dict[str, Any]]] = []
    for key in conversations_of(state, user):
        last = _last(state, key)
        if last is None or not start <= last <= end:
            continue
        if flag(call.query, "search_star") and key not in starred:
            continue
        if key.startswith("channel:"):
            if kind == "1:1":
                continue
            channel = state.chat.channels[key.split(":", 1)[1]]
            entry = {"channel_id": channel.id, "name": channel.name, "type": "groupchat"}
        else:
            if kind == "groupchat":
                continue
            # A note to self is a conversation whose peer is the user.
            peer_id = next((uid for uid in key.split(":")[1:] if uid != user.id), user.id)
            peer = state.find(peer_id, outsiders=True)
            assert peer is not None
            entry = {
                "name": peer.display_name,
                "type": "1:1",
                "peer_contact_email": peer.email,
                "peer_contact_user_id": peer.id,
                "peer_contact_member_id": peer.member_id,
            }
        entry["last_message_sent_time"] = iso(last)
        sessions.append((last, entry))
    sessions.sort(key=lambda pair: pair[0], reverse=True)
    chunk, token, size = page(call, [entry for _, entry in sessions], user=user.id)
    body: dict[str, Any] = {"next_page_token": token, "page_size": size, "sessions": chunk}
    if call.query.get("from"):
        body["from"] = call.query["from"]
    if call.query.get("to"):
        body["to"] = call.query["to"]
    return Reply(body)


@route("PATCH /chat/users/{userId}/events")
async def star_session(call: Call) -> Reply:
    """Star or unstar a channel or contact (the body's verb key differs between sources)."""
    user = path_user(call)
    body = body_of(call)
    verb = str(body.get("action") or body.get("method") or "")
    if "star" not in verb:
        raise validation("action", "Must be star or unstar.")
    if body.get("to_channel"):
        key = f"channel:{body['to_channel']}"
    elif body.get("to_contact"):
        key = dm_key(user.id, contact(call.state, str(body["to_contact"])).id)
    else:
        raise validation("to_channel", "Provide to_channel or to_contact.")
    starred = call.state.chat.starred.setdefault(user.id, set())
    if "unstar" in verb:
        starred.discard(key)
    else:
        starred.add(key)
    return Reply(None, status=204)


HANDLERS = route.handlers
