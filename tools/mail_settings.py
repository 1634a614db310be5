"""Zoom Mail settings: vacation auto-reply, delegates and filters (the only settings the API has)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, model_validator

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, LOCAL, READ, WRITE, ToolInput, defaults
from zoom_mcp.codecs.mail_format import encode_filter
from zoom_mcp.tools._common import EmailAddress, Mailbox
from zoom_mcp.tools._scopes import mail_read, mail_write


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
    def _criteria_and_action(self) -> "CreateFilter":
        if not any(v is not None for v in (self.sender, self.recipient, self.subject, self.query, self.has_attachment)):
            raise ValueError("give at least one criterion: sender, recipient, subject, query or has_attachment")
        if not (self.add_label_ids or self.remove_label_ids or self.forward):
            raise ValueError("give at least one action: add_label_ids, remove_label_ids or forward")
        return self


tool = defaults(toolset="mail_settings", rate="medium")

TOOLS = [
    tool("mail_get_vacation", READ, "Get vacation auto-reply")(
        description="Get the vacation auto-reply.",
        endpoint="GET /emails/mailboxes/{email}/settings/vacation",
        input=MailboxRef,
        scopes=mail_read("email:read:setting_vacation"),
    ),
    tool("mail_update_vacation", IDEMPOTENT_WRITE, "Set vacation auto-reply")(
        description="Set the vacation auto-reply; fields left out are cleared.",
        endpoint="PUT /emails/mailboxes/{email}/settings/vacation",
        input=UpdateVacation,
        scopes=mail_write("email:update:setting_vacation"),
    ),
    tool("mail_list_delegates", READ, "List mailbox delegates")(
        description="List mailbox delegates.",
        endpoint="GET /emails/mailboxes/{email}/settings/delegates",
        input=MailboxRef,
        scopes=mail_read("email:read:list_setting_delegates"),
    ),
    tool("mail_get_delegate", READ, "Get mailbox delegate")(
        description="Get one mailbox delegate.",
        endpoint="GET /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
        input=DelegateRef,
        scopes=mail_read("email:read:setting_delegate"),
    ),
    tool("mail_grant_delegate", WRITE, "Grant mailbox delegate")(
        description="Give a user delegate access to the mailbox.",
        endpoint="POST /emails/mailboxes/{email}/settings/delegates",
        input=GrantDelegate,
        scopes=mail_write("email:write:setting_delegate"),
        verify="mail_list_delegates",
    ),
    tool("mail_revoke_delegate", DESTRUCTIVE, "Revoke mailbox delegate")(
        description="Remove a delegate's mailbox access.",
        endpoint="DELETE /emails/mailboxes/{email}/settings/delegates/{delegateEmail}",
        input=DelegateRef,
        scopes=mail_write("email:delete:setting_delegate"),
        confirm="Revoke {delegate_email}'s delegate access to the mailbox",
    ),
    tool("mail_list_filters", READ, "List mail filters")(
        description="List mail filters (incoming mail rules).",
        endpoint="GET /emails/mailboxes/{email}/settings/filters",
        input=MailboxRef,
        scopes=mail_read("email:read:list_setting_filters"),
    ),
    tool("mail_get_filter", READ, "Get mail filter")(
        description="Get one mail filter.",
        endpoint="GET /emails/mailboxes/{email}/settings/filters/{filterId}",
        input=FilterRef,
        scopes=mail_read("email:read:setting_filter"),
    ),
    tool("mail_create_filter", WRITE, "Create mail filter")(
        description="Create an incoming mail rule. Filters cannot be edited later.",
        endpoint="POST /emails/mailboxes/{email}/settings/filters",
        input=CreateFilter,
        scopes=mail_write("email:write:setting_filter"),
        encode=encode_filter,
        verify="mail_list_filters",
    ),
    tool("mail_delete_filter", DESTRUCTIVE, "Delete mail filter")(
        description="Delete a mail filter (to edit one, delete and re-create).",
        endpoint="DELETE /emails/mailboxes/{email}/settings/filters/{filterId}",
        input=FilterRef,
        scopes=mail_write("email:delete:setting_filter"),
        confirm="Delete mail filter {filter_id}",
    ),
]
