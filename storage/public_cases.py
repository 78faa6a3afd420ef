"""What the public page and the Open311 API read: published cases, newest first.

The public rule (bot.domain.publication.is_public) is written here a second time, in SQL, so
that an unpublished case never leaves the database at all: a page cannot show what it never
received. A test holds the two to agreement. The list walks the partial index tickets_public
by (created_at, id), so a page costs the same at the first case and at the millionth.
"""

from __future__ import annotations

from typing import Any

from bot.domain.public_cases import CaseQuery, PublishedCase
from bot.domain.publication import PUBLISHABLE_KINDS
from bot.domain.workflow import CLOSED
from storage.connection import Connection, Row, dialect_of
from storage.rows import first, instant, iso
from storage.tickets import ticket_of

_KINDS = ", ".join(f"'{kind.value}'" for kind in sorted(PUBLISHABLE_KINDS))
_CLOSED = ", ".join(f"'{status.value}'" for status in sorted(CLOSED))
_SELECT = f"""
    SELECT t.*, p.display_name AS filer_name
    FROM tickets t LEFT JOIN people p ON p.id = t.citizen_id
    WHERE t.public_since IS NOT NULL AND t.kind IN ({_KINDS}) AND NOT t.sealed
        AND t.erased_at IS NULL AND t.subject_id IS NULL
"""  # noqa: S608 - the fragments are the domain's own constants


def _published(row: Row) -> PublishedCase:
    return PublishedCase(ticket_of(row), row["filer_name"], instant(row["updated_at"]))


def _public(conduct_category: str | None) -> tuple[str, list[Any]]:
    if conduct_category is None:
        return _SELECT, []
    return _SELECT + " AND t.category_id <> ?", [conduct_category]


async def page(
    conn: Connection, query: CaseQuery, conduct_category: str | None
) -> list[PublishedCase]:
    """One page of published cases matching `query`, newest first."""
    sql, parameters = _public(conduct_category)
    conditions = []
    if query.category_id is not None:
        conditions.append("t.category_id = ?")
        parameters.append(query.category_id)
    if query.closed is not None:
        conditions.append(f"t.status {'IN' if query.closed else 'NOT IN'} ({_CLOSED})")
    if query.received_from is not None:
        conditions.append("t.created_at >= ?")
        parameters.append(iso(query.received_from))
    if query.received_before is not None:
        conditions.append("t.created_at < ?")
        parameters.append(iso(query.received_before))
    if query.codes:
        dialect = dialect_of(conn)
        conditions.append(dialect.members("t.code"))
        parameters.append(dialect.values(query.codes))
    if query.after is not None:
        conditions.append("(t.created_at, t.id) < (?, ?)")
        parameters += [iso(query.after.created_at), query.after.ticket_id]
    where = "".join(f" AND {condition}" for condition in conditions)
    rows = await conn.execute_fetchall(
        f"{sql}{where} ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
        [*parameters, query.limit],
    )
    return [_published(row) for row in rows]


async def find(conn: Connection, code: str, conduct_category: str | None) -> PublishedCase | None:
    """The published case with this code; an unpublished one is not found, like an unknown."""
    sql, parameters = _public(conduct_category)
    row = await first(conn, f"{sql} AND t.code = ?", [*parameters, code])
    return None if row is None else _published(row)
