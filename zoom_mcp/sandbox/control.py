"""The sandbox's own control routes (``/_sandbox/...``): faults, rate limits, token revocation.

They need no token: they exist only on the sandbox, which binds to loopback by default, and
let a test or a demo drive failures from outside the process (``curl``, another language).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from zoom_mcp.sandbox.faults import FAULT_KINDS

if TYPE_CHECKING:
    from zoom_mcp.sandbox.core import Sandbox


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return {"_invalid": True}
    return body if isinstance(body, dict) else {"_invalid": True}


def control_routes(sandbox: Sandbox) -> list[Route]:
    async def add_fault(request: Request) -> JSONResponse:
        body = await _json(request)
        kind = body.get("kind")
        if body.get("_invalid") or kind not in FAULT_KINDS:
            return JSONResponse({"error": f"kind must be one of {', '.join(FAULT_KINDS)}"}, status_code=400)
        times = body.get("times", 1)
        fault = sandbox.faults.add(
            kind,
            endpoint=body.get("endpoint"),
            method=body.get("method"),
            times=None if times is None else int(times),
            delay=float(body.get("delay", 0.0)),
        )
        return JSONResponse(fault.describe(), status_code=201)

    async def list_faults(request: Request) -> JSONResponse:
        return JSONResponse({"faults": [f.describe() for f in sandbox.faults.active()]})

    async def clear_faults(request: Request) -> JSONResponse:
        sandbox.faults.clear()
        return JSONResponse({"faults": []})

    async def rate_limits(request: Request) -> JSONResponse:
        body = await _json(request)
        limiter = sandbox.rate_limiter
        if "enabled" in body:
            limiter.enabled = bool(body["enabled"])
        if isinstance(body.get("quotas"), dict):
            limiter.quotas.update({str(k): int(v) for k, v in body["quotas"].items()})
        if "retry_after" in body:
            limiter.retry_after = bool(body["retry_after"])
        return JSONResponse({"enabled": limiter.enabled, "quotas": limiter.quotas, "retry_after": limiter.retry_after})

    async def revoke(request: Request) -> JSONResponse:
        return JSONResponse({"revoked": sandbox.revoke_tokens()})

    async def state(request: Request) -> JSONResponse:
        return JSONResponse(sandbox.describe())

    return [
        Route("/_sandbox/faults", add_fault, methods=["POST"]),
        Route("/_sandbox/faults", list_faults, methods=["GET"]),
        Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
        Route("/_sandbox/rate_limits", rate_limits, methods=["POST"]),
        Route("/_sandbox/revoke", revoke, methods=["POST"]),
        Route("/_sandbox/state", state, methods=["GET"]),
    ]
