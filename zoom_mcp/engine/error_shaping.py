"""Every failure as one short text a model can act on.

The text names what happened (Zoom's status, code and message, with the fields Zoom flagged),
adds a hint when the next step is known, warns when a write may have gone through anyway, and
keeps Zoom's tracking id for support. It never holds a traceback or an exception's own text,
which for HTTP errors can carry URLs and headers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from zoom_mcp.catalog import ToolInput, ToolSpec
from zoom_mcp.engine.retry import daily_reset, rate_limit_kind
from zoom_mcp.engine.shaping import restart_message
from zoom_mcp.engine.text_format import defuse_delimiters
from zoom_mcp.errors import ZoomAPIError, ZoomAuthError, ZoomConnectionError

# Path parameter -> tools that list valid values for it, most specific first; each is a catalog
# tool (tests/test_executor.py checks). A hint names one, preferring the failing tool's own family
# (chat_im_*, chat_admin_*, mail_*).
ID_LISTERS: dict[str, tuple[str, ...]] = {
    "channelId": ("chat_list_channels", "chat_admin_list_public_channels"),
    "messageId": ("chat_list_messages", "chat_im_list_messages", "mail_list_messages"),
    "threadId": ("mail_list_threads",),
    "labelId": ("mail_list_labels",),
    "draftId": ("mail_list_drafts",),
    "filterId": ("mail_list_filters",),
    "delegateEmail": ("mail_list_delegates",),
    "attachmentId": ("mail_get_message",),
    "sessionId": ("chat_list_sessions", "chat_im_list_sessions", "chat_report_list_sessions"),
    "identifier": ("chat_list_channel_members", "chat_admin_list_channel_members"),
    "userId": ("chat_list_contacts", "chat_search_company_contacts"),
}
# Field errors shown before "and N more": a model fixes the first few and tries again.
MAX_FIELD_ERRORS = 5
MAX_FIELD_NAME = 80
# Zoom's messages are a sentence; a longer one (or one echoing a huge argument) is cut.
MAX_ZOOM_MESSAGE = 300
# Characters shown escaped in an error text: controls, format characters, surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SCOPE_LIST = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)
_TOOL_NAME = re.compile(r"^(chat|mail)_\w+")


def validation_text(spec: ToolSpec, exc: ValidationError) -> str:
    """One line per field error, the first MAX_FIELD_ERRORS of them, then how many more."""
    lines = [f"{spec.name}: invalid arguments"]
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    shown: list[str] = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        message = str(error["msg"]).removeprefix("Value error, ")
        line = f"{one_line(where, MAX_FIELD_NAME)}: {one_line(message, MAX_ZOOM_MESSAGE)}"
        if line not in shown:
            shown.append(line)
    lines.extend(shown[:MAX_FIELD_ERRORS])
    if len(shown) > MAX_FIELD_ERRORS:
        lines.append(f"… and {len(shown) - MAX_FIELD_ERRORS:,} more")
    return "\n".join(lines)


def one_line(text: str, limit: int) -> str:
    """``text`` on one line (every Unicode line break a space), cut to ``limit`` characters,
    with anything that reads like the data fence defused: error texts sit outside the fence."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    visible = "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _INVISIBLE else ch for ch in flat)
    return defuse_delimiters(visible)


def fit_budget(text: str, budget: int) -> str:
    """An error text cut to the result budget, saying so."""
    if len(text) <= budget:
        return text
    note = f"…[+{len(text) - budget:,} chars cut: over the result budget]"
    return text[: max(budget - len(note), 0)] + note


def check_advice(spec: ToolSpec) -> str:
    """How to find out whether a write went through, from the tool's ``verify``."""
    verify = spec.verify
    if not verify:
        return "Check in Zoom whether it took effect before retrying."
    if _TOOL_NAME.match(verify):
        return f"Check with {verify} before retrying."
    return verify[0].upper() + verify[1:].rstrip(".") + "."


def may_have_gone_through(spec: ToolSpec) -> str:
    return f"The request may have reached Zoom and taken effect. {check_advice(spec)}"


def internal_error_text(spec: ToolSpec, exc: BaseException, *, uncertain: bool, sent: bool = True) -> str:
    head = f"Internal error in {spec.name}: {type(exc).__name__}."
    if uncertain:
        return f"{head} {may_have_gone_through(spec)}"
    if not sent:
        return f"{head} The request was not sent."
    return f"{head} Nothing indicates Zoom was changed."


def zoom_error_text(
    spec: ToolSpec,
    error: ZoomAPIError,
    args: ToolInput | None = None,
    *,
    now: datetime | None = None,
    known_tools: frozenset[str] | None = None,
) -> str:
    if error.code == 300 and "next page token" in error.message.lower():
        return restart_message()
    parts = [_headline(error)]
    if error.errors:
        lines = [_field_line(item) for item in error.errors[:MAX_FIELD_ERRORS]]
        more = len(error.errors) - MAX_FIELD_ERRORS
        parts.append("; ".join(lines) + (f"; and {more:,} more." if more > 0 else "."))
    hint = _hint(spec, error, args, now or datetime.now(UTC), known_tools)
    if hint:
        parts.append(f"Hint: {hint}")
    if _unreadable(error) and not spec.read_only:
        # Even an idempotent write may have taken effect: the model checks rather than assumes.
        parts.append(f"The request may have been processed. {check_advice(spec)}")
    elif error.uncertain:
        parts.append(may_have_gone_through(spec))
    if error.tracking_id:
        parts.append(f"(tracking id: {error.tracking_id})")
    return " ".join(parts)


