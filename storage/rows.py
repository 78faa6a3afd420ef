"""Conversions between Python values and the text SQLite stores."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from storage.connection import Connection, Row


def iso(moment: datetime) -> str:
    """Instants are stored in UTC ISO 8601, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_time(text: str | None) -> datetime | None:
    return instant(text) if text else None


async def first(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
    """The first row of a look-up by key, in one trip to the database's thread.

    On SQLite each aiosqlite call is a hop to that thread and back (tens of microseconds); a cursor
    opened, read and closed is three, and the look-ups made for every update added up to a
    third of its time (make bench, ingest).
    """
    rows = await conn.execute_fetchall(sql, parameters)
    return next(iter(rows), None)


async def single(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> Row:
    """The single row a statement must return (an INSERT ... RETURNING, a COUNT), in one trip
    to the database's thread, like `first`."""
    row = await first(conn, sql, parameters)
    if row is None:
        raise LookupError("the statement returned no row")
    return row
