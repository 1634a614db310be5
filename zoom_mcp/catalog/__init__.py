"""The catalog model: what a tool is, declared as data, and which tools a server registers.

``spec`` defines a tool (``ToolSpec``, the input model base ``ToolInput``, ``Request``, ``Page``,
the annotation presets ``READ`` ... ``DESTRUCTIVE``, ``defaults``) and ``hooks`` what a tool's
hooks may use of the call they run in (``CallContext``); both are re-exported here, so tools
import them from ``zoom_mcp.catalog``. ``registry`` picks the tools to register (scopes, read-only
mode, toolsets, allow and deny lists); ``served_schemas`` keeps the tools' input schemas
precomputed in ``served_schemas.json``. The tools themselves are declared in ``zoom_mcp.tools``.
"""

from zoom_mcp.catalog.hooks import CallContext
from zoom_mcp.catalog.spec import (
    BODY,
    DESTRUCTIVE,
    DOT_SEGMENTS,
    IDEMPOTENT_WRITE,
    LOCAL,
    MAX_PATH_SEGMENT,
    PATH,
    QUERY,
    READ,
    SELF_PATH_PARAMS,
    WRITE,
    DecodeHook,
    EncodeHook,
    Host,
    Kind,
    Location,
    Method,
    Page,
    PathSegmentError,
    RateLabel,
    Request,
    ToolInput,
    ToolSpec,
    defaults,
    is_placeholder,
    is_user_level,
    lean_schema,
    page_size,
    path_segment,
    tool_annotations,
    user_level_schema,
)

__all__ = [
    "BODY",
    "DESTRUCTIVE",
    "DOT_SEGMENTS",
    "IDEMPOTENT_WRITE",
    "LOCAL",
    "MAX_PATH_SEGMENT",
    "PATH",
    "QUERY",
    "READ",
    "SELF_PATH_PARAMS",
    "WRITE",
    "CallContext",
    "DecodeHook",
    "EncodeHook",
    "Host",
    "Kind",
    "Location",
    "Method",
    "Page",
    "PathSegmentError",
    "RateLabel",
    "Request",
    "ToolInput",
    "ToolSpec",
    "defaults",
    "is_placeholder",
    "is_user_level",
    "lean_schema",
    "page_size",
    "path_segment",
    "tool_annotations",
    "user_level_schema",
]
