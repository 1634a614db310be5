"""Zoom Mail sandbox: drafts, label changes, trash, deletes, labels, history and settings."""

from __future__ import annotations

from typing import Any

import pytest
from test_sandbox_mail_support import DEMO, USERS, Mail, b64url, email_message, header

from zoom_mcp.sandbox.mail_store import MailOptions

pytestmark = pytest.mark.anyio


@pytest.fixture
def mail() -> Mail:
    return Mail()


async def _inbox_message(mail: Mail) -> dict[str, Any]:
    body = await mail.ok("GET", "/messages", query={"labelIds": "INBOX", "maxResults": 1})
    return await mail.ok(
        "GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=body["messages"][0]["id"]
    )


async def _history_types(mail: Mail, start: str, **query: Any) -> list[str]:
    body = await mail.ok("GET", "/history", query={"startHistoryId": start, **query})
    return [key for record in body["history"] for key in record if key not in ("id", "messages")]


async def test_drafts_lifecycle_and_send(mail: Mail) -> None:
    listed = await mail.ok("GET", "/drafts")
    assert len(listed["drafts"]) == 5
    assert set(listed["drafts"][0]) == {"id", "message"}

    raw = email_message(USERS[1].email, "Draft one", "first version").as_bytes()
    created = await mail.call("POST", "/drafts", body={"message": {"raw": b64url(raw)}})
    assert created.status == 200
    draft_id = created.body["id"]
    assert created.body["message"]["labelIds"] == ["DRAFT"]

    # Zoom's document gives one draft body shape, {"message": {"raw"}}: a top-level "raw" is refused.
    refused = await mail.error("POST", "/drafts", body={"raw": b64url(raw)})
    assert (refused.status, refused.code) == (400, 300)
    other = await mail.call("POST", "/drafts", body={"message": {"raw": b64url(raw)}})
    assert other.status == 200

    new_raw = email_message(USERS[1].email, "Draft one (v2)", "second version").as_bytes()
    updated = await mail.ok("PUT", "/drafts/{draftId}", body={"message": {"raw": b64url(new_raw)}}, draftId=draft_id)
    assert updated["id"] == draft_id and updated["message"]["id"] != created.body["message"]["id"]
    got = await mail.ok("GET", "/drafts/{draftId}", draftId=draft_id)
    assert header(got["message"], "Subject") == "Draft one (v2)"

    sent = await mail.ok("POST", "/drafts/send", body={"id": draft_id})
    assert "SENT" in sent["labelIds"] and "DRAFT" not in sent["labelIds"]
    assert sent["id"] == updated["message"]["id"]
    error = await mail.error("GET", "/drafts/{draftId}", draftId=draft_id)
    assert error.status == 404
    received = await mail.ok("GET", "/messages", query={"q": 'subject:"Draft one (v2)"'}, user=USERS[1])
    assert len(received["messages"]) == 1

    await mail.ok("DELETE", "/drafts/{draftId}", draftId=other.body["id"])
    assert (await mail.error("GET", "/messages/{messageId}", messageId=other.body["message"]["id"])).status == 404
    assert (await mail.error("POST", "/drafts/send", body={})).code == 300
    assert (await mail.error("POST", "/drafts", body={"message": {}})).code == 300


async def test_modify_trash_untrash(mail: Mail) -> None:
    message = await _inbox_message(mail)
    path = "/messages/{messageId}"
    changed = await mail.ok(
        "POST",
        path + "/modify",
        body={"addLabelIds": ["STARRED", "Label_4"], "removeLabelIds": ["UNREAD"]},
        messageId=message["id"],
    )
    assert {"STARRED", "Label_4"} <= set(changed["labelIds"]) and "UNREAD" not in changed["labelIds"]
    error = await mail.error("POST", path + "/modify", body={"addLabelIds": ["Label_99"]}, messageId=message["id"])
    assert (error.status, error.code) == (400, 300)

    trashed = await mail.ok("POST", path + "/trash", messageId=message["id"])
    assert "TRASH" in trashed["labelIds"] and "INBOX" not in trashed["labelIds"]
    default_ids = {m["id"] for m in (await mail.ok("GET", "/messages", query={"maxResults": 500}))["messages"]}
    assert message["id"] not in default_ids
    restored = await mail.ok("POST", path + "/untrash", messageId=message["id"])
    assert "INBOX" in restored["labelIds"] and "TRASH" not in restored["labelIds"]


