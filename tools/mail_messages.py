"""Zoom Mail messages: list, read, send, insert, label changes, trash, delete, attachments."""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import (
    DESTRUCTIVE,
    IDEMPOTENT_WRITE,
    LOCAL,
    QUERY,
    READ,
    WRITE,
    Page,
    ToolInput,
    defaults,
)
from zoom_mcp.codecs.mail_format import (
    compose_encoder,
    decode_attachment,
    decode_label_state,
    decode_message,
    decode_message_list,
    encode_label_changes,
    read_query,
)
from zoom_mcp.tools._common import (
    ComposeInput,
    HeadersOnly,
    LabelChangeInput,
    Mailbox,
    MailListInput,
    MessageId,
    SendInput,
    SingleLine,
)
from zoom_mcp.tools._scopes import READS_MESSAGE, mail_read, mail_write

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


tool = defaults(toolset="mail_messages", rate="medium")

TOOLS = [
    tool("mail_list_messages", READ, "List emails")(
        description="List emails, newest first, filtered by label (INBOX, SENT, ...) or search query.",
        endpoint="GET /emails/mailboxes/{email}/messages",
        input=MailListInput,
        scopes=mail_read("email:read:list_msgs") & READS_MESSAGE,
        page=Page.mail("messages"),
        decode=decode_message_list,
    ),
    tool("mail_get_message", READ, "Read email")(
        description="Read one email: headers, text body, attachment ids.",
        endpoint="GET /emails/mailboxes/{email}/messages/{messageId}",
        input=ReadMessage,
        scopes=mail_read("email:read:msg"),
        encode=read_query(),
        decode=decode_message,
    ),
    tool("mail_send_message", WRITE, "Send email")(
        description="Send an email or reply at once; mail_create_draft lets a human review first.",
        endpoint="POST /emails/mailboxes/{email}/messages/send",
        input=SendInput,
        scopes=mail_write("email:write:send_msg") & READS_MESSAGE,
        encode=compose_encoder("message"),
        verify="mail_list_messages with label_ids [SENT]",
    ),
    tool("mail_insert_message", WRITE, "Insert email")(
        description="Add an email to the mailbox without sending it (import).",
        endpoint="POST /emails/mailboxes/{email}/messages",
        input=InsertMessage,
        scopes=mail_write("email:write:msg") & READS_MESSAGE,
        encode=compose_encoder("message"),
        verify="mail_list_messages with q for the subject",
    ),
    tool("mail_modify_message", IDEMPOTENT_WRITE, "Change email flags")(
        description="Mark read, star, archive, move or relabel an email.",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/modify",
        input=ModifyMessage,
        scopes=mail_write("email:write:modify_msg"),
        encode=encode_label_changes,
        decode=decode_label_state,
    ),
    tool("mail_batch_modify_messages", IDEMPOTENT_WRITE, "Change flags of many emails")(
        description="Mark read, star, archive, move or relabel many emails.",
        endpoint="POST /emails/mailboxes/{email}/messages/batchModify",
        input=BatchModify,
        scopes=mail_write("email:write:batch_modify_msgs"),
        encode=encode_label_changes,
    ),
    tool("mail_trash_message", IDEMPOTENT_WRITE, "Trash email")(
        description="Move an email to TRASH (recoverable).",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/trash",
        input=MessageRef,
        scopes=mail_write("email:write:trash_msg"),
        decode=decode_label_state,
    ),
    tool("mail_untrash_message", IDEMPOTENT_WRITE, "Restore email from trash")(
        description="Move an email out of TRASH.",
        endpoint="POST /emails/mailboxes/{email}/messages/{messageId}/untrash",
        input=MessageRef,
        scopes=mail_write("email:write:untrash_msg"),
        decode=decode_label_state,
    ),
    tool("mail_delete_message", DESTRUCTIVE, "Delete email permanently")(
        description="Delete an email for good. Prefer mail_trash_message.",
        endpoint="DELETE /emails/mailboxes/{email}/messages/{messageId}",
        input=MessageRef,
        scopes=mail_write("email:delete:msg"),
        confirm="Permanently delete email {message_id}",
    ),
    tool("mail_batch_delete_messages", DESTRUCTIVE, "Delete emails permanently")(
        description="Delete emails for good. Prefer mail_trash_message.",
        endpoint="POST /emails/mailboxes/{email}/messages/batchDelete",
        input=BatchRef,
        scopes=mail_write("email:write:batch_delete_msgs"),
        confirm="Permanently delete emails {message_ids}",
    ),
    tool("mail_get_attachment", READ, "Download email attachment")(
        description="Download an attachment listed by mail_get_message; large files are saved to disk.",
        endpoint="GET /emails/mailboxes/{email}/messages/{messageId}/attachments/{attachmentId}",
        input=GetAttachment,
        scopes=mail_read("email:read:attachment"),
        decode=decode_attachment,
    ),
]
