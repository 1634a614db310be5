"""MCP prompt templates, one TOML file each (see zoom_mcp.prompting for the format)."""
