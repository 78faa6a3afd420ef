"""People reached through a chat channel, identified by (channel, external id)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from bot.domain.people import SEALED_CHANNEL, Person
from storage.connection import Connection, Row, dialect_of
from storage.rows import first, iso, parse_time, single


def from_row(row: Row) -> Person:
    return Person(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        display_name=row["display_name"],
        consent_at=parse_time(row["consent_at"]),
        consent_notice=row["consent_notice"],
    )


async def find(conn: Connection, channel: str, external_id: str) -> Person | None:
    row = await first(
        conn, "SELECT * FROM people WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return from_row(row) if row else None


async def upsert(
    conn: Connection, channel: str, external_id: str, display_name: str, now: datetime
) -> Person:
    row = await single(
        conn,
        """
        INSERT INTO people (channel, external_id, display_name, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (channel, external_id)
        DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at
        RETURNING *
        """,
        (channel, external_id, display_name, iso(now), iso(now)),
    )
    return from_row(row)


async def record_consent(conn: Connection, person_id: int, notice: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE people SET consent_at = ?, consent_notice = ?, updated_at = ? WHERE id = ?",
        (iso(now), notice, iso(now), person_id),
    )


async def get(conn: Connection, person_id: int) -> Person | None:
    row = await first(conn, "SELECT * FROM people WHERE id = ?", (person_id,))
    return from_row(row) if row else None


async def add_pseudonym(conn: Connection, sealed: str, tag: str, now: datetime) -> Person:
    """A person standing for a denouncer in one case: a random id, and who they are sealed."""
    return from_row(
        await single(
            conn,
            """
        INSERT INTO people (channel, external_id, display_name, sealed, sealed_tag,
            created_at, updated_at)
        VALUES (?, ?, '', ?, ?, ?, ?)
        RETURNING *
        """,
            (SEALED_CHANNEL, uuid.uuid4().hex, sealed, tag, iso(now), iso(now)),
        )
    )


async def pseudonyms(conn: Connection, tag: str) -> list[int]:
    """The pseudonymous persons of one citizen, found by their tag."""
    rows = await conn.execute_fetchall(
        "SELECT id FROM people WHERE sealed_tag = ? ORDER BY id", (tag,)
    )
    return [int(row[0]) for row in rows]


async def sealed_of(conn: Connection, person_id: int) -> str | None:
    row = await first(conn, "SELECT sealed FROM people WHERE id = ?", (person_id,))
    return row[0] if row else None


async def seals_of_cases(conn: Connection, ticket_ids: Sequence[int]) -> list[str]:
    """The sealed identities the cases were filed under, for those filed under a pseudonym."""
    dialect = dialect_of(conn)
    rows = await conn.execute_fetchall(
        "SELECT p.sealed FROM tickets t JOIN people p ON p.id = t.citizen_id "  # noqa: S608
        f"WHERE {dialect.members('t.id')} AND p.sealed IS NOT NULL",
        (dialect.values(ticket_ids),),
    )
    return [str(row[0]) for row in rows]


async def sealed_by_external_id(conn: Connection, external_id: str) -> str | None:
    row = await first(
        conn,
        "SELECT sealed FROM people WHERE channel = ? AND external_id = ?",
        (SEALED_CHANNEL, external_id),
    )
    return row[0] if row else None
