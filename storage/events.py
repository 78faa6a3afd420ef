"""The audit trail: every change of a case, who made it, from which status to which."""

from __future__ import annotations

from datetime import datetime

from bot.domain.tickets import Status, TicketEvent
from storage.connection import Connection
from storage.rows import instant, iso, single


async def add(
    conn: Connection,
    ticket_id: int,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    from_status: Status | None,
    to_status: Status | None,
    note: str | None = None,
) -> int:
    """Record one change; returns its id, which keys the messages the change causes."""
    row = await single(
        conn,
        """
        INSERT INTO ticket_events (ticket_id, at, actor_id, action, from_status, to_status, note)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """,
        (
            ticket_id,
            iso(at),
            actor_id,
            action,
            from_status.value if from_status else None,
            to_status.value if to_status else None,
            note,
        ),
    )
    return int(row[0])


async def for_ticket(conn: Connection, ticket_id: int) -> list[TicketEvent]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id", (ticket_id,)
    )
    return [
        TicketEvent(
            at=instant(row["at"]),
            actor_id=row["actor_id"],
            action=row["action"],
            from_status=Status(row["from_status"]) if row["from_status"] else None,
            to_status=Status(row["to_status"]) if row["to_status"] else None,
            note=row["note"],
        )
        for row in rows
    ]


async def add_staff(
    conn: Connection, *, at: datetime, actor_id: int, action: str, note: str
) -> None:
    """Record an administrative change that concerns no single case."""
    await conn.execute(
        "INSERT INTO admin_events (at, actor_id, action, note) VALUES (?, ?, ?, ?)",
        (iso(at), actor_id, action, note),
    )


async def counts(conn: Connection, action: str) -> dict[int, int]:
    """How often each case saw `action` (reopenings, recommendations), by case id."""
    rows = await conn.execute_fetchall(
        "SELECT ticket_id, count(*) FROM ticket_events WHERE action = ? GROUP BY ticket_id",
        (action,),
    )
    return {int(row[0]): int(row[1]) for row in rows}


async def staff_of(conn: Connection, ticket_id: int) -> dict[int, tuple[str, str]]:
    """(name, title) of the officers who acted on a case or hold it, by person id, retired
    ones included: an audit names everyone who touched the case, not only who works here now."""
    rows = await conn.execute_fetchall(
        """
        SELECT o.person_id, o.name, o.title FROM officers o
        WHERE o.person_id IN (SELECT actor_id FROM ticket_events WHERE ticket_id = ?)
           OR o.person_id IN (SELECT assignee_id FROM tickets WHERE id = ?)
        """,
        (ticket_id, ticket_id),
    )
    return {int(row["person_id"]): (row["name"], row["title"]) for row in rows}
