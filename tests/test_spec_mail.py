"""Every Zoom Mail tool against Zoom's official OpenAPI document, through the real executor.

Each mail tool runs twice against a fresh sandbox, with a minimal and a maximal argument set.
A transport wrapped around the sandbox's records every request at the wire (the tool's own and
the follow-up calls its hooks make) and the answer to it. Each request must name an operation of
the document; its query parameters and JSON body fields must exist there and validate against
their schemas, required ones present. Each 2xx answer must validate against the operation's
response schema for that status (and carry no field the schema lacks). The recorder and the
checks are the Team Chat suite's too (tests/spec_check.py).

Where the document is evidently wrong, ``CORRECTIONS`` fixes that exact point, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx2
import pytest

from tests.spec_check import (
    Deviations,
    Exchange,
    Recorder,
    SpecRouter,
    Tally,
    check_exchanges,
    exchange,
)
from tests.zoom_spec import operations, require_specs
from zoom_mcp import cli
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox, mime_tree
from zoom_mcp.sandbox.mail_store import Mailbox
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

MAIL_TOOLS = [spec for spec in ALL_TOOLS if spec.toolset.startswith("mail_")]
ROOT = "/emails/mailboxes/{email}"

# ---- where the document is wrong, and what we follow instead ---------------------------------


def _rename_required(schema: dict[str, Any], wrong: str, right: str) -> None:
    schema["required"] = [right if name == wrong else name for name in schema.get("required", [])]
    schema["properties"][right] = schema["properties"].pop(wrong)


DEVIATIONS = Deviations(
    corrections={
        # PUT labels requires "parentld" (a lower-case L for the I): a typo. Its own PATCH and POST twins,
        # and every label resource in the document's answers, spell it parentId; we send parentId.
        ("PUT", f"{ROOT}/labels/{{labelId}}", "body"): lambda s: _rename_required(s, "parentld", "parentId"),
        # The create-label answer lists "messageListVisibilitystring" (a field name run into its type);
        # the label resource of every other answer (GET, PUT, PATCH) spells it messageListVisibility.
        ("POST", f"{ROOT}/labels", "response"): lambda s: _rename_required(
            s, "messageListVisibilitystring", "messageListVisibility"
        ),
    },
    # Query parameters declared as one string with an enum, whose description speaks of several
    # ("History types to be returned"; "if one history type is included in both historyTypes and
    # excludeHistoryTypes, the exclude takes priority", which only means something for lists): we send
    # a comma-separated list, the form the document uses for metadataHeaders, and check each item.
    comma_lists={("GET", f"{ROOT}/history"): frozenset({"historyTypes", "excludeHistoryTypes"})},
)


def check_mail_exchanges(router: SpecRouter, exchanges: list[Exchange], tally: Tally) -> list[str]:
    """The spec checks, and one of this suite's own: every call an argument set makes succeeds."""
    failed = [
        f"{e.method} {e.path}: answered {e.status}: {e.response[:300].decode(errors='replace')}"
        for e in exchanges
        if e.status >= 300
    ]
    before = len(tally.failures)
    check_exchanges(router, exchanges, DEVIATIONS, tally)
    return failed + tally.failures[before:]


# ---- the argument sets -----------------------------------------------------------------------


@dataclass
class Seeded:
    """What the argument sets refer to in a fresh sandbox's demo mailbox."""

    sandbox: Sandbox

    @property
    def box(self) -> Mailbox:
        return self.sandbox.state.mail.mailbox(self.sandbox.state.owner.email)

    def notable(self, name: str) -> str:
        return str(self.sandbox.state.mail.notable[name])

    @property
    def message(self) -> str:
        return self.notable("invoice_pdf")

    @property
    def thread(self) -> str:
        return self.box.get(self.message).thread_id

    @property
    def draft(self) -> str:
        return next(iter(self.box.drafts))

    @property
    def user_label(self) -> str:
        return next(label.id for label in self.box.labels.values() if label.type == "user")

    @property
    def parent_label(self) -> str:
        return [label.id for label in self.box.labels.values() if label.type == "user"][-1]

    @property
    def filter(self) -> str:
        return next(iter(self.box.filters))

    @property
    def delegate(self) -> str:
        return next(iter(self.box.delegates.values()))["delegateEmail"]

    @property
    def colleague(self) -> str:
        """An account user who is not yet a delegate."""
        taken = {self.box.email.lower(), *self.box.delegates}
        return next(u.email for u in self.sandbox.state.users if u.email.lower() not in taken)

    @property
    def attachment(self) -> str:
        message = self.box.get(self.message)
        return next(mime_tree.attachment_id(message.id, leaf.part_id) for leaf in message.attachments())

    def history_start(self) -> str:
        """The current historyId, after which a few changes of several kinds are made."""
        start = str(self.box.history_id)
        message = self.box.get(self.message)
        self.box.modify(message, add=["STARRED"], remove=["INBOX"])
        self.box.record_event("delegatesAdded", self.colleague)
        self.box.record_event("settingsUpdated", {"id": "vacation", "type": "vacation"})
        return start


