"""What periodic reports read: the cases received in a time range, and reception bookings."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.figures import CaseFacts
from bot.domain.files import DROPPED, FileFacts, read_kept_note
from bot.domain.tickets import Kind, Status
from storage.connection import Connection, Row, dialect_of
from storage.rows import iso, single

# Enum members by stored value: calling Kind(text) per row was a fifth of reading a month.
_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}


async def received_between(
    conn: Connection, start: datetime, end: datetime, zone: ZoneInfo
) -> list[CaseFacts]:
    """Cases received from `start` (included) to `end` (excluded), oldest first, with their
    dates in `zone` and the name of the officer handling each.

    Instants are stored as UTC ISO text, so the range is a text range on the
    tickets_by_created index.
    """
    rows = await conn.execute_fetchall(
        """
        SELECT t.code, t.kind, t.category_id, t.department_id, t.status, t.created_at,
            t.accepted_at, t.closed_at, t.due_on, t.rating, t.contact_name, o.name
        FROM tickets t LEFT JOIN officers o ON o.person_id = t.assignee_id
        WHERE t.created_at >= ? AND t.created_at < ?
        ORDER BY t.created_at, t.id
        """,
        (iso(start), iso(end)),
    )
    # A month of a province is 22,000 rows: they become facts off the event loop, in one pass.
    return await asyncio.to_thread(_facts, rows, zone)


def _facts(rows: Iterable[Row], zone: ZoneInfo) -> list[CaseFacts]:
    parse = datetime.fromisoformat

    def local(text: str | None) -> date | None:
        return parse(text).astimezone(zone).date() if text else None

    return [
        CaseFacts(
            code=r[0],
            kind=_KINDS[r[1]],
            category_id=r[2],
            department_id=r[3],
            officer=r[11],
            status=_STATUSES[r[4]],
            received_on=parse(r[5]).astimezone(zone).date(),
            accepted_on=local(r[6]),
            closed_on=local(r[7]),
            due_on=date.fromisoformat(r[8]) if r[8] else None,
            rating=r[9],
            sender=r[10],
        )
        for r in rows
    ]


async def files_between(conn: Connection, start: datetime, end: datetime) -> list[FileFacts]:
    """Every attachment of the cases received from `start` to `end`, in the cases' order and
    each case's, in one query for the whole report. A case whose attachments the retention
    period dropped is listed by the files its audit trail says were kept (DROPPED), so the
    report never hides that a case had files."""
    rows = await conn.execute_fetchall(
        """
        SELECT t.code, a.position, a.kind, a.file_name, a.duration, coalesce(k.size, a.size),
            coalesce(k.media_type, a.media_type), f.sha256, coalesce(f.status, 'pending'),
            t.sealed, t.erased_at, NULL AS note, t.created_at, t.id, a.position AS n
        FROM tickets t JOIN attachments a ON a.ticket_id = t.id
            LEFT JOIN attachment_files f ON f.attachment_id = a.id
            LEFT JOIN files k ON k.sha256 = f.sha256
        WHERE t.created_at >= ? AND t.created_at < ?
        UNION ALL
        SELECT t.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            t.sealed, t.erased_at, e.note, t.created_at, t.id, e.id
        FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id
        WHERE t.created_at >= ? AND t.created_at < ? AND t.erased_at IS NOT NULL
            AND e.action = 'file_kept'
            AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.ticket_id = t.id)
        ORDER BY 13, 14, 15
        """,
        (iso(start), iso(end), iso(start), iso(end)),
    )
    return await asyncio.to_thread(_files, rows)


def _files(rows: Iterable[Row]) -> list[FileFacts]:
    found = []
    for r in rows:
        sealed, erased = bool(r[9]), r[10] is not None
        if r[11] is None:
            found.append(
                FileFacts(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], sealed, erased)
            )
            continue
        note = read_kept_note(r[11])
        if note is not None:
            found.append(
                FileFacts(
                    r[0],
                    None,
                    note.kind,
                    None,
                    None,
                    note.size,
                    None,
                    note.sha256,
                    DROPPED,
                    note.sealed,
                    erased,
                )
            )
    return found


async def booking_count(conn: Connection, session_keys: Collection[str]) -> int:
    """Bookings still standing for these sessions (a cancelled booking is not counted)."""
    if not session_keys:
        return 0
    dialect = dialect_of(conn)
    row = await single(
        conn,
        "SELECT count(*) FROM reception_bookings "  # noqa: S608
        f"WHERE cancelled_at IS NULL AND {dialect.members('session_key')}",
        (dialect.values(sorted(session_keys)),),
    )
    return int(row[0])
