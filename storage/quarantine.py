"""Updates set aside because the bot cannot read them (migration 011)."""

from __future__ import annotations

from datetime import datetime

from storage.connection import Connection
from storage.rows import iso


async def keep(
    conn: Connection,
    channel: str,
    update_id: int | None,
    raw: str,
    error: str,
    now: datetime,
) -> bool:
    """False when the same update was set aside before (delivered again)."""
    cursor = await conn.execute(
        "INSERT INTO quarantined_updates (channel, update_id, raw, error, received_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (channel, update_id, raw, error, iso(now)),
    )
    return cursor.rowcount == 1


async def forget_before(conn: Connection, cutoff: datetime) -> int:
    cursor = await conn.execute(
        "DELETE FROM quarantined_updates WHERE received_at < ?", (iso(cutoff),)
    )
    return cursor.rowcount
