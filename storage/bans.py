"""Banned chat accounts: who, why, by whom, and whether they were told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.rows import first, instant, iso


@dataclass(frozen=True, slots=True)
class Ban:
    channel: str
    external_id: str
    reason: str
    banned_by: int
    banned_at: datetime
    notified: bool


def from_row(row: aiosqlite.Row) -> Ban:
    return Ban(
        channel=row["channel"],
        external_id=row["external_id"],
        reason=row["reason"],
        banned_by=row["banned_by"],
        banned_at=instant(row["banned_at"]),
        notified=row["notified_at"] is not None,
    )


async def find(conn: aiosqlite.Connection, channel: str, external_id: str) -> Ban | None:
    row = await first(
        conn, "SELECT * FROM bans WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return from_row(row) if row else None


async def add(
    conn: aiosqlite.Connection,
    channel: str,
    external_id: str,
    reason: str,
    banned_by: int,
    now: datetime,
) -> None:
    """Ban, or change the reason of a ban; a changed reason is told again."""
    await conn.execute(
        """
        INSERT INTO bans (channel, external_id, reason, banned_by, banned_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (channel, external_id) DO UPDATE SET
            reason = excluded.reason, banned_by = excluded.banned_by,
            banned_at = excluded.banned_at, notified_at = NULL
        """,
        (channel, external_id, reason, banned_by, iso(now)),
    )


async def remove(conn: aiosqlite.Connection, channel: str, external_id: str) -> bool:
    cursor = await conn.execute(
        "DELETE FROM bans WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return cursor.rowcount > 0


async def mark_notified(
    conn: aiosqlite.Connection, channel: str, external_id: str, now: datetime
) -> bool:
    """Whether this call is the one that tells the person (only the first one is)."""
    cursor = await conn.execute(
        "UPDATE bans SET notified_at = ? "
        "WHERE channel = ? AND external_id = ? AND notified_at IS NULL",
        (iso(now), channel, external_id),
    )
    return cursor.rowcount > 0


async def all_bans(conn: aiosqlite.Connection) -> list[Ban]:
    async with conn.execute("SELECT * FROM bans ORDER BY banned_at DESC") as cursor:
        return [from_row(row) async for row in cursor]
