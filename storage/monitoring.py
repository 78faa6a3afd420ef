"""The figures a monitoring scrape reads: counts an index answers, never a scan of every case."""

from __future__ import annotations

from datetime import date, datetime

from storage.connection import Connection
from storage.officers import OPEN_STATUSES
from storage.rows import iso, single


async def answers(conn: Connection) -> bool:
    """The database takes a query at all."""
    return int((await single(conn, "SELECT 1"))[0]) == 1


async def open_and_overdue(conn: Connection, today: date) -> tuple[int, int]:
    """Open cases, and those of them whose due date has passed (tickets_by_status: the open
    ones only are read, however many closed cases years of work left)."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    row = await single(
        conn,
        f"SELECT count(*), count(*) FILTER (WHERE due_on < ?) FROM tickets "  # noqa: S608
        f"WHERE status IN ({marks})",
        (today.isoformat(), *OPEN_STATUSES),
    )
    return int(row[0]), int(row[1])


async def backlog(conn: Connection, now: datetime) -> int:
    """Messages due and neither sent nor given up (the outbox_pending partial index)."""
    row = await single(
        conn,
        "SELECT count(*) FROM outbox "
        "WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ?",
        (iso(now),),
    )
    return int(row[0])
