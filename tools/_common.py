"""Field types shared by tool modules. Declarations only."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from zoom_mcp.catalog import page_size

# Path parameters left empty are filled by the executor from configuration
# (ZOOM_MCP_DEFAULT_USER / ZOOM_MCP_DEFAULT_MAILBOX, both "me" by default).
UserId = Annotated[
    str | None,
    Field(serialization_alias="userId", description="User id or email; default: you"),
]
Mailbox = Annotated[
    str | None,
    Field(serialization_alias="email", description="Mailbox address; default: yours"),
]
NextPageToken = Annotated[
    str | None,
    Field(description="Token from the previous result to get the next page"),
]
ChatPageSize = page_size(maximum=50, default=10)
