"""The server face: what a client or a user talks to.

``server`` registers the tools and prompts on an MCP server; ``transports`` serves it over stdio,
Streamable HTTP or SSE; ``confirm`` asks before destructive calls; ``prompting`` loads the prompt
templates; ``login`` and ``doctor`` are the ``zoom-mcp login`` and ``zoom-mcp doctor`` commands.
The command line itself is ``zoom_mcp.cli``.
"""
