"""Zoom Mail labels, which are also its folders: list, read, create, rename, delete."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import ToolInput, ToolSpec
from zoom_mcp.mail_format import (
    decode_labels,
    encode_label_patch,
    encode_label_write,
    forget_label_names,
    with_query,
)
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import LabelId, Mailbox

TOOLSET = "mail_labels"
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


TOOLS = [
    ToolSpec(
        name="mail_list_labels",
        title="List labels (folders)",
        description="List labels (the folders: INBOX, SENT, TRASH, user labels) with counts.",
        endpoint="GET /emails/mailboxes/{email}/labels",
        input=ListLabels,
        scopes=needs("mail:read", granular="email:read:list_labels"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=with_query(format="full"),
        decode=decode_labels,
    ),
    ToolSpec(
        name="mail_get_label",
        title="Get label",
        description="Get one label with counts.",
        endpoint="GET /emails/mailboxes/{email}/labels/{labelId}",
        input=LabelRef,
        scopes=needs("mail:read", granular="email:read:label"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_create_label",
        title="Create label",
        description="Create a label (folder).",
        endpoint="POST /emails/mailboxes/{email}/labels",
        input=CreateLabel,
        scopes=needs("mail:write", granular="email:write:label"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        encode=encode_label_write,
        decode=forget_label_names,
        verify="mail_list_labels",
    ),
    ToolSpec(
        name="mail_patch_label",
        title="Rename or move label",
        description="Rename or re-parent a label.",
        endpoint="PATCH /emails/mailboxes/{email}/labels/{labelId}",
        input=PatchLabel,
        # Filling the fields the model left out reads the label first.
        scopes=needs("mail:write", granular="email:update:label") & needs("mail:read", granular="email:read:label"),
        toolset=TOOLSET,
        rate="light",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=encode_label_patch,
        decode=forget_label_names,
    ),
    ToolSpec(
        name="mail_update_label",
        title="Replace label",
        description="Replace a label; fields left out are reset (no parent: top level).",
        endpoint="PUT /emails/mailboxes/{email}/labels/{labelId}",
        input=UpdateLabel,
        scopes=needs("mail:write", granular="email:update:label"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
        encode=encode_label_write,
        decode=forget_label_names,
    ),
    ToolSpec(
        name="mail_delete_label",
        title="Delete label",
        description="Delete a user label (folder) for good.",
        endpoint="DELETE /emails/mailboxes/{email}/labels/{labelId}",
        input=LabelRef,
        scopes=needs("mail:write", granular="email:delete:label"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        decode=forget_label_names,
        confirm="Delete label {label_id}",
    ),
]