Args = Callable[[Seeded], dict[str, Any]]
COMPOSED = {"cc": ["cc@example.com"], "bcc": ["hidden@example.com"], "html": "<p>Hello <b>there</b></p>"}


def _flags(s: Seeded) -> dict[str, Any]:
    return {
        "read": True,
        "starred": True,
        "important": False,
        "archive": True,
        "add_label_ids": [s.user_label],
        "remove_label_ids": ["SPAM"],
    }


CASES: dict[str, tuple[Args, Args]] = {
    "mail_list_messages": (
        lambda s: {},
        lambda s: {
            "mailbox": s.box.email,
            "label_ids": ["INBOX", "UNREAD"],
            "q": "invoice",
            "include_spam_trash": True,
            "page_size": 50,
        },
    ),
    "mail_get_message": (
        lambda s: {"message_id": s.message},
        lambda s: {"mailbox": "me", "message_id": s.message, "headers_only": True},
    ),
    "mail_send_message": (
        lambda s: {"to": ["someone@example.com"], "text": "Hi"},
        lambda s: {
            "mailbox": "me",
            "to": ["someone@example.com"],
            "subject": "Re-check",
            "text": "Hi",
            "in_reply_to": s.message,
            **COMPOSED,
        },
    ),
    "mail_insert_message": (
        lambda s: {"to": ["me@example.com"], "text": "Imported"},
        lambda s: {
            "mailbox": "me",
            "to": ["me@example.com"],
            "sender": "Old System <old@example.com>",
            "subject": "Imported",
            "text": "Imported",
            "label_ids": ["INBOX", s.user_label],
            "deleted": False,
            "in_reply_to": s.message,
            **COMPOSED,
        },
    ),
    "mail_modify_message": (
        lambda s: {"message_id": s.message, "read": True},
        lambda s: {"mailbox": "me", "message_id": s.message, **_flags(s)},
    ),
    "mail_batch_modify_messages": (
        lambda s: {"message_ids": [s.message], "starred": True},
        lambda s: {"mailbox": "me", "message_ids": [s.message, s.notable("cjk")], **_flags(s)},
    ),
    "mail_trash_message": (lambda s: {"message_id": s.message}, lambda s: {"mailbox": "me", "message_id": s.message}),
    "mail_untrash_message": (lambda s: {"message_id": s.message}, lambda s: {"mailbox": "me", "message_id": s.message}),
    "mail_delete_message": (lambda s: {"message_id": s.message}, lambda s: {"mailbox": "me", "message_id": s.message}),
    "mail_batch_delete_messages": (
        lambda s: {"message_ids": [s.message]},
        lambda s: {"mailbox": "me", "message_ids": [s.message, s.notable("cjk")]},
    ),
    "mail_get_attachment": (
        lambda s: {"message_id": s.message, "attachment_id": s.attachment},
        lambda s: {
            "mailbox": "me",
            "message_id": s.message,
            "attachment_id": s.attachment,
            "filename": "invoice.pdf",
            "mime_type": "application/pdf",
        },
    ),
    "mail_list_threads": (
        lambda s: {},
        lambda s: {
            "mailbox": "me",
            "label_ids": ["INBOX"],
            "q": "is:unread",
            "include_spam_trash": False,
            "page_size": 50,
        },
    ),
    "mail_get_thread": (
        lambda s: {"thread_id": s.thread},
        lambda s: {"mailbox": "me", "thread_id": s.thread, "headers_only": True},
    ),
    "mail_modify_thread": (
        lambda s: {"thread_id": s.thread, "read": False},
        lambda s: {"mailbox": "me", "thread_id": s.thread, **_flags(s), "move_to": s.user_label},
    ),
    "mail_trash_thread": (lambda s: {"thread_id": s.thread}, lambda s: {"mailbox": "me", "thread_id": s.thread}),
    "mail_untrash_thread": (lambda s: {"thread_id": s.thread}, lambda s: {"mailbox": "me", "thread_id": s.thread}),
    "mail_delete_thread": (lambda s: {"thread_id": s.thread}, lambda s: {"mailbox": "me", "thread_id": s.thread}),
    "mail_list_drafts": (lambda s: {}, lambda s: {"mailbox": "me", "q": "roadmap", "page_size": 50}),
    "mail_get_draft": (
        lambda s: {"draft_id": s.draft},
        lambda s: {"mailbox": "me", "draft_id": s.draft, "headers_only": True},
    ),
    "mail_create_draft": (
        lambda s: {},
        lambda s: {
            "mailbox": "me",
            "to": ["someone@example.com"],
            "subject": "Draft",
            "text": "Hi",
            "in_reply_to": s.message,
            **COMPOSED,
        },
    ),
    "mail_update_draft": (
        lambda s: {"draft_id": s.draft, "text": "New text"},
        lambda s: {
            "mailbox": "me",
            "draft_id": s.draft,
            "to": ["someone@example.com"],
            "subject": "Draft",
            "text": "Hi",
            "in_reply_to": s.message,
            **COMPOSED,
        },
    ),
    "mail_send_draft": (lambda s: {"draft_id": s.draft}, lambda s: {"mailbox": "me", "draft_id": s.draft}),
    "mail_delete_draft": (lambda s: {"draft_id": s.draft}, lambda s: {"mailbox": "me", "draft_id": s.draft}),
    "mail_list_labels": (lambda s: {}, lambda s: {"mailbox": "me"}),
    "mail_get_label": (lambda s: {"label_id": "INBOX"}, lambda s: {"mailbox": "me", "label_id": s.user_label}),
    "mail_create_label": (
        lambda s: {"name": "Spec"},
        lambda s: {"mailbox": "me", "name": "Spec child", "parent_id": s.parent_label},
    ),
    "mail_patch_label": (
        lambda s: {"label_id": s.user_label, "name": "Renamed"},
        lambda s: {"mailbox": "me", "label_id": s.user_label, "name": "Renamed", "parent_id": s.parent_label},
    ),
    "mail_update_label": (
        lambda s: {"label_id": s.user_label, "name": "Replaced"},
        lambda s: {"mailbox": "me", "label_id": s.user_label, "name": "Replaced", "parent_id": s.parent_label},
    ),
    "mail_delete_label": (lambda s: {"label_id": s.user_label}, lambda s: {"mailbox": "me", "label_id": s.user_label}),
    "mail_get_profile": (lambda s: {}, lambda s: {"mailbox": "me"}),
    "mail_list_history": (
        lambda s: {"start_history_id": s.history_start()},
        lambda s: {
            "mailbox": "me",
            "start_history_id": s.history_start(),
            "history_types": ["messageAdded", "labelAdded", "labelRemoved"],
            "exclude_history_types": ["messageDeleted"],
            "label_id": "INBOX",
            "page_size": 100,
        },
    ),
    "mail_get_vacation": (lambda s: {}, lambda s: {"mailbox": "me"}),
    "mail_update_vacation": (
        lambda s: {"enabled": False},
        lambda s: {
            "mailbox": "me",
            "enabled": True,
            "subject": "Away",
            "text": "Back Monday",
            "html": "<p>Back Monday</p>",
            "start": "2030-01-01T00:00:00Z",
            "end": "2030-01-08T00:00:00Z",
            "contacts_only": True,
            "domain_only": False,
        },
    ),
    "mail_list_delegates": (lambda s: {}, lambda s: {"mailbox": "me"}),
    "mail_get_delegate": (
        lambda s: {"delegate_email": s.delegate},
        lambda s: {"mailbox": "me", "delegate_email": s.delegate},
    ),
    "mail_grant_delegate": (
        lambda s: {"delegate_email": s.colleague},
        lambda s: {"mailbox": "me", "delegate_email": s.colleague, "access": "reviewer"},
    ),
    "mail_revoke_delegate": (
        lambda s: {"delegate_email": s.delegate},
        lambda s: {"mailbox": "me", "delegate_email": s.delegate},
    ),
    "mail_list_filters": (lambda s: {}, lambda s: {"mailbox": "me"}),
    "mail_get_filter": (lambda s: {"filter_id": s.filter}, lambda s: {"mailbox": "me", "filter_id": s.filter}),
    "mail_create_filter": (
        lambda s: {"sender": "boss@example.com", "add_label_ids": ["IMPORTANT"]},
        lambda s: {
            "mailbox": "me",
            "sender": "boss@example.com",
            "recipient": "me@example.com",
            "subject": "urgent",
            "query": "deadline",
            "has_attachment": True,
            "add_label_ids": ["IMPORTANT", s.user_label],
            "remove_label_ids": ["INBOX"],
            "forward": "assistant@example.com",
        },
    ),
    "mail_delete_filter": (lambda s: {"filter_id": s.filter}, lambda s: {"mailbox": "me", "filter_id": s.filter}),
}
VARIANTS = ("minimal", "maximal")


