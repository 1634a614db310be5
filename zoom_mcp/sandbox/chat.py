"""Every Team Chat handler, keyed by the catalog endpoint it serves."""

from __future__ import annotations

from zoom_mcp.catalog import ToolInput, ToolSpec
from zoom_mcp.catalog.served_schemas import CatalogTool
from zoom_mcp.sandbox import chat_channels, chat_contacts, chat_files, chat_messages, chat_reports
from zoom_mcp.sandbox.handlers import shape
from zoom_mcp.sandbox.routing import Handler
from zoom_mcp.scopes import ScopeRequirement, needs


def _collect() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for module in (chat_messages, chat_channels, chat_contacts, chat_files, chat_reports):
        overlap = handlers.keys() & module.HANDLERS.keys()
        if overlap:
            raise RuntimeError(f"endpoints served twice: {sorted(overlap)}")
        handlers.update(module.HANDLERS)
    return handlers


HANDLERS: dict[str, Handler] = _collect()

# Endpoints the sandbox serves although no tool uses them yet (curl, demos, tools to come),
# with the scopes Zoom documents for them (zoom-api.md 7).
EXTRA_SCOPES: dict[str, ScopeRequirement] = {
    "GET /chat/users/{userId}/messages/{messageId}/thread": needs(
        "chat_message:read", "chat_message:write", granular="team_chat:read:thread_message"
    ),
    "DELETE /chat/users/{userId}/channels": needs("chat_channel:write", granular="team_chat:delete:channels"),
    "POST /chat/users/{userId}/invitations": needs(
        "chat_contact:write", granular="team_chat:write:contact_information"
    ),
    "PATCH /chat/users/{userId}/events": needs("chat_event:write", granular="team_chat:update:chat_control"),
    "GET /chat/files/{fileId}": needs("chat:read", "chat:write", granular="team_chat:read:file"),
    "DELETE /chat/files/{fileId}": needs("chat:write", granular="team_chat:delete:file"),
}


def extra_specs(catalog: tuple[CatalogTool, ...]) -> tuple[ToolSpec, ...]:
    """Specs for the extra endpoints the catalog does not (yet) declare, so the app can route them."""
    declared = {shape(spec.endpoint) for spec in catalog}
    out = []
    for endpoint, scopes in EXTRA_SCOPES.items():
        if shape(endpoint) in declared:
            continue
        method = endpoint.split(" ", 1)[0]
        out.append(
            ToolSpec(
                name="sandbox_" + shape(endpoint).lower().replace(" ", "_").replace("/", "_").replace("{}", "x"),
                title=endpoint,
                description="Served by the sandbox only.",
                endpoint=endpoint,
                input=ToolInput,
                scopes=scopes,
                toolset="sandbox",
                rate="medium",
                read_only=method == "GET",
                destructive=method == "DELETE",
                idempotent=method != "POST",
                open_world=True,
            )
        )
    return tuple(out)
