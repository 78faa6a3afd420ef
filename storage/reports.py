"""What periodic reports read: the cases received in a time range, and reception bookings."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.domain.tickets import Kind, Status
from storage.rows import instant, iso, one, parse_time


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case with only what a report shows, and the name of the officer handling it."""

    code: str
    kind: Kind
    category_id: str
    department_id: str | None
    status: Status
    created_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
    due_on: date | None
    rating: str | None
    contact_name: str | None
    officer_name: str | None


async def received_between(
    conn: aiosqlite.Connection, start: datetime, end: datetime
) -> list[CaseRecord]:
    """Cases received from `start` (included) to `end` (excluded), oldest first.

    Instants are stored as UTC ISO text, so the range is a text range on the
    tickets_by_created index.
    """
    async with conn.execute(
        """
        SELECT t.code, t.kind, t.category_id, t.department_id, t.status, t.created_at,
            t.accepted_at, t.closed_at, t.due_on, t.rating, t.contact_name, o.name
        FROM tickets t LEFT JOIN officers o ON o.person_id = t.assignee_id
        WHERE t.created_at >= ? AND t.created_at < ?
        ORDER BY t.created_at, t.id
        """,
        (iso(start), iso(end)),
    ) as cursor:
        return [
            CaseRecord(
                code=r[0],
                kind=Kind(r[1]),
                category_id=r[2],
                department_id=r[3],
                status=Status(r[4]),
                created_at=instant(r[5]),
                accepted_at=parse_time(r[6]),
                closed_at=parse_time(r[7]),
                due_on=date.fromisoformat(r[8]) if r[8] else None,
                rating=r[9],
                contact_name=r[10],
                officer_name=r[11],
            )
            for r in await cursor.fetchall()
        ]


async def booking_count(conn: aiosqlite.Connection, session_keys: Collection[str]) -> int:
    """Bookings still standing for these sessions (a cancelled booking is not counted)."""
    if not session_keys:
        return 0
    async with conn.execute(
        "SELECT count(*) FROM reception_bookings "
        "WHERE cancelled_at IS NULL AND session_key IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(session_keys)),),
    ) as cursor:
        return int((await one(cursor))[0])
