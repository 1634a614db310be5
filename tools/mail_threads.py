"""Zoom Mail threads (conversations): list, read, label changes, trash, delete."""

from __future__ import annotations

from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.mail_format import (
    THREAD_MAX,
    decode_label_state,
    decode_thread,
    decode_thread_list,
    encode_label_changes,
    read_query,
)
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import (
    READS_THREAD,
    HeadersOnly,
    LabelChangeInput,
    Mailbox,
    MailListInput,
    MailPageToken,
    ThreadId,
)

TOOLSET = "mail_threads"


class ThreadRef(ToolInput):
    mailbox: Mailbox = None
    thread_id: ThreadId


# A long conversation is cut to the result budget; next_page_token resumes at the next message.
class ReadThread(ThreadRef):
    headers_only: HeadersOnly = None
    next_page_token: MailPageToken = None


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
        scopes=needs("mail:read", granular="email:read:list_threads") & READS_THREAD,
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
        input=ReadThread,
        scopes=needs("mail:read", granular="email:read:thread"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        # Zoom serves a thread's first maxResults messages with no next-page token: ask for its
        # maximum and page through them within the result budget.
        page=Page.mail("messages"),
        encode=read_query(maxResults=THREAD_MAX),
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
