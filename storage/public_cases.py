"""What the public page and the Open311 API read: published cases, newest first.

The public rule (bot.domain.publication.is_public) is written here a second time, in SQL, so
that an unpublished case never leaves the database at all: a page cannot show what it never
received. A test holds the two to agreement. The list walks the partial index tickets_public
by (created_at, id), so a page costs the same at the first case and at the millionth.

A published case's photos leave with it only once an officer let them out
(photos_public_since), and only those kept in the commune's own store, named by their hash.
"""

from __future__ import annotations

from typing import Any

from bot.domain.public_cases import CaseQuery, PublishedCase
from bot.domain.publication import PUBLISHABLE_KINDS
from bot.domain.tickets import PHOTO
from bot.domain.workflow import CLOSED
from storage.connection import Connection, Row, dialect_of
from storage.rows import first, instant, iso
from storage.tickets import ticket_of

_KINDS = ", ".join(f"'{kind.value}'" for kind in sorted(PUBLISHABLE_KINDS))
_CLOSED = ", ".join(f"'{status.value}'" for status in sorted(CLOSED))
_PUBLIC = f"""
    t.public_since IS NOT NULL AND t.kind IN ({_KINDS}) AND NOT t.sealed
        AND t.erased_at IS NULL AND t.subject_id IS NULL
"""
_SELECT = f"""
    SELECT t.*, p.display_name AS filer_name
    FROM tickets t LEFT JOIN people p ON p.id = t.citizen_id
    WHERE {_PUBLIC}
"""  # noqa: S608
_KEPT_PHOTOS = f"""
    FROM attachments a
    JOIN attachment_files f ON f.attachment_id = a.id AND f.status = 'kept'
    JOIN files k ON k.sha256 = f.sha256
    JOIN tickets t ON t.id = a.ticket_id
    WHERE a.kind = '{PHOTO}' AND t.photos_public_since IS NOT NULL AND {_PUBLIC}
"""


def _published(row: Row, photos: dict[int, tuple[str, ...]]) -> PublishedCase:
    ticket = ticket_of(row)
    return PublishedCase(
        ticket, row["filer_name"], instant(row["updated_at"]), photos.get(ticket.id, ())
    )


def _conduct(conduct_category: str | None) -> tuple[str, list[Any]]:
    """A case about an officer's conduct is never public (bot.domain.publication)."""
    if conduct_category is None:
        return "", []
    return " AND t.category_id <> ?", [conduct_category]


def _public(conduct_category: str | None) -> tuple[str, list[Any]]:
    condition, parameters = _conduct(conduct_category)
    return _SELECT + condition, parameters


async def _photos(conn: Connection, rows: list[Row]) -> dict[int, tuple[str, ...]]:
    """The hashes of the photos each case lets out, in the order they were sent: one query
    for a page, and none when no case on it lets photos out."""
    ids = [row["id"] for row in rows if row["photos_public_since"] is not None]
    if not ids:
        return {}
    dialect = dialect_of(conn)
    found = await conn.execute_fetchall(
        f"SELECT a.ticket_id, f.sha256 {_KEPT_PHOTOS} AND {dialect.members('a.ticket_id')} "
        "ORDER BY a.ticket_id, a.position",
        [dialect.values(ids)],
    )
    photos: dict[int, list[str]] = {}
    for row in found:
        photos.setdefault(row[0], []).append(row[1])
    return {ticket_id: tuple(hashes) for ticket_id, hashes in photos.items()}


async def photo_type(conn: Connection, sha256: str, conduct_category: str | None) -> str | None:
    """The media type of a file that is a photo some published case lets out; None for any
    other file, kept or not, so the store serves nothing else to the public."""
    condition, parameters = _conduct(conduct_category)
    row = await first(
        conn,
        f"SELECT k.media_type {_KEPT_PHOTOS} AND k.sha256 = ?{condition} LIMIT 1",
        [sha256, *parameters],
    )
    return None if row is None else str(row[0])


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
    rows = list(
        await conn.execute_fetchall(
            f"{sql}{where} ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
            [*parameters, query.limit],
        )
    )
    photos = await _photos(conn, rows)
    return [_published(row, photos) for row in rows]


async def find(conn: Connection, code: str, conduct_category: str | None) -> PublishedCase | None:
    """The published case with this code; an unpublished one is not found, like an unknown."""
    sql, parameters = _public(conduct_category)
    row = await first(conn, f"{sql} AND t.code = ?", [*parameters, code])
    return None if row is None else _published(row, await _photos(conn, [row]))
