"""Scope requirements shared by tool modules: a family of classic scopes names what it grants,
and a tool adds only its granular scope (``channel_read("team_chat:read:channel")``)."""

from __future__ import annotations

from collections.abc import Callable

from zoom_mcp.scopes import ScopeRequirement, needs


def family(*classic: str, admin: bool = True) -> Callable[[str], ScopeRequirement]:
    """The requirement of an endpoint that any of ``classic`` grants, and its granular scope."""

    def requirement(granular: str) -> ScopeRequirement:
        return needs(*classic, granular=granular, admin=admin)

    return requirement


# --- Team Chat -------------------------------------------------------------------------------
# Zoom's message and channel reads are also granted by the family's write scope.
message_read = family("chat_message:read", "chat_message:write")
message_write = family("chat_message:write")
channel_read = family("chat_channel:read", "chat_channel:write")
channel_write = family("chat_channel:write")
# Zoom offers chat_contact:read at user level only (user-managed apps): no :admin forms.
chat_contact_read = family("chat_contact:read", admin=False)
report_read = family("report_chat:read:admin", "imchat:read:admin")
# The deprecated IM API has no granular scopes; its reads are user-level but for the session list.
IM_READ = needs("imchat:read", admin=False)

# --- Zoom Mail -------------------------------------------------------------------------------
mail_read = family("mail:read")
mail_write = family("mail:write")
# Requirements of the follow-up calls mail hooks make: list rows are filled by a read of each
# message, thread or draft; a reply reads the headers of the message it answers.
READS_MESSAGE = mail_read("email:read:msg")
READS_THREAD = mail_read("email:read:thread")
READS_DRAFT = mail_read("email:read:draft")
