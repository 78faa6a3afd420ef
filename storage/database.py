"""The database a commune's data lives in: SQLite (`storage.sqlite`, the embedded default) or
PostgreSQL (`storage.postgres`, for a province or several processes), behind one handle.

The services see only `Database`: `transaction()` or `unit(work)` for writes, `reader` for
look-ups, all giving the `storage.connection.Connection` the repositories are written against.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from importlib import resources
from typing import Any, Protocol, TypeVar

from storage.connection import Connection

T = TypeVar("T")

_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database cannot be used as it is (for example, it is newer than this program)."""


class NewerDatabaseError(DatabaseError):
    """Written by a newer version of the program: migrating it backwards is impossible, and
    using it as it is could lose what the newer version stores, so it is left untouched."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database has schema version {found}, newer than this program "
            f"({known}); refusing to touch it"
        )
        self.found = found
        self.known = known


def is_disk_full(error: BaseException | None) -> bool:
    """SQLITE_FULL, or a file the file store could not write for want of room (ENOSPC, or the
    owner's quota): no room for what was being written. The transaction was rolled back whole,
    so the database is as before it; writing works again once there is room."""
    if isinstance(error, OSError) and error.errno in _NO_ROOM:
        return True
    code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
    return code is not None and code & 0xFF == sqlite3.SQLITE_FULL


def migrations(*folder: str) -> list[tuple[int, str, str]]:
    """Every migration shipped with the code, as (version, file name, SQL), in order: SQLite's
    in migrations/, another backend's in its `folder` below it, numbered and named the same."""
    found = []
    for entry in resources.files("storage").joinpath("migrations", *folder).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


class Database(Protocol):
    """The open database. Services use `transaction()` for writes and `reader` for look-ups."""

    @property
    def reader(self) -> Connection: ...

    @property
    def shared(self) -> bool:
        """Whether other processes may use this database at the same time (PostgreSQL): what a
        process keeps in memory about people, turns and limits is then only a hint, and the
        rows are the truth."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One explicit write transaction: everything inside commits together or not at all."""
        ...

    async def unit(self, work: Callable[[Connection], Coroutine[Any, Any, T]]) -> T:
        """`work(conn)` as one write transaction, all or nothing, and what it returns: the
        same as `transaction()` for code that awaits nothing but `conn`, in one hand-over to
        SQLite's writer thread instead of one per statement (storage.sqlite_thread; awaiting
        anything else there raises). On PostgreSQL, one transaction on one pooled connection,
        whose writes sent with `storage.connection.send` go with its next statement that
        waits for an answer (psycopg's pipeline mode)."""
        ...

    def coordination(self) -> AbstractAsyncContextManager[Connection]:
        """A short transaction on the rows processes coordinate through (turns, leases, outbox
        claims, the send budget) that does not wait behind the use cases' writes: those rows
        are never touched by a use case, so they need no place in the use cases' order."""
        ...

    async def close(self) -> None: ...

    def purge_wal_soon(self) -> None:
        """After an erasure, clear what the database keeps of the old rows beside the tables
        (SQLite's write-ahead log; PostgreSQL's dead row versions), in the background so the
        erasure does not wait."""
        ...

    async def purged(self) -> None:
        """Wait for the purges started so far to end."""
        ...
