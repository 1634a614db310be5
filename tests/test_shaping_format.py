"""The compact text format: readable, unambiguous where it matters, and cheaper than JSON.

Run this file directly to print the token measurements:
``.venv/bin/python tests/test_shaping_format.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from zoom_mcp.engine.shaping import compact
from zoom_mcp.engine.text_format import render

SENDERS = [
    ("jane.doe@example.com", "Jane Doe", "u7Xk2LmQRsaZ1pBvN3cD0w"),
    ("omar.haddad@example.com", "Omar Haddad", "Ab9fTq4WeR2yUi8oPl5sKj"),
    ("li.wei@example.com", "Li Wei", "Zx1cVb2nMm3aSd4fGh5jKl"),
]
TEXTS = [
    "Can we move the standup to 10:30 tomorrow? Omar has a customer call at 10.",
    "Sure, works for me. I'll update the invite.",
    "Draft of the Q4 roadmap is in the shared folder, comments welcome before Friday.",
    'Reminder: the "release freeze" starts Monday 09:00 UTC.',
    "Thanks! Looks good to me.",
    "Who owns the flaky upload test? It failed twice on main today.",
    "I do, looking into it now.\nIt's the redirect from file.zoom.us, fix coming.",
    "Lunch at 12:30?",
]


def chat_messages(count: int = 12, *, reactions: bool = True) -> dict[str, Any]:
    """GET /chat/users/me/messages as Zoom returns it (zoom-api.md §5.3)."""
    messages = []
    for index in range(count):
        email, name, member = SENDERS[index % len(SENDERS)]
        ms = 1795183385000 - index * 431_000
        message: dict[str, Any] = {
            "id": f"{index:08X}-2C5A-4B1A-9A3E-1F2D3C4B5A69",
            "message": TEXTS[index % len(TEXTS)],
            "sender": email,
            "sender_member_id": member,
            "sender_display_name": name,
            "date_time": f"2026-11-20T14:{(index * 7) % 60:02d}:{(index * 13) % 60:02d}Z",
            "timestamp": ms,
            "message_type": "plain_text_message",
            "reply_main_message_id": None,
            "bot_message": {},
            "files": [],
            "rich_text": [],
        }
        if reactions and index % 4 == 1:
            message["reactions"] = [{"emoji": "👍", "total_count": 2, "senders": [{"user_id": SENDERS[0][2]}]}]
        if index % 5 == 3:
            message["files"] = [
                {
                    "file_id": f"f{index}Qw3Er5Ty",
                    "file_name": "roadmap-q4.pdf",
                    "file_size": 482_113,
                    "download_url": f"https://file.zoom.us/file/f{index}Qw3Er5Ty?jwt=x",
                }
            ]
        messages.append(message)
    return {
        "date": "2026-11-20",
        "from": "2026-11-19T00:00:00Z",
        "to": "2026-11-20T23:59:59Z",
        "page_size": count,
        "next_page_token": "8x4Jb1QwErTyUiOp",
        "messages": messages,
    }


def mail_threads(count: int = 12) -> dict[str, Any]:
    """GET /emails/mailboxes/me/threads (Gmail-like, zoom-api.md §6.3)."""
    subjects = ["Invoice 2026-114", "Re: Q4 roadmap review", "Offsite logistics", "Your Zoom receipt"]
    return {
        "threads": [
            {
                "id": f"18c{index:05d}a9f2e7d1b",
                "snippet": f"{subjects[index % 4]} — {TEXTS[index % len(TEXTS)][:60]}",
                "historyId": str(98_765_000 + index),
                "threadName": subjects[index % 4],
                "status": "unread" if index % 3 == 0 else "read",
            }
            for index in range(count)
        ],
        "nextPageToken": "CgwI-r2S",
        "resultSizeEstimate": 240,
    }


def mail_message() -> dict[str, Any]:
    """One decoded mail message as the mail decode hook hands it on."""
    return {
        "id": "18c3f2a9f2e7d1b4",
        "threadId": "18c3f2a9f2e7d1b0",
        "labelIds": ["INBOX", "UNREAD", "IMPORTANT"],
        "internalDate": "1795183385000",
        "from": "Jane Doe <jane.doe@example.com>",
        "to": ["omar.haddad@example.com", "li.wei@example.com"],
        "cc": [],
        "subject": "Re: Q4 roadmap review",
        "body": "Hi both,\n\nI went through the roadmap. Two things:\n- the upload fix needs a date\n"
        '- "release freeze" moves to Monday\n\nThanks,\nJane',
        "attachments": [
            {"attachmentId": "ANGjdJ8w", "filename": "roadmap-q4.pdf", "mimeType": "application/pdf", "size": 482113},
            {"attachmentId": "ANGjdJ9x", "filename": "notes.txt", "mimeType": "text/plain", "size": 1210},
        ],
    }


def channel() -> dict[str, Any]:
    """GET /chat/channels/{channelId}."""
    return {
        "id": "c8a1b2c3d4e5f60718293a4b5c6d7e8f",
        "jid": "c8a1b2c3d4e5f60718293a4b5c6d7e8f@conference.xmpp.zoom.us",
        "name": "release-planning",
        "type": 1,
        "channel_settings": {
            "new_members_can_see_previous_messages_files": True,
            "allow_to_add_external_users": 0,
            "posting_permissions": 1,
            "add_member_permissions": 1,
            "mention_all_permissions": 1,
        },
        "channel_url": "https://zoom.us/launch/chat/v2/eyJzaWQiOiJjOGExYjJj",
        "created_time": "2025-03-14T09:26:53Z",
    }


def channels(count: int = 15) -> dict[str, Any]:
    """GET /chat/users/me/channels."""
    names = ["release-planning", "design", "support-escalations", "random", "eng-oncall"]
    return {
        "channels": [
            {
                "id": f"c8a1b2c3d4e5f607182{index:05d}b5c6d7e8f",
                "jid": f"c8a1b2c3d4e5f607182{index:05d}b5c6d7e8f@conference.xmpp.zoom.us",
                "name": f"{names[index % 5]}-{index}",
                "type": 1 + index % 3,
                "channel_settings": {"posting_permissions": 1, "allow_to_add_external_users": 0},
            }
            for index in range(count)
        ],
        "next_page_token": "",
        "page_size": 50,
        "total_records": count,
    }


PAYLOADS = {
    "chat message list": chat_messages(),
    "chat message list (no reactions)": chat_messages(reactions=False),
    "mail thread list": mail_threads(),
    "mail message": mail_message(),
    "channel": channel(),
    "channel list": channels(),
}


def measure() -> list[tuple[str, int, int, int, int]]:
    """(payload, pretty JSON, compact JSON, compact JSON of compacted data, our text) in tokens."""
    from anthropic_tokenizer import count_tokens

    rows = []
    for name, payload in PAYLOADS.items():
        shaped = compact(payload)
        rows.append(
            (
                name,
                count_tokens(json.dumps(payload, indent=2, ensure_ascii=False)),
                count_tokens(json.dumps(payload, separators=(",", ":"), ensure_ascii=False)),
                count_tokens(json.dumps(shaped, separators=(",", ":"), ensure_ascii=False)),
                count_tokens(render(shaped)),
            )
        )
    return rows


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_text_is_smaller_than_compact_json(name: str) -> None:
    row = next(row for row in measure() if row[0] == name)
    _, pretty, compact_json, shaped_json, text = row
    assert text <= shaped_json and text < compact_json < pretty


def test_uniform_list_becomes_a_table() -> None:
    text = render({"labels": [{"id": "INBOX", "name": "Inbox"}, {"id": "L1", "name": "Bills, 2026"}]})
    assert text == 'labels[2]{id,name}:\n  INBOX,Inbox\n  L1,"Bills, 2026"'


def test_nested_objects_become_dotted_columns_and_absent_cells_are_empty() -> None:
    text = render({"items": [{"id": 1, "s": {"a": 1}}, {"id": 2, "x": True}]})
    assert text == "items[2]{id,s.a,x}:\n  1,1,\n  2,,true"


def test_short_lists_inside_items_are_inline_cells() -> None:
    text = render({"m": [{"id": "a", "r": [{"e": "x", "n": 2}]}, {"id": "b"}]})
    assert text == "m[2]{id,r}:\n  a,[{e:x,n:2}]\n  b,"


def test_items_holding_long_lists_fall_back_to_dash_items() -> None:
    long = [f"value-{index}" for index in range(30)]
    text = render({"m": [{"id": "a", "r": long}, {"id": "b"}]})
    assert text.startswith("m[2]:\n  - id: a\n    r[30]: value-0,value-1,")
    assert text.endswith("\n  - id: b")


def test_scalars_quote_only_when_they_could_be_misread() -> None:
    text = render({"a": "plain, with comma", "b": " padded", "c": "- dash", "d": "", "e": 3, "f": "x\ty"})
    assert text == 'a: plain, with comma\nb: " padded"\nc: "- dash"\nd: ""\ne: 3\nf: "x\\ty"'


def test_multiline_text_is_a_block() -> None:
    assert render({"body": "Hi\n\nBye", "n": 1}) == "body: |\n  Hi\n\n  Bye\nn: 1"


def test_an_empty_list_has_a_zero_count() -> None:
    assert render({"messages": []}) == "messages[0]:"


def test_odd_keys_are_quoted() -> None:
    assert render({"Content Type": "x"}) == '"Content Type": x'


if __name__ == "__main__":
    print(f"{'payload':34} {'pretty':>7} {'compact':>8} {'shaped':>7} {'text':>6}")
    for name, pretty, compact_json, shaped_json, text in measure():
        print(f"{name:34} {pretty:7d} {compact_json:8d} {shaped_json:7d} {text:6d}  ({text / pretty:.0%} of pretty)")
