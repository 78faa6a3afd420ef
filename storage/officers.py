"""Officers: who handles cases, in which department, with which roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import Officer, Role
from bot.domain.tickets import Status
from storage import people
from storage.connection import Connection, Row
from storage.rows import first, iso, parse_time

OPEN_STATUSES = tuple(s.value for s in Status if s not in (Status.RESOLVED, Status.REFUSED))


@dataclass(frozen=True, slots=True)
class OfficerRecord:
    """An officer as config or an admin describes them, before they have a person id."""

    channel: str
    external_id: str
    name: str
    title: str
    department_id: str | None
    roles: frozenset[Role]


def from_row(row: Row) -> Officer:
    return Officer(
        person_id=row["person_id"],
        channel=row["channel"],
        external_id=row["external_id"],
        name=row["name"],
        title=row["title"],
        department_id=row["department_id"],
        roles=frozenset(Role(r) for r in row["roles"].split(",") if r),
        active=bool(row["active"]),
        last_assigned_at=parse_time(row["last_assigned_at"]),
        night_ok=bool(row["night_ok"]),
    )


_SELECT = """
    SELECT o.*, p.channel, p.external_id FROM officers o JOIN people p ON p.id = o.person_id
"""


async def save(conn: Connection, record: OfficerRecord, source: str, now: datetime) -> Officer:
    person = await people.upsert(conn, record.channel, record.external_id, record.name, now)
    await conn.execute(
        """
        INSERT INTO officers (person_id, name, title, department_id, roles, source, active,
            updated_at)
        VALUES (?, ?, ?, ?, ?, ?, TRUE, ?)
        ON CONFLICT (person_id) DO UPDATE SET name = excluded.name, title = excluded.title,
            department_id = excluded.department_id, roles = excluded.roles,
            source = excluded.source, active = TRUE, updated_at = excluded.updated_at
        """,
        (
            person.id,
            record.name,
            record.title,
            record.department_id,
            ",".join(sorted(r.value for r in record.roles)),
            source,
            iso(now),
        ),
    )
    found = await by_person(conn, person.id)
    if found is None:
        raise LookupError(f"officer {person.id} vanished after saving")
    return found


async def deactivate_missing(
    conn: Connection, source: str, keep: Iterable[int], now: datetime
) -> None:
    """Officers of `source` not in `keep` stop receiving cases; their history stays."""
    kept = list(keep)
    marks = ",".join("?" * len(kept)) or "NULL"
    await conn.execute(
        f"UPDATE officers SET active = FALSE, updated_at = ? WHERE source = ? "  # noqa: S608 - placeholders only
        f"AND person_id NOT IN ({marks})",
        (iso(now), source, *kept),
    )


async def deactivate(conn: Connection, person_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE officers SET active = FALSE, updated_at = ? WHERE person_id = ?",
        (iso(now), person_id),
    )


async def by_person(conn: Connection, person_id: int) -> Officer | None:
    row = await first(conn, f"{_SELECT} WHERE o.person_id = ?", (person_id,))
    return from_row(row) if row else None


async def by_account(conn: Connection, channel: str, external_id: str) -> Officer | None:
    row = await first(
        conn,
        f"{_SELECT} WHERE p.channel = ? AND p.external_id = ? AND o.active = TRUE",
        (channel, external_id),
    )
    return from_row(row) if row else None


async def active(conn: Connection) -> list[Officer]:
    found = await conn.execute_fetchall(f"{_SELECT} WHERE o.active = TRUE ORDER BY o.person_id")
    return [from_row(row) for row in found]


async def retired(conn: Connection) -> list[Officer]:
    found = await conn.execute_fetchall(f"{_SELECT} WHERE o.active = FALSE ORDER BY o.person_id")
    return [from_row(row) for row in found]


async def open_case_counts(conn: Connection) -> dict[int, int]:
    marks = ",".join("?" * len(OPEN_STATUSES))
    found = await conn.execute_fetchall(
        f"SELECT assignee_id, count(*) FROM tickets WHERE status IN ({marks}) "  # noqa: S608
        "AND assignee_id IS NOT NULL GROUP BY assignee_id",
        OPEN_STATUSES,
    )
    return {int(row[0]): int(row[1]) for row in found}


async def mark_assigned(conn: Connection, person_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE officers SET last_assigned_at = ? WHERE person_id = ?", (iso(now), person_id)
    )


async def set_night_ok(conn: Connection, person_id: int, on: bool) -> None:
    await conn.execute("UPDATE officers SET night_ok = ? WHERE person_id = ?", (on, person_id))
