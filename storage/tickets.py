"""Cases and their attachments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.tickets import Attachment, Kind, NewTicket, Status, Ticket
from bot.domain.workflow import Action
from storage import attachment_files
from storage.connection import Connection, Row, dialect_of
from storage.officers import OPEN_STATUSES
from storage.rows import first, instant, iso, parse_time, single


async def next_number(conn: Connection, year: int) -> int:
    """The next case number of the year; atomic because it runs inside the write transaction."""
    row = await single(
        conn,
        """
        INSERT INTO case_sequences (year, last_number) VALUES (?, 1)
        ON CONFLICT (year) DO UPDATE SET last_number = case_sequences.last_number + 1
        RETURNING last_number
        """,
        (year,),
    )
    return int(row[0])


async def insert(conn: Connection, new: NewTicket, status: Status, now: datetime) -> int:
    row = await single(
        conn,
        """
        INSERT INTO tickets (code, draft_id, citizen_id, kind, category_id, department_id,
            status, content, latitude, longitude, place, contact_name, contact_phone,
            contact_address, due_on, sealed, public_since, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """,
        (
            new.code,
            new.draft_id,
            new.citizen_id,
            new.kind.value,
            new.category_id,
            new.department_id,
            status.value,
            new.content,
            new.latitude,
            new.longitude,
            new.place,
            new.contact_name,
            new.contact_phone,
            new.contact_address,
            new.due_on.isoformat() if new.due_on else None,
            new.sealed,
            iso(now) if new.public else None,
            iso(now),
            iso(now),
        ),
    )
    ticket_id = int(row[0])
    await _attach(conn, ticket_id, new.attachments, first_position=1)
    return ticket_id


async def _attach(
    conn: Connection, ticket_id: int, attachments: Sequence[Attachment], first_position: int
) -> None:
    await conn.executemany(
        """
        INSERT INTO attachments (ticket_id, position, kind, file_id, file_unique_id,
            duration, size, media_type, file_name)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (
                ticket_id,
                position,
                a.kind,
                a.file_id,
                a.file_unique_id,
                a.duration,
                a.size,
                a.media_type,
                a.file_name,
            )
            for position, a in enumerate(attachments, start=first_position)
        ],
    )
    if attachments:
        await attachment_files.queue_for_ticket(conn, ticket_id)


async def add_attachments(
    conn: Connection, ticket_id: int, attachments: Sequence[Attachment]
) -> None:
    """Files a citizen adds to a filed case, after its own, queued for the file keeper in the
    same transaction."""
    row = await single(
        conn,
        "SELECT coalesce(max(position), 0) FROM attachments WHERE ticket_id = ?",
        (ticket_id,),
    )
    await _attach(conn, ticket_id, attachments, first_position=int(row[0]) + 1)