@dataclass
class Run:
    text: str
    is_error: bool
    exchanges: list[Exchange]


async def run_tool(name: str, variant: str, sandbox: Sandbox | None = None) -> Run:
    """``name`` with its argument set on ``sandbox`` (a fresh one by default), recorded at the wire."""
    sandbox = sandbox or Sandbox()
    recorder = Recorder(httpx2.ASGITransport(app=sandbox.app))
    settings = Settings.from_env(sandbox.settings_env())
    arguments = CASES[name][VARIANTS.index(variant)](Seeded(sandbox))
    async with Executor(settings, transport=recorder) as executor:
        result = await executor.call(BY_NAME[name], arguments)
    return Run(result.text, result.is_error, recorder.api_calls())


TALLY = Tally()
RUNS: list[str] = []


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return require_specs()


@pytest.fixture(scope="module")
def router(specs: dict[str, dict[str, Any]]) -> SpecRouter:
    return SpecRouter(specs)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_tool_requests_and_answers_follow_the_document(router: SpecRouter, name: str, variant: str) -> None:
    run = anyio.run(run_tool, name, variant)
    assert not run.is_error, run.text
    assert "details unavailable" not in run.text, run.text
    spec = BY_NAME[name]
    found = [router.find(e.method, e.path) for e in run.exchanges]
    own = [op for op in found if op is not None and (op.method, op.path) == (spec.method, spec.path)]
    assert own, f"{spec.endpoint} was never called"
    problems = check_mail_exchanges(router, run.exchanges, TALLY)
    RUNS.append(f"{name}/{variant}")
    assert not problems, "\n".join(problems)


