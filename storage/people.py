"""People reached through a chat channel, identified by (channel, external id)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.people import Person
from storage.rows import iso, one, parse_time


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        display_name=row["display_name"],
        consent_at=parse_time(row["consent_at"]),
        consent_notice=row["consent_notice"],
    )


async def find(conn: aiosqlite.Connection, channel: str, external_id: str) -> Person | None:
    async with conn.execute(
        "SELECT * FROM people WHERE channel = ? AND external_id = ?", (channel, external_id)
    ) as cursor:
        row = await cursor.fetchone()
    return _person(row) if row else None


async def upsert(
    conn: aiosqlite.Connection, channel: str, external_id: str, display_name: str, now: datetime
) -> Person:
    async with conn.execute(
        """
        INSERT INTO people (channel, external_id, display_name, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (channel, external_id)
        DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at
        RETURNING *
        """,
        (channel, external_id, display_name, iso(now), iso(now)),
    ) as cursor:
        return _person(await one(cursor))


async def record_consent(
    conn: aiosqlite.Connection, person_id: int, notice: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE people SET consent_at = ?, consent_notice = ?, updated_at = ? WHERE id = ?",
        (iso(now), notice, iso(now), person_id),
    )


async def get(conn: aiosqlite.Connection, person_id: int) -> Person | None:
    async with conn.execute("SELECT * FROM people WHERE id = ?", (person_id,)) as cursor:
        row = await cursor.fetchone()
    return _person(row) if row else None