def ticket_of(row: Row, attachments: tuple[Attachment, ...] = ()) -> Ticket:
    """A case from a row of `tickets` (its every column, as `SELECT *` gives them)."""
    return Ticket(
        id=row["id"],
        code=row["code"],
        kind=Kind(row["kind"]),
        category_id=row["category_id"],
        status=Status(row["status"]),
        content=row["content"],
        created_at=instant(row["created_at"]),
        latitude=row["latitude"],
        longitude=row["longitude"],
        place=row["place"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        contact_address=row["contact_address"],
        attachments=attachments,
        citizen_id=row["citizen_id"],
        department_id=row["department_id"],
        assignee_id=row["assignee_id"],
        subject_id=row["subject_id"],
        accepted_at=parse_time(row["accepted_at"]),
        closed_at=parse_time(row["closed_at"]),
        result=row["result"],
        rating=row["rating"],
        due_on=date.fromisoformat(row["due_on"]) if row["due_on"] else None,
        complex=bool(row["complex"]),
        extensions=row["extensions"],
        sealed=bool(row["sealed"]),
        erased=row["erased_at"] is not None,
        public=row["public_since"] is not None,
        photos_public=row["photos_public_since"] is not None,
    )


async def _with_attachments(conn: Connection, row: Row) -> Ticket:
    found = await conn.execute_fetchall(
        "SELECT kind, file_id, file_unique_id, duration, size, media_type, file_name "
        "FROM attachments WHERE ticket_id = ? ORDER BY position",
        (row["id"],),
    )
    return ticket_of(
        row, tuple(Attachment(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in found)
    )


async def find_by_draft(conn: Connection, draft_id: str) -> Ticket | None:
    row = await first(conn, "SELECT * FROM tickets WHERE draft_id = ?", (draft_id,))
    return await _with_attachments(conn, row) if row else None


def _ids(conn: Connection, citizen_ids: Sequence[int]) -> tuple[str, Any]:
    """The condition "filed by one of `citizen_ids`" and its parameter."""
    dialect = dialect_of(conn)
    return dialect.members("citizen_id"), dialect.values(citizen_ids)


async def find_for_citizen(
    conn: Connection, citizen_ids: Sequence[int], code: str
) -> Ticket | None:
    """A case by code, only if it is this citizen's (filed under any of `citizen_ids`, their
    own person and their pseudonyms): another person's code finds nothing."""
    filed_by, ids = _ids(conn, citizen_ids)
    row = await first(
        conn,
        f"SELECT * FROM tickets WHERE code = ? AND {filed_by}",  # noqa: S608
        (code, ids),
    )
    return await _with_attachments(conn, row) if row else None


async def count_for_citizen(conn: Connection, citizen_ids: Sequence[int]) -> int:
    filed_by, ids = _ids(conn, citizen_ids)
    row = await single(
        conn,
        f"SELECT count(*) FROM tickets WHERE {filed_by}",  # noqa: S608
        (ids,),
    )
    return int(row[0])


async def filed_since(conn: Connection, citizen_ids: Sequence[int], since: datetime) -> int:
    filed_by, ids = _ids(conn, citizen_ids)
    row = await single(
        conn,
        f"SELECT count(*) FROM tickets WHERE {filed_by} "  # noqa: S608
        "AND created_at >= ?",
        (ids, iso(since)),
    )
    return int(row[0])


async def page_for_citizen(
    conn: Connection, citizen_ids: Sequence[int], limit: int, offset: int
) -> list[Ticket]:
    """One page of a citizen's cases, newest first."""
    filed_by, ids = _ids(conn, citizen_ids)
    rows = await conn.execute_fetchall(
        f"SELECT * FROM tickets WHERE {filed_by} "  # noqa: S608
        "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        (ids, limit, offset),
    )
    return [ticket_of(row) for row in rows]


async def get(conn: Connection, ticket_id: int) -> Ticket | None:
    row = await first(conn, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return await _with_attachments(conn, row) if row else None


async def find_by_code(conn: Connection, code: str) -> Ticket | None:
    row = await first(conn, "SELECT * FROM tickets WHERE code = ?", (code,))
    return await _with_attachments(conn, row) if row else None


# The columns a change of a case may set; anything else is a programming error.
_CHANGEABLE = frozenset(
    {
        "status",
        "department_id",
        "assignee_id",
        "subject_id",
        "category_id",
        "accepted_at",
        "closed_at",
        "result",
        "rating",
        "rating_comment",
        "due_on",
        "complex",
        "extensions",
    }
)


def _column_value(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Status):
        return value.value
    return value


async def update(conn: Connection, ticket_id: int, now: datetime, **changes: object) -> None:
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    columns = ", ".join(f"{name} = ?" for name in changes)
    await conn.execute(
        f"UPDATE tickets SET {columns}, updated_at = ? WHERE id = ?",  # noqa: S608 - whitelisted names
        (*(_column_value(v) for v in changes.values()), iso(now), ticket_id),
    )


async def open_for_assignee(
    conn: Connection, person_id: int, limit: int
) -> tuple[int, list[Ticket]]:
    """How many open cases an officer has, and the `limit` most urgent (earliest due date, then
    oldest), in one trip: an officer may hold hundreds, and a message shows a few dozen."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = list(
        await conn.execute_fetchall(
            f"SELECT *, count(*) OVER () AS open_count FROM tickets "  # noqa: S608
            f"WHERE assignee_id = ? AND status IN ({marks}) "
            "ORDER BY due_on IS NULL, due_on, created_at, id LIMIT ?",
            (person_id, *OPEN_STATUSES, limit),
        )
    )
    cases = [ticket_of(row) for row in rows]
    return (rows[0]["open_count"] if cases else 0), cases


async def waiting_for_citizen(conn: Connection, citizen_ids: Sequence[int]) -> list[Ticket]:
    filed_by, ids = _ids(conn, citizen_ids)
    rows = await conn.execute_fetchall(
        f"SELECT * FROM tickets WHERE {filed_by} "  # noqa: S608
        "AND status = ? ORDER BY id",
        (ids, Status.WAITING_CITIZEN.value),
    )
    return [ticket_of(row) for row in rows]


async def open_cases(conn: Connection) -> list[Ticket]:
    """Every open case, the most urgent first (digests, reports)."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM tickets WHERE status IN ({marks}) "  # noqa: S608
        "ORDER BY due_on IS NULL, due_on, created_at",
        OPEN_STATUSES,
    )
    return [ticket_of(row) for row in rows]


async def open_overdue(conn: Connection, today: date) -> list[Ticket]:
    """Open cases whose due date has passed, the longest overdue first."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM tickets WHERE status IN ({marks}) AND due_on < ? "  # noqa: S608
        "ORDER BY due_on, created_at",
        (*OPEN_STATUSES, today.isoformat()),
    )
    return [ticket_of(row) for row in rows]


async def open_reopened(conn: Connection) -> list[Ticket]:
    """Open cases that were reopened at least once, the most urgent first."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM tickets t WHERE status IN ({marks}) AND EXISTS "  # noqa: S608
        "(SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = ?) "
        "ORDER BY due_on IS NULL, due_on, created_at",
        (*OPEN_STATUSES, Action.REOPEN.value),
    )
    return [ticket_of(row) for row in rows]


async def count_clear_denunciations(conn: Connection) -> int:
    """Denunciations filed before identities were sealed that still hold one in clear."""
    row = await single(
        conn,
        "SELECT count(*) FROM tickets WHERE kind = ? AND NOT sealed AND "
        "(contact_name IS NOT NULL OR contact_phone IS NOT NULL OR contact_address IS NOT NULL)",
        (Kind.DENUNCIATION.value,),
    )
    return int(row[0])


async def unreached_results(
    conn: Connection, viewer_id: int, assignee_id: int | None, limit: int
) -> tuple[int, list[Ticket]]:
    """Closed, unrated cases whose latest result (resolve or refuse) the outbox gave up
    delivering to the citizen (blocked bot, deleted account): how many, and the `limit`
    latest closed. Only `assignee_id`'s, or every case but those about `viewer_id` when None.

    The citizen's notice of a case event is keyed `event:<event id>:<citizen id>`
    (bot.services.case_actions, then notifications.tell), so it is found through the unique key.
    """
    rows = list(
        await conn.execute_fetchall(
            "SELECT t.*, count(*) OVER () AS unreached FROM tickets t "
            "JOIN outbox o ON o.dedupe_key = 'event:' || (SELECT max(e.id) FROM ticket_events e "
            "WHERE e.ticket_id = t.id AND e.action IN (?, ?)) || ':' || t.citizen_id "
            "WHERE t.status IN (?, ?) AND t.rating IS NULL AND t.erased_at IS NULL "
            "AND o.failed_at IS NOT NULL AND o.sent_at IS NULL "
            "AND (CAST(? AS BIGINT) IS NULL OR t.assignee_id = ?) "
            "AND (t.subject_id IS NULL OR t.subject_id <> ?) "
            "ORDER BY t.closed_at DESC, t.id DESC LIMIT ?",
            (
                Action.RESOLVE.value,
                Action.REFUSE.value,
                Status.RESOLVED.value,
                Status.REFUSED.value,
                assignee_id,
                assignee_id,
                viewer_id,
                limit,
            ),
        )
    )
    cases = [ticket_of(row) for row in rows]
    return (rows[0]["unreached"] if cases else 0), cases


async def withdraw_publication(conn: Connection, ticket_id: int, now: datetime) -> bool:
    """Whether the case was published until now. Its photos go with it."""
    row = await first(
        conn,
        "UPDATE tickets SET public_since = NULL, photos_public_since = NULL, updated_at = ? "
        "WHERE id = ? AND public_since IS NOT NULL RETURNING id",
        (iso(now), ticket_id),
    )
    return row is not None


async def show_photos(conn: Connection, ticket_id: int, now: datetime, *, shown: bool) -> bool:
    """Let a published case's photos out with it, or take them back; False when that changes
    nothing (the case not published, or its photos already so)."""
    if shown:
        sql = (
            "UPDATE tickets SET photos_public_since = ?, updated_at = ? WHERE id = ? "
            "AND public_since IS NOT NULL AND photos_public_since IS NULL RETURNING id"
        )
        parameters: tuple[object, ...] = (iso(now), iso(now), ticket_id)
    else:
        sql = (
            "UPDATE tickets SET photos_public_since = NULL, updated_at = ? WHERE id = ? "
            "AND photos_public_since IS NOT NULL RETURNING id"
        )
        parameters = (iso(now), ticket_id)
    return await first(conn, sql, parameters) is not None
