"""Updates already handled: a chat platform may deliver the same update again after a restart."""

from __future__ import annotations

from datetime import datetime

from storage.connection import Condition, Connection, Later, fetch_later, send
from storage.rows import first, iso

_PROCESSED = "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?"


async def is_processed(conn: Connection, channel: str, update_id: int) -> bool:
    return await (await processed_later(conn, channel, update_id)).value()


async def processed_later(conn: Connection, channel: str, update_id: int) -> Later[bool]:
    """`is_processed`, read along with the unit's other reads (`fetch_later`)."""
    return (await fetch_later(conn, _PROCESSED, (channel, update_id))).then(bool)


def unprocessed(channel: str, update_id: int) -> Condition:
    """The update is not (yet) remembered as handled."""
    return Condition(f"NOT EXISTS ({_PROCESSED})", (channel, update_id))


async def newest(conn: Connection, channel: str) -> int | None:
    """The highest update id of the channel remembered as handled."""
    row = await first(
        conn, "SELECT max(update_id) FROM processed_updates WHERE channel = ?", (channel,)
    )
    return None if row is None or row[0] is None else int(row[0])


async def mark_processed(conn: Connection, channel: str, update_id: int, now: datetime) -> None:
    await send(
        conn,
        "INSERT INTO processed_updates (channel, update_id, processed_at) "
        "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (channel, update_id, iso(now)),
    )


async def forget_before(conn: Connection, cutoff: datetime) -> int:
    """Drop old records: a platform re-delivers within hours, never weeks later."""
    cursor = await conn.execute(
        "DELETE FROM processed_updates WHERE processed_at < ?", (iso(cutoff),)
    )
    return cursor.rowcount
