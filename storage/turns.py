"""Whose updates a process is handling, when several share the database (bot.domain.turns).

Taking a turn is one statement: it inserts the row, or takes it over when it lapsed, or renews
it when the taker holds it already, and returns the row only when the taker has it. On
PostgreSQL the conflicting row is locked and its condition read again once the other
transaction ends, so two takers never both have it.
"""

from __future__ import annotations

from datetime import datetime

from storage.connection import Condition, Connection, Later, fetch_later, send
from storage.rows import iso


async def take_later(
    conn: Connection, person: int, instance: str, now: datetime, until: datetime
) -> Later[bool]:
    """Whether `instance` now holds the person's turn (taken, taken over once lapsed, or
    renewed), read along with the statements queued after it (`fetch_later`): on PostgreSQL
    they run after it on the server, so they see what it saw and what it took."""
    taken = await fetch_later(
        conn,
        "INSERT INTO turns (person, held_by, held_until) VALUES (?, ?, ?) "
        "ON CONFLICT (person) DO UPDATE SET held_by = excluded.held_by, "
        "held_until = excluded.held_until "
        "WHERE turns.held_by = excluded.held_by OR turns.held_until <= ? "
        "RETURNING person",
        (person, instance, iso(until), iso(now)),
    )
    return taken.then(bool)


def held_by(person: int, instance: str) -> Condition:
    """The person's turn is the instance's (in a transaction that took it: taken now)."""
    return Condition(
        "EXISTS (SELECT 1 FROM turns WHERE person = ? AND held_by = ?)", (person, instance)
    )


async def renew(conn: Connection, person: int, instance: str, until: datetime) -> bool:
    """False when the turn is no longer the instance's (it lapsed and was taken over)."""
    cursor = await conn.execute(
        "UPDATE turns SET held_until = ? WHERE person = ? AND held_by = ?",
        (iso(until), person, instance),
    )
    return cursor.rowcount == 1


async def give_back(conn: Connection, person: int, instance: str) -> None:
    """Sent along (`send`): inside the unit that marks the update handled, it commits with it."""
    await send(conn, "DELETE FROM turns WHERE person = ? AND held_by = ?", (person, instance))
