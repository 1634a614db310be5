"""Zoom Mail threads (conversations): list, read, label changes, trash, delete."""

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, Page, ToolInput, defaults
from zoom_mcp.codecs.mail_format import (
    THREAD_MAX,
    decode_label_state,
    decode_thread,
    decode_thread_list,
    encode_label_changes,
    read_query,
)
from zoom_mcp.tools._common import (
    HeadersOnly,
    LabelChangeInput,
    Mailbox,
    MailListInput,
    MailPageToken,
    ThreadId,
)
from zoom_mcp.tools._scopes import READS_THREAD, mail_read, mail_write


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


tool = defaults(toolset="mail_threads", rate="medium")

TOOLS = [
    tool("mail_list_threads", READ, "List email conversations")(
        description="List conversations, newest first, filtered by label or search query.",
        endpoint="GET /emails/mailboxes/{email}/threads",
        input=MailListInput,
        scopes=mail_read("email:read:list_threads") & READS_THREAD,
        page=Page.mail("threads"),
        decode=decode_thread_list,
    ),
    tool("mail_get_thread", READ, "Read email conversation")(
        description="Read a conversation's messages (bodies shortened).",
        endpoint="GET /emails/mailboxes/{email}/threads/{threadId}",
        input=ReadThread,
        scopes=mail_read("email:read:thread"),
        # Zoom serves a thread's first maxResults messages with no next-page token: ask for its
        # maximum and page through them within the result budget.
        page=Page.mail("messages"),
        encode=read_query(maxResults=THREAD_MAX),
        decode=decode_thread,
    ),
    tool("mail_modify_thread", IDEMPOTENT_WRITE, "Change conversation flags")(
        description="Mark read, star, archive, move or relabel a whole conversation.",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/modify",
        input=ModifyThread,
        scopes=mail_write("email:write:thread"),
        encode=encode_label_changes,
        decode=decode_label_state,
    ),
    tool("mail_trash_thread", IDEMPOTENT_WRITE, "Trash conversation")(
        description="Move a conversation to TRASH (recoverable).",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/trash",
        input=ThreadRef,
        scopes=mail_write("email:write:trash_thread"),
        decode=decode_label_state,
    ),
    tool("mail_untrash_thread", IDEMPOTENT_WRITE, "Restore conversation from trash")(
        description="Move a conversation out of TRASH.",
        endpoint="POST /emails/mailboxes/{email}/threads/{threadId}/untrash",
        input=ThreadRef,
        scopes=mail_write("email:write:untrash_thread"),
        decode=decode_label_state,
    ),
    tool("mail_delete_thread", DESTRUCTIVE, "Delete conversation permanently")(
        description="Delete a conversation for good. Prefer mail_trash_thread.",
        endpoint="DELETE /emails/mailboxes/{email}/threads/{threadId}",
        input=ThreadRef,
        scopes=mail_write("email:delete:thread"),
        confirm="Permanently delete conversation {thread_id} and all its messages",
    ),
]
