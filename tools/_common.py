"""Field types shared by tool modules. Declarations only."""

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, model_validator

from zoom_mcp.catalog import LOCAL, ToolInput, page_size, path_segment
from zoom_mcp.codecs.mime import check_address, check_header_value


def _path_id(value: str | None) -> str | None:
    # Ids are data, never path: refuse what no encoding keeps in one segment (``..``, over-long)
    # here, so the call is refused before anyone is asked to confirm it.
    if value:
        path_segment(value)
    return value


def _required_path_id(value: str) -> str:
    path_segment(value)
    return value


# For ids with a configured default: None or "" means "not given".
PathId = AfterValidator(_path_id)
# For ids that must be given.
RequiredPathId = AfterValidator(_required_path_id)

# Path parameters left empty are filled by the executor from configuration
# (ZOOM_MCP_DEFAULT_USER / ZOOM_MCP_DEFAULT_MAILBOX, both "me" by default).
UserId = Annotated[
    str | None,
    PathId,
    Field(serialization_alias="userId", description="User id or email; default me"),
]
Mailbox = Annotated[
    str | None,
    PathId,
    Field(serialization_alias="email", description="Address; default me"),
]
NextPageToken = Annotated[
    str | None,
    Field(description="Token from the previous result to get the next page"),
]
ChatPageSize = page_size(maximum=50, default=10)
# An identical send within 10 minutes is taken for a retry and not sent again (a client that
# timed out); this sends the second copy on purpose. Never sent to Zoom.
Repeat = Annotated[bool, LOCAL, Field(description="Send again though an identical send just went out")]

# --- Team Chat ---------------------------------------------------------------------------------