def _unreadable(error: ZoomAPIError) -> bool:
    """A success status whose body could not be read: whether a write took effect is unknown."""
    return error.status is not None and error.status < 300


def _headline(error: ZoomAPIError) -> str:
    message = one_line(error.message, MAX_ZOOM_MESSAGE).rstrip(".")
    if isinstance(error, ZoomAuthError):
        details = [f"HTTP {error.status}"] if error.status else []
        details += [f"code {error.code}"] if error.code else []
        where = f" ({', '.join(details)})" if details else ""
        return f"Zoom authentication failed{where}: {message}."
    if error.status is None:
        return f"No answer from Zoom: {message}."
    if _unreadable(error):
        return f"Zoom's answer could not be read (HTTP {error.status}: {message})."
    code = f" (code {error.code})" if error.code is not None and error.code != error.status else ""
    return f"Zoom error {error.status}{code}: {message}."


def _field_line(item: dict[str, Any]) -> str:
    field = one_line(str(item["field"]), MAX_FIELD_NAME) if item.get("field") else None
    message = one_line(str(item.get("message") or "invalid"), MAX_ZOOM_MESSAGE).rstrip(".")
    return f"{field}: {message}" if field else message


def _hint(
    spec: ToolSpec, error: ZoomAPIError, args: ToolInput | None, now: datetime, known: frozenset[str] | None
) -> str | None:
    if isinstance(error, ZoomAuthError):
        return f"a credentials problem, not fixed by retrying: {error.fix}."
    if isinstance(error, ZoomConnectionError) and error.fix:
        return f"{error.fix}."
    message = error.message.lower()
    if error.code in (4700, 4711) or "does not contain scope" in message:
        return _scope_hint(error.message)
    if error.status == 429:
        if rate_limit_kind(error.headers, error.message) == "daily":
            reset = daily_reset(error.headers, now)
            when = reset.strftime("%Y-%m-%d %H:%M UTC") if reset else "00:00 UTC"
            return f"Zoom's daily limit for this API is used up; it resets at {when}. Do not retry before then."
        return f"still rate limited after {error.retries} retries; wait a few seconds, then retry."
    if error.code == 124 or error.status == 401:
        renewed = " even after renewing it" if error.code == 124 else ""
        return (
            f"Zoom rejected the access token{renewed}: a credentials problem "
            "(check the Zoom app's credentials and that it is activated)."
        )
    if error.status == 404 or error.code == 1001:
        return _id_hint(spec, args, known)
    if error.status == 403:
        return "the user or the app lacks permission for this (Zoom role, account setting or channel rights)."
    if _unreadable(error):
        tried = f" (tried {error.retries + 1} times)" if error.retries else ""
        return (
            f"a temporary problem at Zoom{tried}; nothing was changed; retry in a minute." if spec.read_only else None
        )
    if error.status is None or error.status >= 500:
        tried = f" (tried {error.retries + 1} times)" if error.retries else ""
        if error.uncertain:
            return f"Zoom failed to answer{tried}."
        # Only reads are known to have changed nothing; other retried requests are idempotent.
        unchanged = "nothing was changed; " if spec.read_only else ""
        return f"a temporary problem at Zoom{tried}; {unchanged}retry in a minute."
    return None


def _scope_hint(message: str) -> str:
    match = _SCOPE_LIST.search(message)
    scopes = ", ".join(s.strip() for s in match.group(1).split(",") if s.strip()) if match else ""
    needed = f"the token lacks the scope (any one of: {scopes})" if scopes else "the token lacks a required scope"
    return (
        f"{needed}. A Zoom admin must add it to the Zoom app's scopes; user-managed apps must then be authorized again."
    )


def _id_hint(spec: ToolSpec, args: ToolInput | None, known: frozenset[str] | None) -> str:
    given = _given_path_params(spec, args)
    product = spec.name.split("_", 1)[0]
    advice = []
    for param in given:
        candidates = [
            name
            for name in ID_LISTERS.get(param, ())
            if (known is None or name in known) and name.startswith(product + "_")
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda name: _shared_prefix(name, spec.name))
        advice.append(f"{best} lists valid {param} values")
    if not advice:
        return "check the ids passed; one of them does not exist or is not visible to this user."
    return "one of the ids does not exist or is not visible to this user; " + "; ".join(advice) + "."


def _given_path_params(spec: ToolSpec, args: ToolInput | None) -> list[str]:
    """Path parameters the caller set explicitly, most specific (last in the path) first."""
    wire_to_field = {wire: name for name, (wire, _) in spec.locations.items()}
    given = []
    for param in reversed(spec.path_params):
        field = wire_to_field.get(param)
        if field is not None and args is not None and getattr(args, field, None) is not None:
            given.append(param)
    return given


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
