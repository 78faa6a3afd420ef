"""The figures a monitoring scrape reads: counts an index answers, never a scan of every case."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from storage.officers import OPEN_STATUSES
from storage.rows import iso, one


async def answers(conn: aiosqlite.Connection) -> bool:
    """The database takes a query at all."""
    async with conn.execute("SELECT 1") as cursor:
        return int((await one(cursor))[0]) == 1


async def open_and_overdue(conn: aiosqlite.Connection, today: date) -> tuple[int, int]:
    """Open cases, and those of them whose due date has passed (tickets_by_status: the open
    ones only are read, however many closed cases years of work left)."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    async with conn.execute(
        f"SELECT count(*), count(*) FILTER (WHERE due_on < ?) FROM tickets "  # noqa: S608
        f"WHERE status IN ({marks})",
        (today.isoformat(), *OPEN_STATUSES),
    ) as cursor:
        row = await one(cursor)
    return int(row[0]), int(row[1])


async def backlog(conn: aiosqlite.Connection, now: datetime) -> int:
    """Messages due and neither sent nor given up (the outbox_pending partial index)."""
    async with conn.execute(
        "SELECT count(*) FROM outbox "
        "WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ?",
        (iso(now),),
    ) as cursor:
        return int((await one(cursor))[0])
