"""Conversions between Python values and the text SQLite stores."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite


def iso(moment: datetime) -> str:
    """Instants are stored in UTC ISO 8601, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_time(text: str | None) -> datetime | None:
    return instant(text) if text else None


async def one(cursor: aiosqlite.Cursor) -> aiosqlite.Row:
    """The single row a statement must return (an INSERT ... RETURNING, a COUNT)."""
    row = await cursor.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row
