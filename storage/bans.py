"""Banned chat accounts: who, why, by whom, and whether they were told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.rows import first, instant, iso


@dataclass(frozen=True, slots=True)
class Ban:
    channel: str
    external_id: str
    reason: str
    banned_by: int
    banned_at: datetime
    notified: bool


def from_row(row: Row) -> Ban:
    return Ban(
        channel=row["channel"],
        external_id=row["external_id"],
        reason=row["reason"],
        banned_by=row["banned_by"],
        banned_at=instant(row["banned_at"]),
        notified=row["notified_at"] is not None,
    )


async def find(conn: Connection, channel: str, external_id: str) -> Ban | None:
    row = await first(
        conn, "SELECT * FROM bans WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return from_row(row) if row else None


async def add(
    conn: Connection,
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


async def remove(conn: Connection, channel: str, external_id: str) -> bool:
    cursor = await conn.execute(
        "DELETE FROM bans WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return cursor.rowcount > 0


async def mark_notified(conn: Connection, channel: str, external_id: str, now: datetime) -> bool:
    """Whether this call is the one that tells the person (only the first one is)."""
    cursor = await conn.execute(
        "UPDATE bans SET notified_at = ? "
        "WHERE channel = ? AND external_id = ? AND notified_at IS NULL",
        (iso(now), channel, external_id),
    )
    return cursor.rowcount > 0


@dataclass(frozen=True, slots=True)
class Listed:
    """A ban as /chan lists it: the local id of an account of a channel without its own numeric
    ids (Zalo), and the code of the last case filed under the banned person, if any."""

    ban: Ban
    local_id: int | None
    code: str | None


async def all_bans(conn: Connection) -> list[Listed]:
    rows = await conn.execute_fetchall("""
        SELECT b.*, l.local_id,
            (SELECT t.code FROM people p JOIN tickets t ON t.citizen_id = p.id
             WHERE p.channel = b.channel AND p.external_id = b.external_id
             ORDER BY t.id DESC LIMIT 1) AS code
        FROM bans b
        LEFT JOIN chat_links l ON l.channel = b.channel AND l.external_id = b.external_id
        ORDER BY b.banned_at DESC
        """)
    return [Listed(from_row(row), row["local_id"], row["code"]) for row in rows]


async def of_pseudonyms(conn: Connection, tag: str) -> Ban | None:
    """A ban on any pseudonym a denouncer filed under (found by their sealed tag); one they
    were already told of first, so that they are told once."""
    row = await first(
        conn,
        """
        SELECT b.* FROM people p
        JOIN bans b ON b.channel = p.channel AND b.external_id = p.external_id
        WHERE p.sealed_tag = ?
        ORDER BY b.notified_at IS NULL, b.banned_at DESC LIMIT 1
        """,
        (tag,),
    )
    return from_row(row) if row else None
