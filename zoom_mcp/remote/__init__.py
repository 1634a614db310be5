"""Remote multi-user mode: one server for a team, each request run as its signed-in Zoom user.

``app`` assembles it; ``provider`` and ``consent`` are the authorization server MCP clients talk
to; ``zoom_signin`` and ``zoom_tokens`` are Zoom's side; ``database``, ``migrations``, ``store``,
``write_store`` and ``rate_budget`` keep what the instances share.
"""
