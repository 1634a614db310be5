"""Zoom Mail drafts: list, read, create, replace, send, delete."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import Page, ToolInput, ToolSpec
from zoom_mcp.mail_format import compose_encoder, decode_draft, decode_draft_list, read_query
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import (
    READS_DRAFT,
    READS_MESSAGE,
    ComposeInput,
    DraftId,
    HeadersOnly,
    Mailbox,
    MailPageToken,
    MailRowPageSize,
    SearchQuery,
)

TOOLSET = "mail_drafts"


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


TOOLS = [
    ToolSpec(
        name="mail_list_drafts",
        title="List drafts",
        description="List draft emails.",
        endpoint="GET /emails/mailboxes/{email}/drafts",
        input=ListDrafts,
        scopes=needs("mail:read", granular="email:read:list_drafts") & READS_DRAFT,
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        page=Page.mail("drafts"),
        decode=decode_draft_list,
    ),
    ToolSpec(
        name="mail_get_draft",
        title="Read draft",
        description="Read one draft.",
        endpoint="GET /emails/mailboxes/{email}/drafts/{draftId}",
        input=ReadDraft,
        scopes=needs("mail:read", granular="email:read:draft"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=read_query(header_names=False),
        decode=decode_draft,
    ),
    ToolSpec(
        name="mail_create_draft",
        title="Create draft",
        description="Save an email or reply as a draft, unsent.",
        endpoint="POST /emails/mailboxes/{email}/drafts",
        input=ComposeInput,
        scopes=needs("mail:write", granular="email:write:draft") & READS_MESSAGE,
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        encode=compose_encoder("draft"),
        verify="mail_list_drafts",
    ),
    ToolSpec(
        name="mail_update_draft",
        title="Replace draft",
        description="Replace a draft; fields left out are cleared.",
        endpoint="PUT /emails/mailboxes/{email}/drafts/{draftId}",
        input=UpdateDraft,
        scopes=needs("mail:write", granular="email:update:draft") & READS_MESSAGE,
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=compose_encoder("draft"),
    ),
    ToolSpec(
        name="mail_send_draft",
        title="Send draft",
        description="Send a saved draft.",
        endpoint="POST /emails/mailboxes/{email}/drafts/send",
        input=SendDraft,
        scopes=needs("mail:write", granular="email:write:send_draft"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        verify="mail_list_messages with label_ids [SENT]",
    ),
    ToolSpec(
        name="mail_delete_draft",
        title="Delete draft",
        description="Delete a draft for good.",
        endpoint="DELETE /emails/mailboxes/{email}/drafts/{draftId}",
        input=DraftRef,
        scopes=needs("mail:write", granular="email:delete:draft"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Permanently delete draft {draft_id}",
    ),
]
