"""OAuth scope requirements and what a set of granted scopes unlocks.

A requirement is a set of alternatives, any one of which suffices: the classic scope, its
``:admin`` form, and the granular scopes (``team_chat:read:list_user_messages``, ...).
A tool whose hooks make follow-up calls (a mail list that fetches each row) needs its own
endpoint's requirement *and* those of the follow-ups: ``needs(...) & needs(...)``.
Granted scopes come from the token response's space-separated ``scope`` string, or from
configuration for a static token; ``None`` means "unknown", and then every tool registers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

ADMIN = ":admin"


@dataclass(frozen=True)
class ScopeRequirement:
    classic: tuple[str, ...]
    granular: tuple[str, ...]
    # Requirements of follow-up calls the tool makes: each must be met too.
    also: tuple[ScopeRequirement, ...] = ()

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The scopes that grant the tool's own endpoint (any one suffices)."""
        return self.classic + self.granular

    @property
    def parts(self) -> tuple[ScopeRequirement, ...]:
        """Every requirement that must be met: the endpoint's own, then each follow-up's."""
        own = ScopeRequirement(self.classic, self.granular)
        return (own, *(part for req in self.also for part in req.parts))

    def met_by(self, granted: frozenset[str] | None) -> bool:
        if granted is None:
            return True
        return all(any(scope in granted for scope in part.alternatives) for part in self.parts)

    def missing(self, granted: frozenset[str] | None) -> tuple[ScopeRequirement, ...]:
        """The parts ``granted`` does not meet."""
        if granted is None:
            return ()
        return tuple(part for part in self.parts if not any(scope in granted for scope in part.alternatives))

    def __and__(self, other: ScopeRequirement) -> ScopeRequirement:
        return ScopeRequirement(self.classic, self.granular, (*self.also, other))

    def to_data(self) -> dict[str, Any]:
        """As JSON data (the precomputed catalog index keeps it so); ``from_data`` rebuilds it."""
        data: dict[str, Any] = {"classic": list(self.classic), "granular": list(self.granular)}
        if self.also:
            data["also"] = [req.to_data() for req in self.also]
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ScopeRequirement:
        also = tuple(cls.from_data(part) for part in data.get("also", ()))
        return cls(tuple(data["classic"]), tuple(data["granular"]), also)


def _with_admin(scopes: Iterable[str], admin: bool) -> tuple[str, ...]:
    out: list[str] = []
    for scope in scopes:
        out.append(scope)
        if admin and not scope.endswith(ADMIN):
            out.append(scope + ADMIN)
    return tuple(dict.fromkeys(out))


def needs(
    *classic: str,
    granular: str | Iterable[str] = (),
    admin: bool = True,
) -> ScopeRequirement:
    """Declare a requirement: ``needs("chat_message:write", granular="team_chat:write:user_message")``.

    With ``admin=True`` (the default) every scope not already ending in ``:admin`` also accepts
    its ``:admin`` form. Pass ``admin=False`` for scopes Zoom offers only at user level
    (``chat_contact:read``) and write the ``:admin`` scopes out when only those exist.
    """
    granular_scopes = (granular,) if isinstance(granular, str) else tuple(granular)
    return ScopeRequirement(_with_admin(classic, admin), _with_admin(granular_scopes, admin))


def parse_scopes(value: str | None) -> frozenset[str] | None:
    """Parse a space- (or comma-) separated scope string; empty or missing means unknown."""
    if value is None:
        return None
    parts = [part for part in value.replace(",", " ").split() if part]
    return frozenset(parts) if parts else None


def smallest_cover(requirements: Iterable[ScopeRequirement], prefer: str = "classic") -> list[str]:
    """A small scope set that meets every requirement (greedy set cover).

    ``prefer`` picks the family tried first: ``classic`` (few broad scopes) or ``granular``
    (least privilege). ``:admin`` forms are used only where no user-level scope exists.
    """
    pending = [part for req in requirements for part in req.parts]
    chosen: list[str] = []

    def candidates(req: ScopeRequirement) -> tuple[str, ...]:
        first, second = (req.classic, req.granular) if prefer == "classic" else (req.granular, req.classic)
        family = first or second
        user_level = tuple(s for s in family if not s.endswith(ADMIN))
        return user_level or family

    while pending:
        counts: dict[str, int] = {}
        for req in pending:
            for scope in candidates(req):
                counts[scope] = counts.get(scope, 0) + 1
        best = max(sorted(counts), key=lambda s: counts[s])
        chosen.append(best)
        pending = [req for req in pending if best not in req.alternatives]
    return sorted(chosen)
