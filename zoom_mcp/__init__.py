"""zoom-mcp: an MCP server for Zoom Team Chat and Zoom Mail."""

__version__ = "0.1.0"
