"""One small SQL interface over SQLite (one instance) and PostgreSQL (several instances).

Statements are written once, with ``?`` placeholders and SQL both engines speak (``INSERT ... ON
CONFLICT``, ``RETURNING``). ``transaction()`` is the lock that makes a read-modify-write safe
across processes: on PostgreSQL it is a transaction whose ``SELECT ... FOR UPDATE`` (``db.for_update``)
locks the row; on SQLite it is ``BEGIN IMMEDIATE``, which takes the database's write lock at once.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import anyio
import anyio.to_thread

from zoom_mcp.remote.migrations import MIGRATIONS

Row = tuple[Any, ...]
# A writer waits this long for another process's lock before SQLite gives up.
SQLITE_BUSY_MS = 15_000
_PLACEHOLDER = re.compile(r"\?")


class Queries(Protocol):
    """What a connection or a transaction offers."""

    async def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def fetchone(self, sql: str, *args: Any) -> Row | None: ...

    async def fetchall(self, sql: str, *args: Any) -> list[Row]: ...


class Database(Queries, Protocol):
    for_update: str

    def transaction(self) -> Any:
        """``async with db.transaction() as tx``: statements on ``tx`` commit together, under the lock."""
        ...

    async def migrate(self) -> int:
        """Bring the schema up to date; the version it is at."""
        ...

    async def aclose(self) -> None: ...


def _pending(applied: set[int]) -> list[tuple[int, Sequence[str]]]:
    return [(version, statements) for version, statements in MIGRATIONS if version not in applied]


# SQLite ---------------------------------------------------------------------------------------


class _SqliteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: Any) -> int:
        def run() -> int:
            cursor = self._connection.execute(sql, args)
            cursor.fetchall()  # a RETURNING statement is done only once its rows are read
            return cursor.rowcount

        return await anyio.to_thread.run_sync(run)

    async def fetchone(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetchall(sql, *args)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, *args: Any) -> list[Row]:
        return await anyio.to_thread.run_sync(lambda: self._connection.execute(sql, args).fetchall())


class SqliteDatabase:
    """A database file; statements run in worker threads, so the event loop never waits on disk."""

    for_update = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._shared = self._connect()
        # One statement at a time on the shared connection (sqlite3 connections are not re-entrant).
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=SQLITE_BUSY_MS / 1000
        )
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        # WAL: readers never wait for the writer that holds a refresh lock.
        connection.execute("PRAGMA journal_mode = WAL")
        return connection

    def _run(self, sql: str, args: tuple[Any, ...]) -> tuple[int, list[Row]]:
        with self._lock:
            cursor = self._shared.execute(sql, args)
            rows = cursor.fetchall()
            return cursor.rowcount, rows

    async def execute(self, sql: str, *args: Any) -> int:
        return (await anyio.to_thread.run_sync(lambda: self._run(sql, args)))[0]

    async def fetchone(self, sql: str, *args: Any) -> Row | None:
        rows = (await anyio.to_thread.run_sync(lambda: self._run(sql, args)))[1]
        return rows[0] if rows else None

    async def fetchall(self, sql: str, *args: Any) -> list[Row]:
        return (await anyio.to_thread.run_sync(lambda: self._run(sql, args)))[1]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SqliteTransaction]:
        connection = await anyio.to_thread.run_sync(self._connect)
        try:
            await anyio.to_thread.run_sync(lambda: connection.execute("BEGIN IMMEDIATE"))
            try:
                yield _SqliteTransaction(connection)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(lambda: connection.execute("ROLLBACK"))
                raise
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(lambda: connection.execute("COMMIT"))
        finally:
            connection.close()

    async def migrate(self) -> int:
        async with self.transaction() as tx:
            await tx.execute(MIGRATIONS_TABLE)
            applied = {row[0] for row in await tx.fetchall("SELECT version FROM schema_migrations")}
            for version, statements in _pending(applied):
                for statement in statements:
                    await tx.execute(statement)
                await tx.execute("INSERT INTO schema_migrations (version) VALUES (?)", version)
            return max(applied | {v for v, _ in MIGRATIONS})

    async def aclose(self) -> None:
        self._shared.close()


MIGRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"


# PostgreSQL -----------------------------------------------------------------------------------


def _numbered(sql: str) -> str:
    """``?`` placeholders as asyncpg's ``$1, $2, ...``."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _match: f"${next(counter)}", sql)


def _rowcount(status: str) -> int:
    # asyncpg answers "UPDATE 3", "INSERT 0 1", "DELETE 0".
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresQueries:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: Any) -> int:
        return _rowcount(await self._connection.execute(_numbered(sql), *args))

    async def fetchone(self, sql: str, *args: Any) -> Row | None:
        record = await self._connection.fetchrow(_numbered(sql), *args)
        return tuple(record) if record is not None else None

    async def fetchall(self, sql: str, *args: Any) -> list[Row]:
        return [tuple(record) for record in await self._connection.fetch(_numbered(sql), *args)]


# Any number, the same on every instance: serializes migrations across instances starting together.
MIGRATION_LOCK = 0x7A6F6F6D


class PostgresDatabase:
    """A connection pool (asyncpg); every instance of the server shares the one database."""

    for_update = " FOR UPDATE"

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        import asyncpg

        pool = await asyncpg.create_pool(url, min_size=1, max_size=10)
        return cls(pool)

    async def execute(self, sql: str, *args: Any) -> int:
        async with self._pool.acquire() as connection:
            return await _PostgresQueries(connection).execute(sql, *args)

    async def fetchone(self, sql: str, *args: Any) -> Row | None:
        async with self._pool.acquire() as connection:
            return await _PostgresQueries(connection).fetchone(sql, *args)

    async def fetchall(self, sql: str, *args: Any) -> list[Row]:
        async with self._pool.acquire() as connection:
            return await _PostgresQueries(connection).fetchall(sql, *args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresQueries]:
        async with self._pool.acquire() as connection, connection.transaction():
            yield _PostgresQueries(connection)

    async def migrate(self) -> int:
        async with self.transaction() as tx:
            await tx.execute("SELECT pg_advisory_xact_lock(?)", MIGRATION_LOCK)
            await tx.execute(MIGRATIONS_TABLE)
            applied = {row[0] for row in await tx.fetchall("SELECT version FROM schema_migrations")}
            for version, statements in _pending(applied):
                for statement in statements:
                    await tx.execute(statement)
                await tx.execute("INSERT INTO schema_migrations (version) VALUES (?)", version)
            return max(applied | {v for v, _ in MIGRATIONS})

    async def aclose(self) -> None:
        await self._pool.close()


async def open_database(url: str) -> Database:
    """``postgresql://...`` or ``postgres://...``; ``sqlite:///path`` or a plain file path."""
    if url.startswith(("postgresql://", "postgres://")):
        database: Database = await PostgresDatabase.connect(url)
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
        database = SqliteDatabase(Path(path).expanduser())
    await database.migrate()
    return database
