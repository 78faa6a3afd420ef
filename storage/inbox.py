"""Updates of a channel that does not deliver an update again once it handed it over (Zalo):
kept from their arrival until handled, so a crash in between loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection
from storage.rows import first, iso, single


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update's row: `update_id` is what processed_updates records once it is handled."""

    update_id: int
    payload: str | None
    handled: bool


async def receive(
    conn: Connection, channel: str, event_key: str, payload: str, now: datetime
) -> Arrival:
    """The update's row, written now unless the same event arrived before."""
    row = await single(
        conn,
        "INSERT INTO inbox (channel, event_key, payload, received_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (channel, event_key) DO UPDATE SET channel = excluded.channel "
        "RETURNING id, payload",
        (channel, event_key, payload, iso(now)),
    )
    handled = (
        await first(
            conn,
            "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
            (channel, row[0]),
        )
        is not None
    )
    return Arrival(int(row[0]), row[1], handled)


async def unhandled(conn: Connection, channel: str) -> list[Arrival]:
    """Updates that arrived but were never handled (the bot stopped in between), oldest first."""
    rows = await conn.execute_fetchall(
        "SELECT id, payload FROM inbox WHERE channel = ? AND payload IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM processed_updates p WHERE p.channel = inbox.channel AND p.update_id = "
        "inbox.id) ORDER BY id",
        (channel,),
    )
    return [Arrival(int(row[0]), row[1], False) for row in rows]


async def tidy(conn: Connection, channel: str, cutoff: datetime) -> None:
    """Empty the payloads of handled updates (they hold what people wrote) and drop rows older
    than the time a platform could deliver an update again."""
    await conn.execute(
        "UPDATE inbox SET payload = NULL WHERE channel = ? AND payload IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM processed_updates p WHERE p.channel = inbox.channel AND p.update_id = "
        "inbox.id)",
        (channel,),
    )
    await conn.execute(
        "DELETE FROM inbox WHERE channel = ? AND received_at < ?", (channel, iso(cutoff))
    )
