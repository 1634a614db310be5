"""Zoom Mail messages: list, read, send, insert, label changes, trash, delete, attachments."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import LOCAL, QUERY, Page, ToolInput, ToolSpec
from zoom_mcp.mail_format import (
    compose_encoder,
    decode_attachment,
    decode_label_state,
    decode_message,
    decode_message_list,
    encode_label_changes,
    read_query,
)
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import (
    READS_MESSAGE,
    ComposeInput,
    HeadersOnly,
    LabelChangeInput,
    Mailbox,
    MailListInput,
    MessageId,
    SendInput,
    SingleLine,
)

TOOLSET = "mail_messages"
# Gmail caps batch calls at 1000 ids; Zoom documents no limit, so the same bound keeps calls sane.
BatchIds = Annotated[
    list[str], Field(min_length=1, max_length=1000, serialization_alias="ids", description="Message ids")
]


class MessageRef(ToolInput):
    mailbox: Mailbox = None
    message_id: MessageId


class ReadMessage(MessageRef):
    headers_only: HeadersOnly = None


class InsertMessage(ComposeInput):
    sender: Annotated[str | None, LOCAL, SingleLine, Field(description="From; default: mailbox")] = None
    label_ids: Annotated[list[str] | None, LOCAL, Field(description="Labels, e.g. INBOX")] = None
    deleted: Annotated[bool | None, QUERY, Field(description="Insert into TRASH")] = None


class BatchRef(ToolInput):
    mailbox: Mailbox = None
    message_ids: BatchIds


# Flags come after the ids in the schema: pydantic orders fields from the last base first.
class ModifyMessage(LabelChangeInput, MessageRef):
    pass


class BatchModify(LabelChangeInput, BatchRef):
    pass


class GetAttachment(ToolInput):
    mailbox: Mailbox = None
    message_id: MessageId
    attachment_id: Annotated[str, Field(min_length=1, serialization_alias="attachmentId", description="Attachment id")]
    filename: Annotated[str | None, LOCAL, Field(description="Listed file name")] = None
    mime_type: Annotated[str | None, LOCAL, Field(description="Listed type")] = None


TOOLS = [
    ToolSpec(
        name="mail_list_messages",
        title="List emails",
        description="List emails, newest first, filtered by label (INBOX, SENT, ...) or search query.",
        endpoint="GET /emails/mailboxes/{email}/messages",
        input=MailListInput,
        scopes=needs("mail:read", granular="email:read:list_msgs") & READS_MESSAGE,
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        page=Page.mail("messages"),
        decode=decode_message_list,
    ),
    ToolSpec(
        name="mail_get_message",
        title="Read email",
        description="Read one email: headers, text body, attachment ids.",
        endpoint="GET /emails/mailboxes/{email}/messages/{messageId}",
        input=ReadMessage,
        scopes=needs("mail:read", granular="email:read:msg"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=read_query(),
        decode=decode_message,
    ),
    ToolSpec(
        name="mail_send_message",
        title="Send email",
        description="Send an email or reply at once; mail_create_draft lets a human review first.",
        endpoint="POST /emails/mailboxes/{email}/messages/send",
        input=SendInput,
        scopes=needs("mail:write", granular="email:write:send_msg") & READS_MESSAGE,
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        encode=compose_encoder("message"),
        verify="mail_list_messages with label_ids [SENT]",
    ),
    ToolSpec(
        name="mail_insert_message",
        title="Insert email",
        description="Add an email to the mailbox without sending it (import).",
        endpoint="POST /emails/mailboxes/{email}/messages",
        input=InsertMessage,
        scopes=needs("mail:write", granular="email:write:msg") & READS_MESSAGE,
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        encode=compose_encoder("message"),
        verify="mail_list_messages with q for the subject",
    ),
    ToolSpec(
        name="mail_modify_message",
        title="Change email flags",
        description="Mark read, star, archive, move or relabel an email.",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/modify",
        input=ModifyMessage,
        scopes=needs("mail:write", granular="email:write:modify_msg"),
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
        name="mail_batch_modify_messages",
        title="Change flags of many emails",
        description="Mark read, star, archive, move or relabel many emails.",
        endpoint="POST /emails/mailboxes/{email}/messages/batchModify",
        input=BatchModify,
        scopes=needs("mail:write", granular="email:write:batch_modify_msgs"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=encode_label_changes,
    ),
    ToolSpec(
        name="mail_trash_message",
        title="Trash email",
        description="Move an email to TRASH (recoverable).",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/trash",
        input=MessageRef,
        scopes=needs("mail:write", granular="email:write:trash_msg"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        decode=decode_label_state,
    ),
    ToolSpec(
        name="mail_untrash_message",
        title="Restore email from trash",
        description="Move an email out of TRASH.",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/untrash",
        input=MessageRef,
        scopes=needs("mail:write", granular="email:write:untrash_msg"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        decode=decode_label_state,
    ),
    ToolSpec(
        name="mail_delete_message",
        title="Delete email permanently",
        description="Delete an email for good. Prefer mail_trash_message.",
        endpoint="DELETE /emails/mailboxes/{email}/messages/{messageId}",
        input=MessageRef,
        scopes=needs("mail:write", granular="email:delete:msg"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Permanently delete email {message_id}",
    ),
    ToolSpec(
        name="mail_batch_delete_messages",
        title="Delete emails permanently",
        description="Delete emails for good. Prefer mail_trash_message.",
        endpoint="POST /emails/mailboxes/{email}/messages/batchDelete",
        input=BatchRef,
        scopes=needs("mail:write", granular="email:write:batch_delete_msgs"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Permanently delete emails {message_ids}",
    ),
    ToolSpec(
        name="mail_get_attachment",
        title="Download email attachment",
        description="Download an attachment listed by mail_get_message; large files are saved to disk.",
        endpoint="GET /emails/mailboxes/{email}/messages/{messageId}/attachments/{attachmentId}",
        input=GetAttachment,
        scopes=needs("mail:read", granular="email:read:attachment"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        decode=decode_attachment,
    ),
]
