"""The guide's look-ups: what was searched for and what was found, for the leaders' report."""

from __future__ import annotations

from datetime import datetime

from bot.domain.guide import EntryKind, FoundCount, Lookup, MissedQuery
from storage.connection import Connection
from storage.rows import iso, single


async def record(conn: Connection, lookup: Lookup) -> None:
    await conn.execute(
        "INSERT INTO guide_lookups (looked_at, channel, query, entry_kind, entry_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (iso(lookup.at), lookup.channel, lookup.query, lookup.kind, lookup.entry_id),
    )


async def found_between(conn: Connection, start: datetime, end: datetime) -> list[FoundCount]:
    """How often each entry was found, most found first."""
    rows = await conn.execute_fetchall(
        "SELECT entry_kind, entry_id, count(*) FROM guide_lookups"
        " WHERE looked_at >= ? AND looked_at < ? AND entry_id IS NOT NULL"
        " GROUP BY entry_kind, entry_id ORDER BY count(*) DESC, entry_kind, entry_id",
        (iso(start), iso(end)),
    )
    return [FoundCount(EntryKind(r[0]), str(r[1]), int(r[2])) for r in rows]


async def missed_between(
    conn: Connection, start: datetime, end: datetime, limit: int
) -> list[MissedQuery]:
    """The searches that found nothing, the most frequent first: what the catalog lacks."""
    rows = await conn.execute_fetchall(
        "SELECT query, count(*) FROM guide_lookups"
        " WHERE looked_at >= ? AND looked_at < ? AND entry_id IS NULL"
        " GROUP BY query ORDER BY count(*) DESC, query LIMIT ?",
        (iso(start), iso(end), limit),
    )
    return [MissedQuery(str(r[0]), int(r[1])) for r in rows]


async def count_between(conn: Connection, start: datetime, end: datetime) -> int:
    row = await single(
        conn,
        "SELECT count(*) FROM guide_lookups WHERE looked_at >= ? AND looked_at < ?",
        (iso(start), iso(end)),
    )
    return int(row[0])
