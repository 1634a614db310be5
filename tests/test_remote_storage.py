"""Remote mode's storage on SQLite and PostgreSQL: migrations, the shared write records and the
shared rate budget, each used by two "instances" (two connections) of one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.remote_parts import fresh_database
from zoom_mcp.engine.write_dedupe import WriteOutcome
from zoom_mcp.remote.database import Database, open_database
from zoom_mcp.remote.migrations import MIGRATIONS
from zoom_mcp.remote.rate_budget import PLAN_LIMITS, SharedRateBudget
from zoom_mcp.remote.write_store import SqlWriteStore

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["postgresql", "sqlite"])
async def two(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    if request.param == "sqlite":
        url = str(tmp_path / "shared.db")
    else:
        url = await fresh_database(request.getfixturevalue("postgres"))
    first, second = await open_database(url), await open_database(url)
    yield first, second
    await first.aclose()
    await second.aclose()


async def test_migrations_apply_once_on_every_instance(two: tuple[Database, Database]) -> None:
    first, second = two
    latest = max(version for version, _ in MIGRATIONS)
    assert await first.migrate() == latest and await second.migrate() == latest
    assert await first.fetchall("SELECT version FROM schema_migrations") == [(latest,)]


async def test_one_claim_wins_however_many_instances_race(two: tuple[Database, Database]) -> None:
    stores = [SqlWriteStore(db) for db in two]
    claims = await asyncio.gather(*(stores[i % 2].claim("send-1", 1000.0, 600.0) for i in range(12)))
    assert sum(claim is None for claim in claims) == 1
    assert all(claim is None or claim.outcome is None for claim in claims), "the others see it in flight"

    await stores[0].finish("send-1", WriteOutcome("sent", structured={"id": "m1"}), 1001.0)
    seen = await stores[1].claim("send-1", 1002.0, 600.0)
    assert seen is not None and seen.outcome == WriteOutcome("sent", structured={"id": "m1"})
    # Past the window the key is free again; forgotten writes are free at once.
    assert await stores[1].claim("send-1", 1700.0, 600.0) is None
    await stores[0].forget("send-1")
    assert await stores[1].claim("send-1", 1701.0, 600.0) is None


async def test_the_rate_budget_is_shared_by_every_instance(two: tuple[Database, Database]) -> None:
    now = [5000.25]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    budgets = [SharedRateBudget(db, PLAN_LIMITS["free"], clock=lambda: now[0], sleep=sleep) for db in two]
    granted: list[int] = []
    for index in range(10):
        await budgets[index % 2].take("acct-1", "medium")
        granted.append(int(now[0]))
    # Free plan, medium: 2 per second, counted across both instances.
    per_second = {second: granted.count(second) for second in granted}
    assert max(per_second.values()) == 2 and len(per_second) == 5
    assert sum(budget.waits for budget in budgets) >= 4
    # Another account, or another label, has its own budget.
    before = now[0]
    await budgets[0].take("acct-2", "medium")
    await budgets[1].take("acct-1", "light")
    assert now[0] == before
