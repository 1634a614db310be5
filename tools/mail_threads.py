"""Zoom Mail threads (conversations): list, read, label changes, trash, delete."""

from __future__ import annotations

from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.mail_format import decode_label_state, decode_thread, decode_thread_list, encode_label_changes, with_query
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import LabelChangeInput, Mailbox, MailListInput, ThreadId

TOOLSET = "mail_threads"


class ThreadRef(ToolInput):
    mailbox: Mailbox = None
    thread_id: ThreadId


# Flags come after the ids in the schema: pydantic orders fields from the last base first.
class ModifyThread(LabelChangeInput, ThreadRef):
    pass


TOOLS = [
    ToolSpec(
        name="mail_list_threads",
        title="List email conversations",
        description="List conversations, newest first, filtered by label or search query.",
        endpoint="GET /emails/mailboxes/{email}/threads",
        input=MailListInput,
        scopes=needs("mail:read", granular="email:read:list_threads"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        page=Page.mail("threads"),
        decode=decode_thread_list,
    ),
    ToolSpec(
        name="mail_get_thread",
        title="Read email conversation",
        description="Read a conversation's messages (bodies shortened).",
        endpoint="GET /emails/mailboxes/{email}/threads/{threadId}",
        input=ThreadRef,
        scopes=needs("mail:read", granular="email:read:thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=with_query(format="full"),
        decode=decode_thread,
    ),
    ToolSpec(
        name="mail_modify_thread",
        title="Change conversation flags",
        description="Mark read, star, archive, move or relabel a whole conversation.",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/modify",
        input=ModifyThread,
        scopes=needs("mail:write", granular="email:write:thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=encode_label_changes,
        decode=decode_label_state,
    ),
    ToolSpec(
        name="mail_trash_thread",
        title="Trash conversation",
        description="Move a conversation to TRASH (recoverable).",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/trash",
        input=ThreadRef,
        scopes=needs("mail:write", granular="email:write:trash_thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        decode=decode_label_state,
    ),
    ToolSpec(
        name="mail_untrash_thread",
        title="Restore conversation from trash",
        description="Move a conversation out of TRASH.",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/untrash",
        input=ThreadRef,
        scopes=needs("mail:write", granular="email:write:untrash_thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        decode=decode_label_state,
    ),
    ToolSpec(
        name="mail_delete_thread",
        title="Delete conversation permanently",
        description="Delete a conversation for good. Prefer mail_trash_thread.",
        endpoint="DELETE /emails/mailboxes/{email}/threads/{threadId}",
        input=ThreadRef,
        scopes=needs("mail:write", granular="email:delete:thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Permanently delete conversation {thread_id} and all its messages",
    ),
]
