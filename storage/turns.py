"""Whose updates a process is handling, when several share the database (bot.domain.turns).

Taking a turn is one statement: it inserts the row, or takes it over when it lapsed, or renews
it when the taker holds it already, and returns the row only when the taker has it. On
PostgreSQL the conflicting row is locked and its condition read again once the other
transaction ends, so two takers never both have it.
"""

from __future__ import annotations

from datetime import datetime

from storage.connection import Connection
from storage.rows import first, iso


async def take(
    conn: Connection, person: int, instance: str, now: datetime, until: datetime
) -> bool:
    row = await first(
        conn,
        "INSERT INTO turns (person, held_by, held_until) VALUES (?, ?, ?) "
        "ON CONFLICT (person) DO UPDATE SET held_by = excluded.held_by, "
        "held_until = excluded.held_until "
        "WHERE turns.held_by = excluded.held_by OR turns.held_until <= ? "
        "RETURNING person",
        (person, instance, iso(until), iso(now)),
    )
    return row is not None


async def renew(conn: Connection, person: int, instance: str, until: datetime) -> bool:
    """False when the turn is no longer the instance's (it lapsed and was taken over)."""
    cursor = await conn.execute(
        "UPDATE turns SET held_until = ? WHERE person = ? AND held_by = ?",
        (iso(until), person, instance),
    )
    return cursor.rowcount == 1


async def give_back(conn: Connection, person: int, instance: str) -> None:
    await conn.execute("DELETE FROM turns WHERE person = ? AND held_by = ?", (person, instance))