async def test_sent_mail_untrash_does_not_land_in_inbox(mail: Mail) -> None:
    sent = await mail.ok("GET", "/messages", query={"labelIds": "SENT", "maxResults": 1})
    message_id = sent["messages"][0]["id"]
    await mail.ok("POST", "/messages/{messageId}/trash", messageId=message_id)
    restored = await mail.ok("POST", "/messages/{messageId}/untrash", messageId=message_id)
    assert "INBOX" not in restored["labelIds"] and "SENT" in restored["labelIds"]


async def test_batch_modify_and_delete(mail: Mail) -> None:
    page = await mail.ok("GET", "/messages", query={"labelIds": "INBOX", "maxResults": 5})
    ids = [m["id"] for m in page["messages"]]
    reply = await mail.call("POST", "/messages/batchModify", body={"ids": ids, "addLabelIds": ["IMPORTANT"]})
    assert reply.status == 204 and reply.body is None
    for message_id in ids:
        got = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=message_id)
        assert "IMPORTANT" in got["labelIds"]
    assert (await mail.error("POST", "/messages/batchModify", body={"ids": []})).code == 300
    reply = await mail.call("POST", "/messages/batchDelete", body={"ids": ids[:2]})
    assert reply.status == 204
    for message_id in ids[:2]:
        assert (await mail.error("GET", "/messages/{messageId}", messageId=message_id)).status == 404
    assert (await mail.call("DELETE", "/messages/{messageId}", messageId=ids[2])).status == 204
    assert (await mail.error("DELETE", "/messages/{messageId}", messageId=ids[2])).status == 404


async def test_delete_can_be_switched_to_trash() -> None:
    mail = Mail()
    mail.state.options = MailOptions(delete_is_permanent=False)
    message = await _inbox_message(mail)
    await mail.ok("DELETE", "/messages/{messageId}", messageId=message["id"])
    got = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=message["id"])
    assert "TRASH" in got["labelIds"]


async def test_thread_operations(mail: Mail) -> None:
    threads = await mail.ok("GET", "/threads", query={"q": "label:atlas", "maxResults": 1})
    thread_id = threads["threads"][0]["id"]
    modified = await mail.ok(
        "POST", "/threads/{threadId}/modify", body={"addLabelIds": ["STARRED"]}, threadId=thread_id
    )
    assert all("STARRED" in m["labelIds"] for m in modified["messages"])
    trashed = await mail.ok("POST", "/threads/{threadId}/trash", threadId=thread_id)
    assert all("TRASH" in m["labelIds"] for m in trashed["messages"])
    untrashed = await mail.ok("POST", "/threads/{threadId}/untrash", threadId=thread_id)
    assert all("TRASH" not in m["labelIds"] for m in untrashed["messages"])
    assert (await mail.call("DELETE", "/threads/{threadId}", threadId=thread_id)).status == 204
    assert (await mail.error("GET", "/threads/{threadId}", threadId=thread_id)).status == 404