def test_every_mail_tool_has_both_argument_sets_and_every_operation_a_tool(specs: Any) -> None:
    mail_names = {spec.name for spec in MAIL_TOOLS}
    assert set(CASES) == mail_names
    document = {key for key, op in operations(specs).items() if op.product == "mail"}
    endpoints = {(spec.method, spec.path) for spec in MAIL_TOOLS}
    assert endpoints == document


def test_scopes_equal_the_documents(specs: Any) -> None:
    ops = operations(specs)
    rows = 0
    for spec in MAIL_TOOLS:
        op = ops[(spec.method, spec.path)]
        assert frozenset(spec.scopes.alternatives) == op.scopes, spec.name
        for part in spec.scopes.parts[1:]:
            assert any(frozenset(part.alternatives) == other.scopes for other in ops.values()), (spec.name, part)
        rows += 1
    assert rows == len(MAIL_TOOLS) == 41


# ---- least-privilege scopes per toolset ------------------------------------------------------

MAIL_TOOLSETS = sorted({spec.toolset for spec in MAIL_TOOLS})


def granular_cover(toolset: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The smallest granular scope set ``zoom-mcp scopes --granular`` prints for ``toolset``."""
    assert cli.run(["scopes", "--toolsets", toolset, "--granular"]) == 0
    out = capsys.readouterr().out
    return out.rsplit("smallest scope set", 1)[1].split("\n", 1)[1].strip()


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("toolset", MAIL_TOOLSETS)
def test_granular_scope_set_of_a_toolset_runs_all_its_tools(
    specs: Any, toolset: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scopes = granular_cover(toolset, capsys)
    assert all(":" in scope and not scope.startswith("mail:") for scope in scopes.split())
    names = sorted(spec.name for spec in MAIL_TOOLS if spec.toolset == toolset)
    for name in names:
        for variant in VARIANTS:
            run = anyio.run(run_tool, name, variant, Sandbox(scopes=scopes))
            assert not run.is_error, f"{name}/{variant} with {scopes}: {run.text}"
            assert "details unavailable" not in run.text, f"{name}/{variant} with {scopes}: {run.text}"


@pytest.mark.parametrize(
    ("tool", "arguments", "scopes", "missing"),
    [
        ("mail_list_messages", {"page_size": 2}, "email:read:list_msgs", "email:read:msg"),
        ("mail_list_threads", {"page_size": 2}, "email:read:list_threads", "email:read:thread"),
        ("mail_list_drafts", {"page_size": 2}, "email:read:list_drafts", "email:read:draft"),
    ],
)
def test_a_missing_follow_up_scope_is_named_in_each_row(tool: str, arguments: Any, scopes: str, missing: str) -> None:
    async def call() -> str:
        sandbox = Sandbox(scopes=scopes)
        async with Executor(Settings.from_env(sandbox.settings_env()), transport=sandbox.transport()) as executor:
            result = await executor.call(BY_NAME[tool], arguments)
        assert not result.is_error, result.text
        return result.text

    text = anyio.run(call)
    assert text.count(f"details unavailable: add scope {missing}") == 2, text


def test_counts_cover_every_mail_operation() -> None:
    """Run last: every argument set ran, every operation of the document was checked."""
    if len(RUNS) < 2 * len(CASES):
        pytest.skip("counts need the whole module run")
    assert len(TALLY.operations) == 41
    print(
        f"\nmail spec: {len(TALLY.operations)} operations, {TALLY.requests} request validations, "
        f"{TALLY.responses} response validations, {len(MAIL_TOOLS)} scope rows"
    )


def test_the_checker_catches_what_the_document_forbids(router: SpecRouter) -> None:
    """The mismatches this suite was written for are caught, so a pass means something."""
    root = "/emails/mailboxes/me"

    def problems(method: str, path: str, query: list[tuple[str, str]], body: Any = None, answer: Any = None) -> str:
        sent = {"content_type": "application/json", "body": json.dumps(body).encode()} if body is not None else {}
        made = exchange(
            method, path, query=urlencode(query), status=200, response=json.dumps(answer or {}).encode(), **sent
        )
        return "\n".join(check_mail_exchanges(router, [made], Tally()))

    assert "query metadata_headers is not in the spec" in problems(
        "GET", f"{root}/messages/M1", [("metadata_headers", "From")]
    )
    assert "query labelIds sent more than once" in problems(
        "GET", f"{root}/messages", [("labelIds", "INBOX"), ("labelIds", "UNREAD")]
    )
    assert "body field /threadId is not in the spec" in problems(
        "POST", f"{root}/messages/send", [], {"raw": "eA", "threadId": "T"}
    )
    assert "query historyTypes='labelsAdded'" in problems(
        "GET", f"{root}/history", [("startHistoryId", "1"), ("historyTypes", "labelsAdded")]
    )
    assert "query historyTypes='labelsAdded'" in problems(
        "GET", f"{root}/history", [("startHistoryId", "1"), ("historyTypes", "messageAdded,labelsAdded")]
    )
    assert "required query startHistoryId missing" in problems("GET", f"{root}/history", [])
    assert "parentId" in problems("POST", f"{root}/labels", [], {"name": "x"})
    assert "startTime: 1 is not of type 'string'" in problems(
        "PUT", f"{root}/settings/vacation", [], {"enableAutoReply": True, "startTime": 1}
    )
    assert "delegateAccess" in problems(
        "GET", f"{root}/settings/delegates", [], answer={"delegates": [{"delegateAccess": "x"}]}
    )
    assert "no such operation" in problems("GET", f"{root}/folders", [])
    assert "answered 404" in "\n".join(
        check_mail_exchanges(router, [exchange("GET", f"{root}/profile", status=404)], Tally())
    )
    # The document's typo is corrected: parentId is what it means, "parentld" is not asked for.
    assert "parentld" not in problems("PUT", f"{root}/labels/L1", [], {"name": "x", "parentId": "P"})
    drafts_send = router.find("POST", f"{root}/drafts/send")
    assert drafts_send is not None and drafts_send.path.endswith("/drafts/send")


@pytest.mark.usefixtures("clean_env")
def test_scopes_table_lists_follow_up_scopes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["scopes", "--toolsets", "mail_messages", "--granular"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("email:")}
    assert "mail_list_messages" in rows["email:read:msg"] and "mail_send_message" in rows["email:read:msg"]