def _utc_wire_time(value: datetime) -> str:
    # Zoom's chat ``from``/``to`` accept only yyyy-MM-dd'T'HH:mm:ss'Z'; a naive time is taken as UTC.
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def _non_empty(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value


# Path ids refuse "" so an empty argument can never turn a call into a different endpoint
# (``DELETE .../members/`` is the batch remove). A validator rather than ``minLength`` keeps
# the check out of the published schema, which every model turn pays for.
NonEmpty = AfterValidator(_non_empty)
ChannelId = Annotated[str, NonEmpty, RequiredPathId, Field(serialization_alias="channelId", description="Channel id")]
MessageId = Annotated[str, NonEmpty, RequiredPathId, Field(serialization_alias="messageId", description="Message id")]
ToContact = Annotated[str | None, Field(description="Contact email or id")]
ToChannel = Annotated[str | None, Field(description="Channel id")]
# Zoom takes at most 5 members per invite or create call.
MemberEmails = Annotated[list[str], Field(min_length=1, max_length=5, description="Member emails")]
ChatPageToken = Annotated[
    str | None,
    Field(description="From last result; valid 15 min"),
]
ReportPageSize = page_size(maximum=300, default=30)
# Dates and times go on the wire in the exact text forms Zoom documents. A date's ``format: date``
# becomes a "YYYY-MM-DD" hint in the published schema (lean_schema), as Gemini takes only date-time.
WireDate = Annotated[date, PlainSerializer(date.isoformat, return_type=str)]
WireTime = Annotated[datetime, PlainSerializer(_utc_wire_time, return_type=str)]

# --- Zoom Mail ---------------------------------------------------------------------------------


def _one_line(value: str | None) -> str | None:
    # A line break in a header would start a new header (header injection); refuse it.
    return check_header_value(value) if value is not None else None


# For values that become mail headers.
SingleLine = AfterValidator(_one_line)

# Checked by validation, not by a schema ``format``: Gemini refuses every format but date-time.
EmailAddress = Annotated[str, AfterValidator(check_address)]
ThreadId = Annotated[str, RequiredPathId, Field(min_length=1, serialization_alias="threadId", description="Thread id")]
DraftId = Annotated[str, RequiredPathId, Field(min_length=1, serialization_alias="draftId", description="Draft id")]
LabelId = Annotated[str, RequiredPathId, Field(min_length=1, serialization_alias="labelId", description="Label id")]
# Message, thread and draft lists fetch every row's headers with one more request per item, so
# a page stops at 50 (Zoom's document allows 500) to bound each call's fan-out and latency.
MailRowPageSize = Annotated[page_size(maximum=50, default=20), Field(serialization_alias="maxResults")]
MailPageSize = Annotated[page_size(maximum=500, default=50), Field(serialization_alias="maxResults")]
MailPageToken = Annotated[
    str | None, Field(serialization_alias="pageToken", description="next_page_token of the previous result")
]


def _comma_joined(values: list[str]) -> str:
    return ",".join(values)


def _none_if_empty(values: list[str] | None) -> list[str] | None:
    # [] means "not given": an empty comma list would be an empty (and for enums invalid) value.
    return values or None


# Zoom's document declares every multi-value mail query parameter as one string: several values
# travel comma-separated (``labelIds=INBOX,UNREAD``), never as repeated keys.
CommaList = PlainSerializer(_comma_joined, return_type=str)
NoneIfEmpty = AfterValidator(_none_if_empty)
LabelIds = Annotated[
    list[str] | None,
    NoneIfEmpty,
    CommaList,
    Field(serialization_alias="labelIds", description="Label ids, all must match, e.g. INBOX"),
]
SearchQuery = Annotated[str | None, Field(description="Search query")]
IncludeSpamTrash = Annotated[
    bool | None, Field(serialization_alias="includeSpamTrash", description="Include SPAM and TRASH")
]
Addresses = Annotated[list[EmailAddress] | None, LOCAL]


# Filters and paging shared by the message and thread lists.
# A read view's choice of detail: headers only skips the body (format=metadata).
HeadersOnly = Annotated[bool | None, LOCAL, Field(description="Headers only, no body")]


class MailListInput(ToolInput):
    mailbox: Mailbox = None
    label_ids: LabelIds = None
    q: SearchQuery = None
    include_spam_trash: IncludeSpamTrash = None
    page_size: MailRowPageSize = 20
    next_page_token: MailPageToken = None


# What a model writes in a message; the encode hook turns it into RFC 2822 ``raw``.
# (No docstrings on input models: pydantic would publish them in the tool schema.)
class ComposeInput(ToolInput):
    mailbox: Mailbox = None
    to: Annotated[Addresses, Field(description="Recipients")] = None
    cc: Annotated[Addresses, Field(description="Cc")] = None
    bcc: Annotated[Addresses, Field(description="Bcc")] = None
    subject: Annotated[str | None, LOCAL, SingleLine, Field(description="Subject; replies default to Re:")] = None
    text: Annotated[str | None, LOCAL, Field(description="Plain-text body")] = None
    html: Annotated[str | None, LOCAL, Field(description="HTML body")] = None
    in_reply_to: Annotated[str | None, LOCAL, Field(description="Message id being answered")] = None
    attachments: Annotated[list[str] | None, LOCAL, Field(description="Paths in the upload folder")] = None


class SendInput(ComposeInput):
    to: Annotated[list[EmailAddress], LOCAL, Field(min_length=1, description="Recipients")]
    repeat: Repeat = False

    @model_validator(mode="after")
    def _has_content(self) -> "SendInput":
        if self.text is None and self.html is None and not self.attachments:
            raise ValueError("give text or html (or attachments): the message would be empty")
        return self


# Flags a model thinks in, mapped to label changes by the encode hook.
class LabelChangeInput(ToolInput):
    read: Annotated[bool | None, LOCAL, Field(description="Mark read; false: unread")] = None
    starred: Annotated[bool | None, LOCAL, Field(description="Star; false: unstar")] = None
    important: Annotated[bool | None, LOCAL, Field(description="Mark important; false: not")] = None
    archive: Annotated[bool | None, LOCAL, Field(description="Leave INBOX; false: return")] = None
    move_to: Annotated[str | None, LOCAL, Field(description="Label id to move to")] = None
    add_label_ids: Annotated[list[str] | None, LOCAL, Field(description="Label ids to add")] = None
    remove_label_ids: Annotated[list[str] | None, LOCAL, Field(description="Label ids to remove")] = None
