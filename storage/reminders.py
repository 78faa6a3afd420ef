"""Reminder rows: planned instants at which the bot reminds, alerts or sends a digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection
from storage.rows import instant, iso


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    key: str
    kind: str
    ticket_id: int | None
    fire_at: datetime


async def plan(
    conn: Connection, key: str, kind: str, fire_at: datetime, ticket_id: int | None
) -> None:
    """Plan a reminder; planning the same key again moves it if it has not fired yet."""
    await conn.execute(
        "INSERT INTO reminders (key, kind, ticket_id, fire_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET fire_at = excluded.fire_at "
        "WHERE reminders.fired_at IS NULL AND reminders.dropped_at IS NULL",
        (key, kind, ticket_id, iso(fire_at)),
    )


async def forget_for_ticket(conn: Connection, ticket_id: int) -> None:
    """A case's reminders that have not fired yet no longer apply (closed, or replanned)."""
    await conn.execute(
        "DELETE FROM reminders WHERE ticket_id = ? AND fired_at IS NULL AND dropped_at IS NULL",
        (ticket_id,),
    )


async def due(conn: Connection, now: datetime, limit: int) -> list[Reminder]:
    rows = await conn.execute_fetchall(
        "SELECT id, key, kind, ticket_id, fire_at FROM reminders "
        "WHERE fired_at IS NULL AND dropped_at IS NULL AND fire_at <= ? "
        "ORDER BY fire_at, id LIMIT ?",
        (iso(now), limit),
    )
    return [Reminder(r[0], r[1], r[2], r[3], instant(r[4])) for r in rows]


async def mark_fired(conn: Connection, reminder_id: int, now: datetime) -> None:
    await conn.execute("UPDATE reminders SET fired_at = ? WHERE id = ?", (iso(now), reminder_id))


async def mark_dropped(conn: Connection, reminder_id: int, now: datetime) -> None:
    await conn.execute("UPDATE reminders SET dropped_at = ? WHERE id = ?", (iso(now), reminder_id))
