"""``python -m zoom_mcp.tools``: rewrite the tools' precomputed input schemas.

Run after changing a tool or the catalog model (``zoom_mcp/catalog/spec.py``);
``tests/test_served_schemas.py`` fails until then. The schemas are kept by
``zoom_mcp.catalog.served_schemas``, which the catalog model reads without importing the tools.
"""

from zoom_mcp.catalog import served_schemas
from zoom_mcp.tools import ALL_TOOLS

if __name__ == "__main__":
    served_schemas.write(ALL_TOOLS)
