"""Which kept files a case still needs: dropping a case's attachments at the end of its
retention, the files no attachment refers to any more, and the channel references an erasure
cuts.

Only the database rows change here, inside the caller's transaction; the store's files of the
hashes returned are deleted by the caller after the commit (bot.services.file_retention).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.attachment_files import PENDING
from storage.connection import Connection, dialect_of
from storage.rows import first, iso


async def drop_attachments(conn: Connection, ticket_ids: Sequence[int]) -> None:
    """The attachments of these cases and their way into the store go; the `files` rows they
    referred to stay until `unreferenced` takes the ones no other case needs."""
    if not ticket_ids:
        return
    dialect = dialect_of(conn)
    ids = dialect.values(ticket_ids)
    await conn.execute(
        "DELETE FROM attachment_files WHERE attachment_id IN "  # noqa: S608
        f"(SELECT id FROM attachments WHERE {dialect.members('ticket_id')})",
        (ids,),
    )
    await conn.execute(
        f"DELETE FROM attachments WHERE {dialect.members('ticket_id')}",  # noqa: S608
        (ids,),
    )


async def unreferenced(conn: Connection) -> list[str]:
    """Delete the `files` rows no attachment refers to; their hashes, whose stored files may
    go once this transaction commits."""
    rows = await conn.execute_fetchall(
        "DELETE FROM files WHERE NOT EXISTS "
        "(SELECT 1 FROM attachment_files AS f WHERE f.sha256 = files.sha256) RETURNING sha256"
    )
    return sorted(str(r[0]) for r in rows)


async def recorded(conn: Connection, sha256: str) -> bool:
    """A `files` row names this hash (again): its stored file must stay."""
    return await first(conn, "SELECT 1 FROM files WHERE sha256 = ?", (sha256,)) is not None


async def forget_references(conn: Connection, ticket_ids: Sequence[int]) -> None:
    """Cut the channel's reference (a Telegram file_id, a Zalo image URL, which may carry the
    sender's account) of every attachment of these cases no longer waiting for its download,
    and the last download error (which may quote it). A pending attachment keeps its reference
    until the keeper has its file (`forget_reference_if_erased`)."""
    if not ticket_ids:
        return
    dialect = dialect_of(conn)
    ids = dialect.values(ticket_ids)
    await conn.execute(
        "UPDATE attachments SET file_id = '', file_unique_id = '' "  # noqa: S608
        f"WHERE {dialect.members('ticket_id')} AND id IN "
        "(SELECT attachment_id FROM attachment_files WHERE status <> ?)",
        (ids, PENDING),
    )
    await conn.execute(
        "UPDATE attachment_files SET last_error = NULL WHERE status <> ? AND attachment_id IN "  # noqa: S608
        f"(SELECT id FROM attachments WHERE {dialect.members('ticket_id')})",
        (PENDING, ids),
    )


async def forget_reference_if_erased(conn: Connection, attachment_id: int) -> None:
    """An attachment whose download ended after its case was erased loses its reference then."""
    erased = (
        "SELECT 1 FROM tickets AS t WHERE t.id = attachments.ticket_id AND t.erased_at IS NOT NULL"
    )
    await conn.execute(
        "UPDATE attachments SET file_id = '', file_unique_id = '' "  # noqa: S608
        f"WHERE id = ? AND EXISTS ({erased})",
        (attachment_id,),
    )
    await conn.execute(
        "UPDATE attachment_files SET last_error = NULL WHERE attachment_id = ? AND EXISTS "  # noqa: S608
        f"(SELECT 1 FROM attachments WHERE attachments.id = ? AND EXISTS ({erased}))",
        (attachment_id, attachment_id),
    )


async def sealed_case(conn: Connection, ticket_id: int) -> bool:
    """The case was filed under a sealed identity: its files are stored encrypted."""
    row = await first(conn, "SELECT sealed FROM tickets WHERE id = ?", (ticket_id,))
    return bool(row[0]) if row else False


async def expired_with_attachments(
    conn: Connection, closed_before: datetime, statuses: tuple[str, ...], limit: int
) -> list[int]:
    """Closed cases past their retention that still carry attachments (erased on request or
    not: an erasure keeps the files, the retention period does not)."""
    marks = ",".join("?" * len(statuses))
    rows = await conn.execute_fetchall(
        "SELECT id FROM tickets WHERE closed_at < ? "  # noqa: S608
        f"AND status IN ({marks}) AND EXISTS "
        "(SELECT 1 FROM attachments AS a WHERE a.ticket_id = tickets.id) ORDER BY id LIMIT ?",
        (iso(closed_before), *statuses, limit),
    )
    return [int(r[0]) for r in rows]


async def known(conn: Connection, hashes: Sequence[str]) -> set[str]:
    """Which of these hashes a `files` row names."""
    if not hashes:
        return set()
    dialect = dialect_of(conn)
    rows = await conn.execute_fetchall(
        f"SELECT sha256 FROM files WHERE {dialect.members('sha256')}",  # noqa: S608
        (dialect.values(hashes),),
    )
    return {str(r[0]) for r in rows}


async def references(conn: Connection, ticket_ids: Sequence[int]) -> list[str]:
    """The channel references of these cases' attachments that no longer wait for a download."""
    if not ticket_ids:
        return []
    dialect = dialect_of(conn)
    rows = await conn.execute_fetchall(
        "SELECT file_id FROM attachments "  # noqa: S608
        f"WHERE {dialect.members('ticket_id')} AND file_id <> '' AND id IN "
        "(SELECT attachment_id FROM attachment_files WHERE status <> ?)",
        (dialect.values(ticket_ids), PENDING),
    )
    return [str(r[0]) for r in rows]


async def settled_messages_with(conn: Connection, refs: Sequence[str]) -> list[tuple[int, str]]:
    """Messages delivered or given up (one still to go needs its photo) that carry any of
    these references: the cards' photos, sent by reference."""
    if not refs:
        return []
    rows = await conn.execute_fetchall(
        "SELECT id, payload FROM outbox WHERE NOT bulk "
        "AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)"
    )
    return [(r[0], r[1]) for r in rows if any(ref in r[1] for ref in refs)]
