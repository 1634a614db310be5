"""The write-dedupe records (``zoom_mcp.engine.write_dedupe``) in the shared database.

A client's retry may land on another instance than the first send; with the records here, that
instance finds the first send (in flight or finished) and does not send again.
"""

from __future__ import annotations

import anyio

from zoom_mcp.engine.write_dedupe import WriteOutcome, WriteRecord
from zoom_mcp.remote.database import Database


class SqlWriteStore:
    """``WriteRecordStore`` on ``Database``; ``claim`` is atomic across instances."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, key: str, now: float, window: float) -> WriteRecord | None:
        async with self.db.transaction() as tx:
            # Inserting first: a concurrent claimer of the same key waits on this row, then sees it.
            inserted = await tx.execute(
                "INSERT INTO write_records (record_key, started) VALUES (?, ?) ON CONFLICT (record_key) DO NOTHING",
                key,
                now,
            )
            if inserted:
                await tx.execute("DELETE FROM write_records WHERE COALESCE(finished, started) < ?", now - window)
                return None
            row = await tx.fetchone(
                "SELECT started, outcome, finished FROM write_records WHERE record_key = ?" + self.db.for_update, key
            )
            assert row is not None
            started, outcome, finished = float(row[0]), row[1], row[2]
            since = float(finished) if finished is not None else started
            if now - since < window:
                return WriteRecord(
                    key,
                    started,
                    WriteOutcome.from_json(outcome) if outcome is not None else None,
                    float(finished) if finished is not None else None,
                )
            await tx.execute(
                "UPDATE write_records SET started = ?, outcome = NULL, finished = NULL WHERE record_key = ?", now, key
            )
            return None

    async def finish(self, key: str, outcome: WriteOutcome, now: float) -> None:
        await self.db.execute(
            "UPDATE write_records SET outcome = ?, finished = ? WHERE record_key = ?", outcome.to_json(), now, key
        )

    async def forget(self, key: str) -> None:
        await self.db.execute("DELETE FROM write_records WHERE record_key = ?", key)

    async def wait(self, key: str, timeout: float) -> None:
        # No wake-ups across instances: the guard asks again after this.
        await anyio.sleep(timeout)
