"""Zoom Mail sandbox over HTTP: the whole app (token check, routing, JSON) in front of the handlers."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from email.message import EmailMessage

import httpx2
import pytest

from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio
ROOT = "/v2/emails/mailboxes"


@pytest.fixture
def zoom() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def http(zoom: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    headers = {"Authorization": f"Bearer {zoom.issue_token()}"}
    transport = httpx2.ASGITransport(app=zoom.app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://sandbox.zoom.test", headers=headers) as client:
        yield client


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


async def test_me_is_the_demo_mailbox(zoom: Sandbox, http: httpx2.AsyncClient) -> None:
    response = await http.get(f"{ROOT}/me/profile")
    assert response.status_code == 200
    assert response.json()["emailAddress"] == zoom.state.users[0].email
    assert response.json()["messagesTotal"] >= 250
    missing = await http.get(f"{ROOT}/nobody@northwind.example/profile")
    assert missing.status_code == 404 and missing.json()["code"] == 1001


async def test_paging_over_http_and_expiry(zoom: Sandbox, http: httpx2.AsyncClient) -> None:
    seen: list[str] = []
    params: dict[str, str] = {"maxResults": "100", "labelIds": "INBOX"}
    while True:
        body = (await http.get(f"{ROOT}/me/messages", params=params)).json()
        seen += [m["id"] for m in body["messages"]]
        if "nextPageToken" not in body:
            break
        params["pageToken"] = body["nextPageToken"]
    assert len(seen) == len(set(seen)) == body["resultSizeEstimate"]

    first = (await http.get(f"{ROOT}/me/messages", params={"maxResults": "5"})).json()
    zoom.advance_clock(16 * 60)
    expired = await http.get(f"{ROOT}/me/messages", params={"pageToken": first["nextPageToken"]})
    assert expired.status_code == 400
    assert expired.json() == {"code": 300, "message": "The next page token is either invalid or has expired."}


async def test_send_and_read_back_over_http(zoom: Sandbox, http: httpx2.AsyncClient) -> None:
    colleague = zoom.state.users[1].email
    message = EmailMessage()
    message["To"] = colleague
    message["Subject"] = "Over the wire"
    message.set_content("Body sent through the ASGI app.")
    message.add_attachment(b"\x00\x01binary\xff", maintype="application", subtype="octet-stream", filename="blob.bin")
    sent = await http.post(f"{ROOT}/me/messages/send", json={"raw": _b64url(message.as_bytes())})
    assert sent.status_code == 200 and sent.json()["labelIds"] == ["SENT"]

    full = (await http.get(f"{ROOT}/me/messages/{sent.json()['id']}")).json()
    attachment = next(p for p in full["payload"]["parts"] if p["filename"] == "blob.bin")
    fetched = await http.get(f"{ROOT}/me/messages/{full['id']}/attachments/{attachment['body']['attachmentId']}")
    data = fetched.json()["data"]
    assert base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)) == b"\x00\x01binary\xff"

    inbox = (await http.get(f"{ROOT}/{colleague}/messages", params={"q": 'subject:"Over the wire"'})).json()
    assert len(inbox["messages"]) == 1

    trashed = await http.post(f"{ROOT}/me/messages/{full['id']}/trash")
    assert "TRASH" in trashed.json()["labelIds"]
    deleted = await http.delete(f"{ROOT}/me/messages/{full['id']}")
    assert deleted.status_code == 204 and deleted.content == b""


async def test_label_and_history_over_http(http: httpx2.AsyncClient) -> None:
    start = (await http.get(f"{ROOT}/me/profile")).json()["historyId"]
    created = await http.post(f"{ROOT}/me/labels", json={"name": "Board", "parentId": ""})
    assert created.status_code == 200
    label_id = created.json()["id"]
    message_id = (await http.get(f"{ROOT}/me/messages", params={"maxResults": "1"})).json()["messages"][0]["id"]
    await http.post(f"{ROOT}/me/messages/{message_id}/modify", json={"addLabelIds": [label_id]})
    history = (await http.get(f"{ROOT}/me/history", params={"startHistoryId": start})).json()
    assert history["history"][0]["labelsAdded"][0]["labelIds"] == [label_id]
    protected = await http.delete(f"{ROOT}/me/labels/INBOX")
    assert protected.status_code == 400 and protected.json()["code"] == 300
