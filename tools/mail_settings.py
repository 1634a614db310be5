"""Zoom Mail settings: vacation auto-reply, delegates and filters (the only settings the API has)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, model_validator

from zoom_mcp.catalog import LOCAL, ToolInput, ToolSpec
from zoom_mcp.mail_format import encode_filter
from zoom_mcp.scopes import needs
from zoom_mcp.tools._common import EmailAddress, Mailbox

TOOLSET = "mail_settings"


def _epoch_ms(value: datetime) -> str:
    # Zoom's document: epoch milliseconds, typed as a string. A naive time is read as UTC.
    return str(int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp() * 1000))


def _access_level(value: str) -> str:
    return f"dlg{value}"


EpochMs = Annotated[datetime, PlainSerializer(_epoch_ms, return_type=str)]
# Zoom's delegateAccess values (dlgreviewer, dlgauthor, dlgeditor) in the words a model uses.
DelegateAccess = Annotated[
    Literal["reviewer", "author", "editor"] | None,
    PlainSerializer(_access_level, return_type=str),
    Field(serialization_alias="delegateAccess", description="Access level; default editor"),
]
DelegateEmail = Annotated[EmailAddress, Field(serialization_alias="delegateEmail", description="Delegate email")]
FilterId = Annotated[str, Field(min_length=1, serialization_alias="filterId", description="Filter id")]


class MailboxRef(ToolInput):
    mailbox: Mailbox = None


class UpdateVacation(ToolInput):
    mailbox: Mailbox = None
    enabled: Annotated[bool, Field(serialization_alias="enableAutoReply", description="On or off")]
    subject: Annotated[str | None, Field(serialization_alias="responseSubject", description="Subject")] = None
    text: Annotated[str | None, Field(serialization_alias="responseBodyPlainText", description="Text")] = None
    html: Annotated[str | None, Field(serialization_alias="responseBodyHtml", description="HTML")] = None
    start: Annotated[EpochMs | None, Field(serialization_alias="startTime", description="Start time")] = None
    end: Annotated[EpochMs | None, Field(serialization_alias="endTime", description="End time")] = None
    contacts_only: Annotated[
        bool | None, Field(serialization_alias="restrictToContacts", description="Contacts only")
    ] = None
    domain_only: Annotated[
        bool | None, Field(serialization_alias="restrictToDomain", description="Own domain only")
    ] = None


class DelegateRef(ToolInput):
    mailbox: Mailbox = None
    delegate_email: DelegateEmail


class GrantDelegate(DelegateRef):
    access: DelegateAccess = None


class FilterRef(ToolInput):
    mailbox: Mailbox = None
    filter_id: FilterId


# Flat fields a model fills easily; the encode hook nests them as criteria and action.
class CreateFilter(ToolInput):
    mailbox: Mailbox = None
    sender: Annotated[str | None, LOCAL, Field(description="From contains")] = None
    recipient: Annotated[str | None, LOCAL, Field(description="To contains")] = None
    subject: Annotated[str | None, LOCAL, Field(description="Subject contains")] = None
    query: Annotated[str | None, LOCAL, Field(description="Search query")] = None
    has_attachment: Annotated[bool | None, LOCAL, Field(description="Has attachments")] = None
    add_label_ids: Annotated[list[str] | None, LOCAL, Field(description="Add label ids")] = None
    remove_label_ids: Annotated[list[str] | None, LOCAL, Field(description="Remove label ids")] = None
    forward: Annotated[EmailAddress | None, LOCAL, Field(description="Forward to")] = None

    @model_validator(mode="after")
    def _criteria_and_action(self) -> CreateFilter:
        if not any(v is not None for v in (self.sender, self.recipient, self.subject, self.query, self.has_attachment)):
            raise ValueError("give at least one criterion: sender, recipient, subject, query or has_attachment")
        if not (self.add_label_ids or self.remove_label_ids or self.forward):
            raise ValueError("give at least one action: add_label_ids, remove_label_ids or forward")
        return self


TOOLS = [
    ToolSpec(
        name="mail_get_vacation",
        title="Get vacation auto-reply",
        description="Get the vacation auto-reply.",
        endpoint="GET /emails/mailboxes/{email}/settings/vacation",
        input=MailboxRef,
        scopes=needs("mail:read", granular="email:read:setting_vacation"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_update_vacation",
        title="Set vacation auto-reply",
        description="Set the vacation auto-reply; fields left out are cleared.",
        endpoint="PUT /emails/mailboxes/{email}/settings/vacation",
        input=UpdateVacation,
        scopes=needs("mail:write", granular="email:update:setting_vacation"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_list_delegates",
        title="List mailbox delegates",
        description="List mailbox delegates.",
        endpoint="GET /emails/mailboxes/{email}/settings/delegates",
        input=MailboxRef,
        scopes=needs("mail:read", granular="email:read:list_setting_delegates"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_get_delegate",
        title="Get mailbox delegate",
        description="Get one mailbox delegate.",
        endpoint="GET /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
        input=DelegateRef,
        scopes=needs("mail:read", granular="email:read:setting_delegate"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_grant_delegate",
        title="Grant mailbox delegate",
        description="Give a user delegate access to the mailbox.",
        endpoint="POST /emails/mailboxes/{email}/settings/delegates",
        input=GrantDelegate,
        scopes=needs("mail:write", granular="email:write:setting_delegate"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        verify="mail_list_delegates",
    ),
    ToolSpec(
        name="mail_revoke_delegate",
        title="Revoke mailbox delegate",
        description="Remove a delegate's mailbox access.",
        endpoint="DELETE /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
        input=DelegateRef,
        scopes=needs("mail:write", granular="email:delete:setting_delegate"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Revoke {delegate_email}'s delegate access to the mailbox",
    ),
    ToolSpec(
        name="mail_list_filters",
        title="List mail filters",
        description="List mail filters (incoming mail rules).",
        endpoint="GET /emails/mailboxes/{email}/settings/filters",
        input=MailboxRef,
        scopes=needs("mail:read", granular="email:read:list_setting_filters"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_get_filter",
        title="Get mail filter",
        description="Get one mail filter.",
        endpoint="GET /emails/mailboxes/{email}/settings/filters/{filterId}",
        input=FilterRef,
        scopes=needs("mail:read", granular="email:read:setting_filter"),
        toolset=TOOLSET,
        rate="medium",
        read_only=True,
        destructive=False,
        idempotent=True,
        open_world=True,
    ),
    ToolSpec(
        name="mail_create_filter",
        title="Create mail filter",
        description="Create an incoming mail rule. Filters cannot be edited later.",
        endpoint="POST /emails/mailboxes/{email}/settings/filters",
        input=CreateFilter,
        scopes=needs("mail:write", granular="email:write:setting_filter"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=False,
        idempotent=False,
        open_world=True,
        encode=encode_filter,
        verify="mail_list_filters",
    ),
    ToolSpec(
        name="mail_delete_filter",
        title="Delete mail filter",
        description="Delete a mail filter (to edit one, delete and re-create).",
        endpoint="DELETE /emails/mailboxes/{email}/settings/filters/{filterId}",
        input=FilterRef,
        scopes=needs("mail:write", granular="email:delete:setting_filter"),
        toolset=TOOLSET,
        rate="medium",
        read_only=False,
        destructive=True,
        idempotent=True,
        open_world=True,
        confirm="Delete mail filter {filter_id}",
    ),
]
