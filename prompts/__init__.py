"""MCP prompt templates, one TOML file each (see zoom_mcp.serving.prompting for the format)."""
