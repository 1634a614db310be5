"""Zoom Mail drafts: list, read, create, replace, send, delete."""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, WRITE, Page, ToolInput, defaults
from zoom_mcp.codecs.mail_format import compose_encoder, decode_draft, decode_draft_list, read_query
from zoom_mcp.tools._common import (
    ComposeInput,
    DraftId,
    HeadersOnly,
    Mailbox,
    MailPageToken,
    MailRowPageSize,
    SearchQuery,
)
from zoom_mcp.tools._scopes import READS_DRAFT, READS_MESSAGE, mail_read, mail_write


class ListDrafts(ToolInput):
    mailbox: Mailbox = None
    q: SearchQuery = None
    page_size: MailRowPageSize = 20
    next_page_token: MailPageToken = None


class DraftRef(ToolInput):
    mailbox: Mailbox = None
    draft_id: DraftId


class ReadDraft(DraftRef):
    headers_only: HeadersOnly = None


# The draft id comes first in the schema: pydantic orders fields from the last base first.
class UpdateDraft(ComposeInput, DraftRef):
    pass


class SendDraft(ToolInput):
    mailbox: Mailbox = None
    # Zoom takes the draft id in the body, not the path ({"id": ...} in its document).
    draft_id: Annotated[str, Field(min_length=1, serialization_alias="id", description="Draft id")]


tool = defaults(toolset="mail_drafts", rate="medium")

TOOLS = [
    tool("mail_list_drafts", READ, "List drafts")(
        description="List draft emails.",
        endpoint="GET /emails/mailboxes/{email}/drafts",
        input=ListDrafts,
        scopes=mail_read("email:read:list_drafts") & READS_DRAFT,
        page=Page.mail("drafts"),
        decode=decode_draft_list,
    ),
    tool("mail_get_draft", READ, "Read draft")(
        description="Read one draft.",
        endpoint="GET /emails/mailboxes/{email}/drafts/{draftId}",
        input=ReadDraft,
        scopes=mail_read("email:read:draft"),
        encode=read_query(header_names=False),
        decode=decode_draft,
    ),
    tool("mail_create_draft", WRITE, "Create draft")(
        description="Save an email or reply as a draft, unsent.",
        endpoint="POST /emails/mailboxes/{email}/drafts",
        input=ComposeInput,
        scopes=mail_write("email:write:draft") & READS_MESSAGE,
        encode=compose_encoder("draft"),
        verify="mail_list_drafts",
    ),
    tool("mail_update_draft", IDEMPOTENT_WRITE, "Replace draft")(
        description="Replace a draft; fields left out are cleared.",
        endpoint="PUT /emails/mailboxes/{email}/drafts/{draftId}",
        input=UpdateDraft,
        scopes=mail_write("email:update:draft") & READS_MESSAGE,
        encode=compose_encoder("draft"),
    ),
    tool("mail_send_draft", WRITE, "Send draft")(
        description="Send a saved draft.",
        endpoint="POST /emails/mailboxes/{email}/drafts/send",
        input=SendDraft,
        scopes=mail_write("email:write:send_draft"),
        verify="mail_list_messages with label_ids [SENT]",
    ),
    tool("mail_delete_draft", DESTRUCTIVE, "Delete draft")(
        description="Delete a draft for good.",
        endpoint="DELETE /emails/mailboxes/{email}/drafts/{draftId}",
        input=DraftRef,
        scopes=mail_write("email:delete:draft"),
        confirm="Permanently delete draft {draft_id}",
    ),
]
