"""What the repositories need of a database connection, whichever the backend.

The repositories (every other module of `storage/`) are written once, in SQL both SQLite and
PostgreSQL accept, against this small surface: aiosqlite's own calls, so on SQLite the
connection is aiosqlite's, unwrapped, and costs nothing more; on PostgreSQL
`storage.postgres.PostgresConnection` offers the same calls over psycopg. Parameters are written
`?` in both; the PostgreSQL side translates them.

Where the two dialects differ and no common form exists (a list passed as one parameter,
reading a JSON document), the repositories ask `dialect_of(conn)` for the fragment.

Two calls let a unit of work say what need not wait: `send`, a write whose outcome nobody
reads, and `fetch_later`, a read whose answer is needed only after the unit's other statements
are on their way. On PostgreSQL both ride in psycopg's pipeline, so several of them cost one
round trip; elsewhere they run at once, as `execute` does.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class Row(Protocol):
    """A result row, read by position or by column name (sqlite3.Row's two ways)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Outcome(Protocol):
    """What a statement reports once run: how many rows it changed."""

    @property
    def rowcount(self) -> int: ...


class Connection(Protocol):
    """A connection inside a transaction (`Database.transaction`) or the reader."""

    def execute(self, sql: str, parameters: Iterable[Any] = ..., /) -> Awaitable[Outcome]: ...

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] = ...
    ) -> Iterable[Row]: ...

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]], /) -> Any: ...


class Dialect:
    """SQLite's forms of what the two backends write differently. The names put into the
    fragments are the repositories' own column names, never input."""

    name = "sqlite"

    def members(self, column: str) -> str:
        """`column` is one of a list given as one parameter (`values(...)`)."""
        return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608

    def values(self, items: Sequence[Any]) -> Any:
        """The parameter `members` takes."""
        return json.dumps(list(items))

    def json_text(self, column: str, *path: str) -> str:
        """The text at `path` in the JSON document stored in `column`."""
        return f"json_extract({column}, '$.{'.'.join(path)}')"

    def json_array_has(self, column: str) -> str:
        """The JSON array stored in `column` has an element equal to the parameter."""
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)"  # noqa: S608

    def greatest(self, *values: str) -> str:
        """The largest of the values (SQLite's `max` of several arguments is not an aggregate)."""
        return f"max({', '.join(values)})"

    def skip_locked(self) -> str:
        """Ends a SELECT whose rows the transaction takes for itself, passing over the rows
        another transaction holds. SQLite has one writer at a time, so nothing to pass over."""
        return ""

    def exclusive(self) -> str | None:
        """A statement that holds the transaction until no other holding the lock named by its
        parameter is open; None on SQLite, whose one writer already goes alone."""
        return None


class PostgresDialect(Dialect):
    name = "postgresql"

    def members(self, column: str) -> str:
        return f"{column} = ANY(?)"

    def values(self, items: Sequence[Any]) -> Any:
        return list(items)

    def json_text(self, column: str, *path: str) -> str:
        return f"(CAST({column} AS jsonb) #>> '{{{','.join(path)}}}')"

    def json_array_has(self, column: str) -> str:
        return f"(CAST({column} AS jsonb) @> jsonb_build_array(?))"

    def greatest(self, *values: str) -> str:
        return f"greatest({', '.join(values)})"

    def skip_locked(self) -> str:
        return "FOR UPDATE SKIP LOCKED"

    def exclusive(self) -> str | None:
        return "SELECT pg_advisory_xact_lock(?)"


SQLITE = Dialect()
POSTGRESQL = PostgresDialect()


def dialect_of(conn: Connection) -> Dialect:
    return getattr(conn, "dialect", SQLITE)


async def send(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> None:
    """A write whose outcome (the rows it changed) nobody reads. On PostgreSQL, inside
    `Database.unit`, it goes to the server with the unit's next statement that reads, or with
    its COMMIT, instead of a round trip of its own (psycopg's pipeline mode), and an error it
    meets surfaces there, still rolling the whole unit back; elsewhere it is `execute`."""
    deferred = getattr(conn, "send", None)
    if deferred is None:
        await conn.execute(sql, parameters)
    else:
        await deferred(sql, parameters)


class Later(Generic[T]):
    """The answer of a read queued by `fetch_later`, taken with `value()`.

    Taken once the read's unit has ended (or after a statement that waits for its answer), it
    costs nothing more: the answer came back with that round trip. Taken earlier, it is fetched
    then, one round trip of its own, so a unit that does is still right, only slower. `then`
    turns the rows into what the repository returns, when they are taken."""

    def __init__(self, answer: Callable[[], Awaitable[T]]) -> None:
        self._answer = answer
        self._taken: tuple[T] | None = None

    @classmethod
    def ready(cls, value: T) -> Later[T]:
        """An answer already in hand (the read ran at once)."""

        async def answer() -> T:
            return value

        return cls(answer)

    async def value(self) -> T:
        if self._taken is None:
            self._taken = (await self._answer(),)
        return self._taken[0]

    def then(self, convert: Callable[[T], U]) -> Later[U]:
        async def converted() -> U:
            return convert(await self.value())

        return Later(converted)


async def fetch_later(
    conn: Connection, sql: str, parameters: Iterable[Any] = ()
) -> Later[list[Row]]:
    """A read whose rows the caller takes later (`Later.value`). On PostgreSQL, inside a unit or
    a coordination transaction, it waits in the pipeline and goes to the server with the next
    statement that waits for an answer, or with the COMMIT, so the reads of several repositories
    share one round trip; elsewhere (SQLite, whose unit runs in one hand-over anyway, or the
    reader) it runs at once."""
    queue = getattr(conn, "fetch_later", None)
    if queue is None:
        return Later.ready(list(await conn.execute_fetchall(sql, parameters)))
    later: Later[list[Row]] = await queue(sql, parameters)
    return later


@dataclass(frozen=True, slots=True)
class Condition:
    """A true-or-false fragment of SQL with its `?` parameters: one repository's rule that
    another's statement is made to depend on, so that both are decided in one statement."""

    sql: str
    parameters: tuple[Any, ...] = ()
