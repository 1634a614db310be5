"""Every Zoom Mail handler: the 41 operations under ``/emails/mailboxes/{email}/...``.

Keys of ``HANDLERS`` are the catalog endpoint strings from zoom-api.md 6.1. The state lives in
``call.state.mail`` (a ``MailState`` from ``mail_seed.seed_mail``); ``{email}`` is a mailbox
address or ``me``.
"""

from __future__ import annotations

from zoom_mcp.sandbox import mail_drafts, mail_labels, mail_mailbox, mail_messages
from zoom_mcp.sandbox.mail_common import ROOT
from zoom_mcp.sandbox.routing import Handler

__all__ = ["HANDLERS", "ROOT"]

HANDLERS: dict[str, Handler] = {}
for _module in (mail_messages, mail_drafts, mail_labels, mail_mailbox):
    overlap = HANDLERS.keys() & _module.HANDLERS.keys()
    if overlap:
        raise RuntimeError(f"endpoints served twice: {sorted(overlap)}")
    HANDLERS.update(_module.HANDLERS)
