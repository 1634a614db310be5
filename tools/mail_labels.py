"""Zoom Mail labels, which are also its folders: list, read, create, rename, delete."""

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, WRITE, ToolInput, defaults
from zoom_mcp.codecs.mail_format import (
    decode_labels,
    encode_label_patch,
    encode_label_write,
    forget_label_names,
    with_query,
)
from zoom_mcp.tools._common import LabelId, Mailbox
from zoom_mcp.tools._scopes import mail_read, mail_write

ParentId = Annotated[str | None, Field(serialization_alias="parentId", description="Parent label id")]


class ListLabels(ToolInput):
    mailbox: Mailbox = None


class LabelRef(ToolInput):
    mailbox: Mailbox = None
    label_id: LabelId


class CreateLabel(ToolInput):
    mailbox: Mailbox = None
    name: Annotated[str, Field(min_length=1, description="Label name")]
    parent_id: ParentId = None


class PatchLabel(LabelRef):
    name: Annotated[str | None, Field(min_length=1, description="New name")] = None
    parent_id: ParentId = None


class UpdateLabel(LabelRef):
    name: Annotated[str, Field(min_length=1, description="Label name")]
    parent_id: ParentId = None


tool = defaults(toolset="mail_labels", rate="medium")

TOOLS = [
    tool("mail_list_labels", READ, "List labels (folders)")(
        description="List labels (the folders: INBOX, SENT, TRASH, user labels) with counts.",
        endpoint="GET /emails/mailboxes/{email}/labels",
        input=ListLabels,
        scopes=mail_read("email:read:list_labels"),
        encode=with_query(format="full"),
        decode=decode_labels,
    ),
    tool("mail_get_label", READ, "Get label")(
        description="Get one label with counts.",
        endpoint="GET /emails/mailboxes/{email}/labels/{labelId}",
        input=LabelRef,
        scopes=mail_read("email:read:label"),
    ),
    tool("mail_create_label", WRITE, "Create label")(
        description="Create a label (folder).",
        endpoint="POST /emails/mailboxes/{email}/labels",
        input=CreateLabel,
        scopes=mail_write("email:write:label"),
        encode=encode_label_write,
        decode=forget_label_names,
        verify="mail_list_labels",
    ),
    tool("mail_patch_label", IDEMPOTENT_WRITE, "Rename or move label")(
        description="Rename or re-parent a label.",
        endpoint="PATCH /emails/mailboxes/{email}/labels/{labelId}",
        input=PatchLabel,
        # Filling the fields the model left out reads the label first.
        scopes=mail_write("email:update:label") & mail_read("email:read:label"),
        rate="light",
        encode=encode_label_patch,
        decode=forget_label_names,
    ),
    tool("mail_update_label", IDEMPOTENT_WRITE, "Replace label")(
        description="Replace a label; fields left out are reset (no parent: top level).",
        endpoint="PUT /emails/mailboxes/{email}/labels/{labelId}",
        input=UpdateLabel,
        scopes=mail_write("email:update:label"),
        encode=encode_label_write,
        decode=forget_label_names,
    ),
    tool("mail_delete_label", DESTRUCTIVE, "Delete label")(
        description="Delete a user label (folder) for good.",
        endpoint="DELETE /emails/mailboxes/{email}/labels/{labelId}",
        input=LabelRef,
        scopes=mail_write("email:delete:label"),
        decode=forget_label_names,
        confirm="Delete label {label_id}",
    ),
]
