"""The PostgreSQL database: a pool of connections, writes serialised as SQLite's are.

The repositories are written once, with `?` parameters, against aiosqlite's calls
(`storage.connection`); `PostgresConnection` offers those calls over psycopg, translating the
parameters, and gives rows that read by position and by name as sqlite3.Row does.

Writes keep SQLite's guarantee that transactions run one after another, across every process
sharing the database: each takes the transaction-scoped advisory lock WRITE_LOCK first, so the
invariants the services were built and tested on (check, then write, in one transaction) hold
unchanged on PostgreSQL at READ COMMITTED. The lock is held for a transaction's few
milliseconds; what takes time (the chat platforms' round trips) happens outside it, and reads
never take it. Within one process an asyncio lock queues the writers first, so they wait
without holding a pooled connection each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar

from psycopg import AsyncConnection, AsyncCursor, AsyncPipeline
from psycopg.pq import TransactionStatus
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from storage.connection import POSTGRESQL, Later, Outcome, Row
from storage.postgres_migrations import migrate_postgres

_LOGGER = logging.getLogger(__name__)
# Any number agreed by every process of this program, other than the migrations' lock.
WRITE_LOCK = 0x6E6768652D777269
POOL_SIZE = 8
T = TypeVar("T")
# The tables an erasure (storage.privacy) overwrites or deletes rows of.
ERASED_TABLES = (
    "people",
    "tickets",
    "ticket_events",
    "outbox",
    "inbox",
    "conversation_data",
    "conversation_states",
    "erasure_requests",
)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite's `?` parameters as psycopg's `%s`, a literal `%` doubled; what stands inside a
    quoted literal or name is left as written."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == "%":
                out.append("%%")
                continue
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        elif char == "%":
            out.append("%%")
            continue
        out.append(char)
    return "".join(out)


class PgRow(tuple[Any, ...]):
    """A row read by position or by column name, as sqlite3.Row is."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: AsyncCursor[Any]) -> RowMaker[PgRow]:
    names = {column.name: index for index, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> PgRow:
        row = PgRow(values)
        row._names = names
        return row

    return make


class PostgresConnection:
    """aiosqlite's calls the repositories use, on one psycopg connection.

    With a `pipeline` (inside `PostgresDatabase.unit`) statements are queued and go to the
    server together: `send` (`storage.connection.send`) only queues its write; `execute` and
    `executemany` wait for their own outcome (a sync: the rows they changed, an error at the
    statement that met it, as outside a pipeline), taking what was queued before them along;
    `execute_fetchall` waits for its rows, since what it returns is what the unit's next
    statements are decided on; `fetch_later` (`storage.connection.fetch_later`) queues a read
    whose rows are taken after the next sync, for reads nothing in the unit depends on."""

    dialect = POSTGRESQL

    def __init__(self, conn: AsyncConnection[Any], pipeline: AsyncPipeline | None = None) -> None:
        self._conn = conn
        self._pipeline = pipeline

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> Outcome:
        cursor = await self._conn.execute(translate(sql), tuple(parameters))
        if self._pipeline is not None:
            await self._pipeline.sync()
        return cursor

    async def send(self, sql: str, parameters: Iterable[Any] = ()) -> None:
        await self._conn.execute(translate(sql), tuple(parameters))

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        cursor = self._conn.cursor(row_factory=_row_factory)
        await cursor.execute(translate(sql), tuple(parameters))
        if self._pipeline is not None:
            await self._pipeline.sync()
        if cursor.description is None:
            return []
        return list(await cursor.fetchall())

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Outcome:
        cursor = self._conn.cursor()
        await cursor.executemany(translate(sql), [tuple(p) for p in parameters])
        if self._pipeline is not None:
            await self._pipeline.sync()
        return cursor

    async def fetch_later(self, sql: str, parameters: Iterable[Any] = ()) -> Later[list[Row]]:
        if self._pipeline is None:
            return Later.ready(await self.execute_fetchall(sql, parameters))
        cursor = self._conn.cursor(row_factory=_row_factory)
        await cursor.execute(translate(sql), tuple(parameters))

        async def rows() -> list[Row]:
            # Results already received are read from memory; else psycopg asks for them.
            return list(await cursor.fetchall())

        return Later(rows)


@asynccontextmanager
async def _pipelined(conn: AsyncConnection[Any], *locks: int) -> AsyncIterator[PostgresConnection]:
    """A transaction in psycopg's pipeline mode: BEGIN and taking the advisory `locks` go to
    the server with the first statement that waits for an answer instead of a round trip
    each, and COMMIT with the closing sync. They are queued by hand because psycopg's own
    `transaction()` syncs the pipeline as it opens and before it commits.

    An error in a queued statement aborts the transaction on the server and is raised at the
    next point that waits (a statement that does, or the closing sync): the transaction is
    rolled back whole, as outside a pipeline."""
    try:
        async with conn.pipeline() as pipeline:
            await conn.execute("BEGIN")
            for lock in locks:
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
            yield PostgresConnection(conn, pipeline)
            await conn.execute("COMMIT")
    except BaseException:
        if conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
            await conn.execute("ROLLBACK")
        raise


class PostgresReader:
    """The reader: each look-up on a pooled connection of its own, outside any transaction,
    as SQLite's reader connection reads the last committed state."""

    dialect = POSTGRESQL

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self._pool = pool

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> Outcome:
        async with self._pool.connection() as conn:
            return await PostgresConnection(conn).execute(sql, parameters)

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        async with self._pool.connection() as conn:
            return await PostgresConnection(conn).execute_fetchall(sql, parameters)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Outcome:
        async with self._pool.connection() as conn:
            return await PostgresConnection(conn).executemany(sql, parameters)


class PostgresDatabase:
    """The open PostgreSQL database; the same handle as `storage.sqlite.SqliteDatabase`."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self._pool = pool
        self.reader = PostgresReader(pool)
        self._write_lock = asyncio.Lock()
        self._purges: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, url: str, *, size: int = POOL_SIZE) -> PostgresDatabase:
        """Connect, migrate (every process may: the migrations lock themselves), and keep a
        pool. Connections are in autocommit mode: a transaction is always explicit."""
        async with await AsyncConnection.connect(url, autocommit=True) as conn:
            await migrate_postgres(conn)
        pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            url, min_size=1, max_size=size, kwargs={"autocommit": True}, open=False
        )
        await pool.open(wait=True)
        return cls(pool)

    async def close(self) -> None:
        await self.purged()
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresConnection]:
        async with (
            self._write_lock,
            self._pool.connection() as conn,
            _pipelined(conn, WRITE_LOCK) as pipelined,
        ):
            yield pipelined

    async def unit(self, work: Callable[[PostgresConnection], Coroutine[Any, Any, T]]) -> T:
        """One transaction on one pooled connection, as `transaction()`. What `work` writes
        with `storage.connection.send` rides with its next statement that waits for an answer
        (`_pipelined`): after an update, BEGIN, the WRITE_LOCK, the drafts, the conversation
        states and the handled mark go with the one read of what is due, and COMMIT follows,
        two round trips instead of one a statement. A statement that reads, or whose
        rows-changed the caller reads, still waits for its answer before the next is sent: the
        unit's next steps are decided on it (check, then write)."""
        async with self.transaction() as conn:
            return await work(conn)

    @property
    def shared(self) -> bool:
        return True

    @asynccontextmanager
    async def coordination(self) -> AsyncIterator[PostgresConnection]:
        """Without WRITE_LOCK: row locks (and SKIP LOCKED) keep these rows consistent."""
        async with self._pool.connection() as conn, _pipelined(conn) as pipelined:
            yield pipelined

    def purge_wal_soon(self) -> None:
        """VACUUM the tables an erasure changes: the erased values' old row versions stay in
        the table files, readable to anyone with the files, until a vacuum frees them for
        reuse, and autovacuum may wait for many more changes. (PostgreSQL's write-ahead log
        is recycled by the server; SECURITY.md says what an operator does about it.)"""
        purge = asyncio.get_running_loop().create_task(self._vacuum())
        self._purges.add(purge)
        purge.add_done_callback(self._purges.discard)

    async def _vacuum(self) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(f"VACUUM {', '.join(ERASED_TABLES)}")

    async def purged(self) -> None:
        await asyncio.gather(*self._purges, return_exceptions=True)
