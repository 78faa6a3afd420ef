"""The SQLite database: one writer connection, one reader connection, numbered migrations.

SQLite allows one writer at a time; funnelling every write through one connection guarded by an
asyncio lock turns "database is locked" surprises into orderly waiting, while WAL lets the reader
connection answer look-ups without waiting for writes. The writer lives in its own thread
(`storage.sqlite_thread`), where a unit of work runs whole; the reader is aiosqlite's.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage.connection import Connection
from storage.database import NewerDatabaseError, migrations
from storage.sqlite_thread import SqliteThread, Work

_LOGGER = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000
# Seconds between tries to empty the write-ahead log after an erasure: a reader holds the log
# for milliseconds, so the first tries come quickly; the last about two minutes after the first.
WAL_PURGE_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
# Every connection's: a write waits for another process's (a backup) instead of failing at once;
# foreign keys are enforced; erased personal data is overwritten in the database file, not
# merely unlinked from its page, and freed pages are zeroed (the write-ahead log is emptied by
# `purge_wal`).
PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
)
T = TypeVar("T")


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


async def _connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    target = _read_only_uri(path) if read_only else str(path)
    conn = await aiosqlite.connect(target, uri=read_only, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    for pragma in PRAGMAS:
        await conn.execute(pragma)
    return conn


async def migrate(conn: aiosqlite.Connection) -> int:
    """Bring the schema up to date; safe to run on every start. Returns the schema version."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    known = migrations()
    if current > len(known):
        raise NewerDatabaseError(current, len(known))
    for version, name, sql in known[current:]:
        _LOGGER.info("applying migration %s", name)
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except Exception:
            if conn.in_transaction:
                await conn.rollback()
            raise
    return len(known)


class SqliteDatabase:
    """The open database. Services use `transaction()` for writes and `reader` for look-ups."""

    def __init__(self, writer: SqliteThread, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self.reader = reader
        self._write_lock = asyncio.Lock()
        self._purges: set[asyncio.Task[bool]] = set()

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        # Migrated on a connection of its own, aiosqlite's as the tests' are: the version is
        # checked before anything is written, WAL mode included, so a database newer than this
        # program is left exactly as it was.
        setup = await _connect(path)
        try:
            await migrate(setup)
            await setup.execute("PRAGMA journal_mode = WAL")
        finally:
            await setup.close()
        writer = await SqliteThread.open(path, (*PRAGMAS, "PRAGMA synchronous = NORMAL"))
        try:
            reader = await _connect(path, read_only=True)
        except BaseException:
            await writer.close()
            raise
        return cls(writer, reader)

    @property
    def hand_overs(self) -> int:
        """Jobs handed to the writer's thread so far (statements, BEGINs, COMMITs, units)."""
        return self._writer.hand_overs

    async def close(self) -> None:
        # A purge still waiting is not needed: closing the last connection checkpoints the
        # write-ahead log into the database file and removes it.
        for purge in self._purges:
            purge.cancel()
        await self.purged()
        await self.reader.close()
        async with self._write_lock:
            await self._writer.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One explicit write transaction: everything inside commits together or not at all."""
        async with self._write_lock, self._writer.transaction() as conn:
            yield conn

    async def unit(self, work: Work[T]) -> T:
        """`work` as one write transaction, handed to the writer's thread once and run there
        whole (storage.sqlite_thread), in its turn among the other writes.

        Once handed over it runs to its end, even if the caller is cancelled meanwhile (as a
        transaction's COMMIT does). A cancellation asked for before that lands here, at a
        yield to the loop before the hand-over, and the unit never runs: as a transaction
        cancelled at its first statement rolls back (a deliverer stopped right after a send
        leaves the message in flight, not sent; bot.services.outbox)."""
        await asyncio.sleep(0)
        async with self._write_lock:
            return await self._writer.unit(work)

    @property
    def shared(self) -> bool:
        """An SQLite file belongs to one process (the embedded default)."""
        return False

    def coordination(self) -> AbstractAsyncContextManager[Connection]:
        """The same single writer as every other transaction."""
        return self.transaction()

    async def _empty_wal(self) -> bool:
        """One try at copying the write-ahead log into the database file and cutting it to
        zero bytes. It never waits for readers (that would hold every write up): while one
        still reads from the log it fails, and the log stays as it was."""
        async with self._write_lock:
            return await self._writer.call(_checkpoint)

    async def purge_wal(
        self,
        delays: Sequence[float] = WAL_PURGE_DELAYS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> bool:
        """Leave no copy of erased data in the write-ahead log, which keeps the old versions
        of the pages it wrote (`secure_delete` overwrites them in the database file only)
        until a checkpoint empties it. Tried at once, then after each of `delays`; whether it
        was emptied."""
        for attempt, delay in enumerate((0.0, *delays), start=1):
            if delay:
                await sleep(delay)
            if await self._empty_wal():
                _LOGGER.info("write-ahead log emptied (try %s)", attempt)
                return True
        _LOGGER.warning(
            "write-ahead log still in use by a reader after %s tries: erased data may stay in "
            "it until the next checkpoint or restart",
            len(delays) + 1,
        )
        return False

    async def purged(self) -> None:
        """Wait for the purges started so far to end, emptied, given up or cancelled."""
        await asyncio.gather(*self._purges, return_exceptions=True)

    def purge_wal_soon(self) -> None:
        """`purge_wal` in the background, so the erasure that asks for it does not wait."""
        purge = asyncio.get_running_loop().create_task(self.purge_wal())
        self._purges.add(purge)
        purge.add_done_callback(self._purges.discard)


def _checkpoint(conn: sqlite3.Connection) -> bool:
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return row is not None and row[0] == 0
