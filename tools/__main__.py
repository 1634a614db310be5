"""``python -m zoom_mcp.tools``: rewrite the precomputed catalog index (with the input schemas).

Run after changing a tool, the catalog model (``zoom_mcp/catalog/spec.py``), ``zoom_mcp/scopes.py``
or a codec; ``tests/test_served_schemas.py`` fails until then. The index is kept by
``zoom_mcp.catalog.served_schemas``: servers list the tools from it without importing them.
"""

from zoom_mcp.catalog import served_schemas
from zoom_mcp.tools import ALL_TOOLS

if __name__ == "__main__":
    served_schemas.write(ALL_TOOLS)