async def test_history_records_changes(mail: Mail) -> None:
    profile = await mail.ok("GET", "/profile")
    start = profile["historyId"]
    empty = await mail.ok("GET", "/history", query={"startHistoryId": start})
    assert empty["history"] == [] and empty["historyId"] == start

    message = await _inbox_message(mail)
    await mail.ok("POST", "/messages/{messageId}/modify", body={"addLabelIds": ["STARRED"]}, messageId=message["id"])
    await mail.ok("POST", "/messages/{messageId}/modify", body={"removeLabelIds": ["STARRED"]}, messageId=message["id"])
    raw = email_message(USERS[1].email, "history", "x").as_bytes()
    sent = await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    await mail.call("DELETE", "/messages/{messageId}", messageId=sent["id"])

    body = await mail.ok("GET", "/history", query={"startHistoryId": start})
    kinds = [key for record in body["history"] for key in record if key != "id"]
    assert kinds == ["labelsAdded", "labelsRemoved", "messagesAdded", "messagesDeleted"]
    assert body["history"][0]["labelsAdded"][0]["labelIds"] == ["STARRED"]
    assert body["history"][0]["labelsAdded"][0]["message"]["id"] == message["id"]
    ids = [int(record["id"]) for record in body["history"]]
    assert ids == sorted(ids) and ids[0] > int(start)
    assert int(body["historyId"]) == ids[-1]

    assert await _history_types(mail, start, historyTypes="labelAdded") == ["labelsAdded"]
    assert await _history_types(mail, start, historyTypes="messageAdded,messageDeleted") == [
        "messagesAdded",
        "messagesDeleted",
    ]
    assert await _history_types(mail, start, labelId="STARRED") == ["labelsAdded", "labelsRemoved"]
    paged = await mail.ok("GET", "/history", query={"startHistoryId": start, "maxResults": 2})
    assert len(paged["history"]) == 2 and paged["nextPageToken"]
    rest = await mail.ok("GET", "/history", query={"startHistoryId": start, "pageToken": paged["nextPageToken"]})
    assert [r["id"] for r in paged["history"] + rest["history"]] == [r["id"] for r in body["history"]]

    assert (await mail.error("GET", "/history")).status == 400
    assert (await mail.error("GET", "/history", query={"startHistoryId": "5"})).status == 404
    recipient = await mail.ok("GET", "/profile", user=USERS[1])
    assert int(recipient["historyId"]) > 1000


async def test_a_message_carries_its_last_change(mail: Mail) -> None:
    """historyId: "the ID of the last history event that modified this message"; lastMoved: "the
    last time the message had a label change" (any label, not only a move between folders)."""
    message = await _inbox_message(mail)
    assert int(message["lastMoved"]) <= int(message["internalDate"])  # never changed since arrival
    for change, expected in (({"addLabelIds": ["STARRED"]}, True), ({"removeLabelIds": ["STARRED"]}, False)):
        mail.clock.now_value += 90.5
        await mail.ok("POST", "/messages/{messageId}/modify", body=change, messageId=message["id"])
        now = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=message["id"])
        profile = await mail.ok("GET", "/profile")
        assert now["historyId"] == profile["historyId"] != message["historyId"]
        assert now["lastMoved"] == str(int(mail.clock.now_value) * 1000)  # whole seconds, as Zoom's example
        assert ("STARRED" in now["labelIds"]) is expected
    # A change that changes nothing is no event.
    await mail.ok("POST", "/messages/{messageId}/modify", body={"removeLabelIds": ["STARRED"]}, messageId=message["id"])
    assert (await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=message["id"])) == now


