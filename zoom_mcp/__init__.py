"""zoom-mcp: an MCP server for Zoom Team Chat and Zoom Mail."""

from zoom_mcp._layout import map_catalog_folders

__version__ = "0.1.0"

map_catalog_folders(__name__, __path__)
