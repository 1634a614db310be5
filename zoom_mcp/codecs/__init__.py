"""Zoom's wire formats, decoded and encoded for the tools' hooks.

``mail_format`` (Zoom Mail messages, drafts, labels, filters), ``mime`` (raw RFC 5322 messages),
``mail_cache`` (per-call mail metadata), ``chat_format`` (Team Chat messages, channels, members)
and ``uploads`` (files sent from the upload folder).
"""