async def test_labels_crud_and_counts(mail: Mail) -> None:
    labels = (await mail.ok("GET", "/labels"))["labels"]
    by_id = {label["id"]: label for label in labels}
    assert {"INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT"} <= set(by_id)
    assert by_id["INBOX"]["type"] == "system" and by_id["Label_1"]["type"] == "user"
    assert by_id["Label_2"]["parentId"] == "Label_1" and by_id["Label_2"]["labelLevel"] == 2
    assert by_id["INBOX"]["messagesUnread"] > 0 and by_id["DRAFT"]["messagesTotal"] == 5
    minimal = (await mail.ok("GET", "/labels", query={"format": "minimal"}))["labels"]
    assert set(minimal[0]) == {"id", "name", "type"}

    created = await mail.call(
        "POST",
        "/labels",
        body={"name": "Clients", "parentId": "", "color": {"textColor": "#000000", "backgroundColor": "#ffffff"}},
    )
    assert created.status == 200 and created.body["id"].startswith("Label_")
    assert created.body["parentId"] == ""
    label_id = created.body["id"]
    # name and parentId are both required (parentId "" for the top level), even for PATCH.
    assert (await mail.error("POST", "/labels", body={"name": "No parent"})).code == 300
    assert (await mail.error("PATCH", "/labels/{labelId}", body={"name": "x"}, labelId=label_id)).code == 300
    duplicate = await mail.error("POST", "/labels", body={"name": "clients", "parentId": ""})
    assert duplicate.status == 409
    assert (await mail.error("POST", "/labels", body={})).code == 300

    patched = await mail.ok(
        "PATCH", "/labels/{labelId}", body={"name": "Key clients", "parentId": ""}, labelId=label_id
    )
    assert patched["name"] == "Key clients" and patched["color"]["textColor"] == "#000000"
    replaced = await mail.ok("PUT", "/labels/{labelId}", body={"name": "Accounts", "parentId": ""}, labelId=label_id)
    assert replaced["name"] == "Accounts" and "color" not in replaced
    assert (await mail.error("PUT", "/labels/{labelId}", body={}, labelId=label_id)).code == 300

    message = await _inbox_message(mail)
    await mail.ok("POST", "/messages/{messageId}/modify", body={"addLabelIds": [label_id]}, messageId=message["id"])
    counted = await mail.ok("GET", "/labels/{labelId}", labelId=label_id)
    assert counted["messagesTotal"] == 1 and counted["threadsTotal"] == 1
    assert (await mail.call("DELETE", "/labels/{labelId}", labelId=label_id)).status == 204
    survivor = await mail.ok("GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=message["id"])
    assert label_id not in survivor["labelIds"]
    assert (await mail.error("GET", "/labels/{labelId}", labelId=label_id)).status == 404


async def test_system_labels_are_protected(mail: Mail) -> None:
    for method, body in (("DELETE", None), ("PATCH", {"name": "Box"}), ("PUT", {"name": "Box"})):
        error = await mail.error(method, "/labels/{labelId}", body=body, labelId="INBOX")
        assert (error.status, error.code) == (400, 300)
    assert (await mail.error("POST", "/labels", body={"name": "inbox", "parentId": ""})).status == 409


async def test_insert_and_deleted_flag(mail: Mail) -> None:
    raw = email_message(DEMO.email, "Imported", "from the old server", sender="old@legacy.example").as_bytes()
    inserted = await mail.ok("POST", "/messages", body={"raw": b64url(raw)})
    assert set(inserted["labelIds"]) == {"INBOX", "UNREAD"}
    trashed = await mail.ok("POST", "/messages", body={"raw": b64url(raw)}, query={"deleted": True})
    assert trashed["labelIds"] == ["TRASH"]
    labelled = await mail.ok("POST", "/messages", body={"raw": b64url(raw), "labelIds": ["Label_3"]})
    assert labelled["labelIds"] == ["Label_3"]
    assert (await mail.error("POST", "/messages", body={"raw": "!!!"})).code == 300


async def test_profile(mail: Mail) -> None:
    profile = await mail.ok("GET", "/profile")
    assert profile["emailAddress"] == DEMO.email
    assert profile["messagesTotal"] >= 250 and profile["threadsTotal"] < profile["messagesTotal"]
    assert profile["encryptionEnabled"] is False and profile["labelEncryptionEnabled"] is False
    assert profile["mboxSize"] > 100_000


async def test_vacation_setting_and_auto_reply(mail: Mail) -> None:
    assert (await mail.ok("GET", "/settings/vacation"))["enableAutoReply"] is False
    setting = {"enableAutoReply": True, "responseSubject": "Out of office", "responseBodyPlainText": "Back Monday."}
    saved = await mail.ok("PUT", "/settings/vacation", body=setting, user=USERS[1])
    assert saved["responseSubject"] == "Out of office" and saved["restrictToDomain"] is False
    assert (await mail.error("PUT", "/settings/vacation", body={"enableAutoReply": "yes"})).code == 300
    for _ in range(2):
        raw = email_message(USERS[1].email, "Are you around?", "ping").as_bytes()
        await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    replies = await mail.ok("GET", "/messages", query={"q": 'subject:"Out of office"'})
    assert len(replies["messages"]) == 1  # one auto-reply per sender


async def test_delegates(mail: Mail) -> None:
    listed = (await mail.ok("GET", "/settings/delegates"))["delegates"]
    assert [(d["delegateEmail"], d["verificationStatus"], d["delegateAccess"]) for d in listed] == [
        (USERS[1].email, "accepted", "dlgeditor")
    ]
    bad = await mail.error("POST", "/settings/delegates", body={"delegateEmail": USERS[2].email, "delegateAccess": "x"})
    assert bad.code == 300
    granted = await mail.call("POST", "/settings/delegates", body={"delegateEmail": USERS[2].email})
    # The default access is editor; the grant waits for the delegate to accept.
    assert granted.status == 200
    assert (granted.body["delegateAccess"], granted.body["verificationStatus"]) == ("dlgeditor", "pending")
    got = await mail.ok("GET", "/settings/delegates/{delegateEmail}", delegateEmail=USERS[2].email)
    assert got["delegateEmail"] == USERS[2].email
    assert (await mail.error("POST", "/settings/delegates", body={"delegateEmail": USERS[2].email})).status == 409
    outsider = await mail.error("POST", "/settings/delegates", body={"delegateEmail": "x@elsewhere.example"})
    assert (outsider.status, outsider.code) == (404, 1001)
    assert (
        await mail.call("DELETE", "/settings/delegates/{delegateEmail}", delegateEmail=USERS[2].email)
    ).status == 204
    assert (await mail.error("GET", "/settings/delegates/{delegateEmail}", delegateEmail=USERS[2].email)).status == 404


async def test_filters_apply_to_new_mail(mail: Mail) -> None:
    seeded = (await mail.ok("GET", "/settings/filters"))["filter"]
    assert len(seeded) == 1
    billing = (await mail.call("POST", "/labels", body={"name": "Billing", "parentId": ""}, user=USERS[1])).body["id"]
    created = await mail.call(
        "POST",
        "/settings/filters",
        body={"criteria": {"subject": "invoice"}, "action": {"addLabelIds": [billing], "removeLabelIds": ["INBOX"]}},
        user=USERS[1],
    )
    assert created.status == 200
    filter_id = created.body["id"]
    raw = email_message(USERS[1].email, "Invoice for October", "see attached").as_bytes()
    await mail.ok("POST", "/messages/send", body={"raw": b64url(raw)})
    found = await mail.ok("GET", "/messages", query={"q": "subject:invoice"}, user=USERS[1])
    got = await mail.ok(
        "GET", "/messages/{messageId}", query={"format": "minimal"}, messageId=found["messages"][0]["id"], user=USERS[1]
    )
    assert billing in got["labelIds"] and "INBOX" not in got["labelIds"]
    assert (await mail.ok("GET", "/settings/filters/{filterId}", filterId=filter_id, user=USERS[1]))["id"] == filter_id
    bad = await mail.error(
        "POST", "/settings/filters", body={"criteria": {"from": "x"}, "action": {"addLabelIds": ["Nope"]}}
    )
    assert bad.code == 300
    assert (
        await mail.error("POST", "/settings/filters", body={"criteria": {}, "action": {"forward": "a@b"}})
    ).code == 300
    assert (await mail.call("DELETE", "/settings/filters/{filterId}", filterId=filter_id, user=USERS[1])).status == 204
    assert (await mail.error("GET", "/settings/filters/{filterId}", filterId=filter_id, user=USERS[1])).status == 404
