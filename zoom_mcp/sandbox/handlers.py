"""Which handler serves which catalog endpoint.

Handlers are registered under an endpoint string (``"GET /chat/users/{userId}/messages"``).
They are matched to catalog endpoints by shape, ignoring path-parameter names, and the
request's path parameters are renamed positionally to the handler's names, so a catalog that
writes ``{channel_id}`` where a handler says ``{channelId}`` still routes correctly.

The Mail part lives in ``zoom_mcp.sandbox.mail`` (``HANDLERS``) and
``zoom_mcp.sandbox.mail_seed`` (``seed_mail``). It is imported when present; the Team Chat
part runs without it.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from zoom_mcp.catalog.served_schemas import CatalogTool
from zoom_mcp.sandbox.routing import Handler

_PARAM = re.compile(r"{(\w+)}")
MAIL_MODULE = "zoom_mcp.sandbox.mail"
MAIL_SEED_MODULE = "zoom_mcp.sandbox.mail_seed"


def shape(endpoint: str) -> str:
    """``"GET /a/{x}/b"`` -> ``"GET /a/{}/b"``: the endpoint without its parameter names."""
    method, path = endpoint.split(" ", 1)
    return f"{method.upper()} {_PARAM.sub('{}', path.rstrip('/'))}"


@dataclass(frozen=True)
class Bound:
    """A handler bound to one catalog endpoint, with the handler's own parameter names."""

    handler: Handler
    names: tuple[str, ...]
    part: str  # "chat" | "mail"


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # Only a missing Mail part is tolerated; an import error inside it must surface.
        if exc.name == module:
            return None
        raise


def mail_handlers() -> dict[str, Handler] | None:
    module = _optional(MAIL_MODULE)
    return None if module is None else dict(module.HANDLERS)


def mail_seeder() -> Callable[[], Callable[..., Any]] | None:
    """A loader of the Mail part's ``seed_mail``, or None without that part.

    Mail is seeded on first use, so its seed module (with the seed texts) is imported then too.
    """
    if importlib.util.find_spec(MAIL_SEED_MODULE) is None:
        return None
    return lambda: importlib.import_module(MAIL_SEED_MODULE).seed_mail


class HandlerTable:
    def __init__(self, chat: dict[str, Handler], mail: dict[str, Handler] | None) -> None:
        self.mail_installed = mail is not None
        self._by_shape: dict[str, tuple[str, Handler, str]] = {}
        for part, handlers in (("chat", chat), ("mail", mail or {})):
            for endpoint, handler in handlers.items():
                self._by_shape[shape(endpoint)] = (endpoint, handler, part)

    def bind(self, spec: CatalogTool) -> Bound | None:
        found = self._by_shape.get(shape(spec.endpoint))
        if found is None:
            return None
        endpoint, handler, part = found
        return Bound(handler, tuple(_PARAM.findall(endpoint)), part)

    def missing(self, specs: Iterable[CatalogTool]) -> list[str]:
        """Catalog endpoints with no handler (Mail ones only count once the Mail part exists)."""
        out = []
        for spec in specs:
            if self.bind(spec) is not None:
                continue
            if not self.mail_installed and is_mail(spec):
                continue
            out.append(spec.endpoint)
        return sorted(set(out))


def is_mail(spec: CatalogTool) -> bool:
    return spec.path.startswith("/emails/") or spec.name.startswith("mail_")
