"""SQLite's writer connection, owned by one thread, and units of work run there whole.

aiosqlite runs each call in its connection's thread: one hand-over between the event loop and
that thread per statement, BEGIN and COMMIT included, 60–80 µs each on a 2-core machine, more
than the statements themselves take (BENCHMARKS.md, ingest). Its public API (0.22) has no way to
run a function of ours in that thread (only the private `Connection._execute`), so the writer is
kept here instead: the standard library's single-worker `ThreadPoolExecutor` owns a `sqlite3`
connection, and everything written goes through that one thread, in the order it was handed over.

A unit of work (`unit`) is an `async def work(conn)` written against the same
`storage.connection.Connection` as every repository. It is handed over once and driven to its end
inside the thread, through a connection whose calls complete at once: its statements, and the
BEGIN and COMMIT around them, cost one hand-over. Its code runs in that thread, so it may await
only that connection; awaiting anything else (a chat platform, a sleep, a lock held elsewhere)
would suspend where no event loop runs, so it raises `ForeignAwaitError` and the unit is rolled
back.

`transaction()` offers the same thread call by call, one hand-over each (BEGIN rides with the
first), for transactions whose code awaits other things between statements.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from storage.connection import Connection, Outcome, Row

T = TypeVar("T")
Work = Callable[[Connection], Coroutine[Any, Any, T]]


class ForeignAwaitError(RuntimeError):
    """A unit of work awaited something other than its connection."""


@dataclass(frozen=True, slots=True)
class _Changed:
    rowcount: int


class _Immediate:
    """The connection a unit of work is given, inside the thread: each call runs the statement
    there and then, so awaiting it never suspends."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> Outcome:
        return self._conn.execute(sql, tuple(parameters))

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, tuple(parameters)).fetchall()

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Outcome:
        return self._conn.executemany(sql, (tuple(p) for p in parameters))


def _drive(work: Coroutine[Any, Any, T]) -> T:
    """Runs `work` to its end without an event loop: it completes on the first step, unless it
    awaited something that suspends."""
    try:
        awaited = work.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    work.close()
    raise ForeignAwaitError(
        f"a unit of work awaited {awaited!r}: it may await only its database connection"
    )


class SqliteThread:
    """One `sqlite3` connection and the one thread that uses it. `hand_overs` counts the jobs
    handed to that thread: what a unit of work saves is measured in them."""

    def __init__(self, executor: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        self._executor = executor
        self._conn = conn
        self.hand_overs = 0
        self._closed = False

    @classmethod
    async def open(cls, path: Path, pragmas: Sequence[str]) -> SqliteThread:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.row_factory = sqlite3.Row
            for pragma in pragmas:
                conn.execute(pragma)
            return conn

        try:
            conn = await asyncio.wrap_future(executor.submit(connect))
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(executor, conn)

    async def call(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """`job` run in the thread, after everything handed over before it."""
        self.hand_overs += 1
        return await asyncio.wrap_future(self._executor.submit(job, self._conn))

    async def unit(self, work: Work[T]) -> T:
        """`work` as one write transaction, all or nothing, in one hand-over."""

        def whole(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = _drive(work(_Immediate(conn)))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            return result

        return await self.call(whole)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction for code that awaits other things between its statements: one
        hand-over per statement, and one for COMMIT (or ROLLBACK) if any ran."""
        conn = _CallByCall(self)
        try:
            yield conn
        except BaseException:
            # Also when cancelled: a statement already handed over still runs, so roll back
            # after it, in the same thread (a no-op if BEGIN never ran).
            if conn.began:
                await self.call(sqlite3.Connection.rollback)
            raise
        if conn.began:
            await self.call(sqlite3.Connection.commit)

    async def close(self) -> None:
        """Closes the connection and lets the thread end; again, nothing more (as aiosqlite)."""
        if self._closed:
            return
        self._closed = True
        await self.call(sqlite3.Connection.close)
        self._executor.shutdown(wait=False)


class _CallByCall:
    """A transaction's connection for code on the event loop: one hand-over per call. BEGIN
    goes with the first call, saving a hand-over; a transaction that ran nothing costs none."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread
        self.began = False

    async def _call(self, job: Callable[[sqlite3.Connection], T]) -> T:
        if self.began:
            return await self._thread.call(job)
        self.began = True

        def begin_then(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            return job(conn)

        return await self._thread.call(begin_then)

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> Outcome:
        values = tuple(parameters)
        return await self._call(lambda conn: _Changed(conn.execute(sql, values).rowcount))

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        values = tuple(parameters)
        return await self._call(lambda conn: conn.execute(sql, values).fetchall())

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Outcome:
        rows = [tuple(p) for p in parameters]
        return await self._call(lambda conn: _Changed(conn.executemany(sql, rows).rowcount))
