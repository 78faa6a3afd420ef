"""Attachments on their way into Nghe Dân's own file store, and the files kept there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, dialect_of
from storage.rows import iso

PENDING = "pending"
KEPT = "kept"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Fetch:
    """A claimed attachment to download: the channel's reference and what it belongs to."""

    attachment_id: int
    ticket_id: int
    kind: str
    reference: str
    attempts: int


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    position: int
    kind: str
    status: str
    sha256: str | None
    size: int | None
    media_type: str | None
    attempts: int
    last_error: str | None
    file_name: str | None = None  # a document's, as the channel gave it
    duration: int | None = None  # a voice note's, in seconds


async def queue_for_ticket(conn: Connection, ticket_id: int) -> None:
    """Every attachment of a case not queued yet waits for its download, due at once: written
    in the transaction that attached it (the filing, a citizen's supplement), so no case exists
    whose files nobody will fetch."""
    await conn.execute(
        "INSERT INTO attachment_files (attachment_id, next_try_at) "
        "SELECT id, '' FROM attachments WHERE ticket_id = ? "
        "ON CONFLICT (attachment_id) DO NOTHING",
        (ticket_id,),
    )


async def claim(
    conn: Connection, instance: str, now: datetime, until: datetime, limit: int
) -> list[Fetch]:
    """Take the due pending rows no other instance holds a live claim on, for `instance` until
    `until`; its own claims come again. Rows another transaction holds are passed over."""
    skip_locked = dialect_of(conn).skip_locked()
    rows = await conn.execute_fetchall(
        "UPDATE attachment_files SET claimed_by = ?, claimed_until = ? "  # noqa: S608
        "WHERE attachment_id IN (SELECT attachment_id FROM attachment_files "
        "WHERE status = ? AND next_try_at <= ? "
        "AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?) "
        f"ORDER BY next_try_at, attachment_id LIMIT ? {skip_locked}) "
        "RETURNING attachment_id, attempts, "
        "(SELECT a.ticket_id FROM attachments AS a WHERE a.id = attachment_id), "
        "(SELECT a.kind FROM attachments AS a WHERE a.id = attachment_id), "
        "(SELECT a.file_id FROM attachments AS a WHERE a.id = attachment_id)",
        (instance, iso(until), PENDING, iso(now), iso(now), instance, limit),
    )
    # RETURNING keeps no order.
    return [Fetch(r[0], r[2], r[3], r[4], r[1]) for r in sorted(rows, key=lambda r: r[0])]


async def keep(
    conn: Connection,
    attachment_id: int,
    instance: str,
    *,
    sha256: str,
    size: int,
    media_type: str,
    now: datetime,
) -> bool:
    """Record the kept file (once, whichever attachment brought it first) and the attachment's
    hash; False unless the row is still pending and still `instance`'s claim (a process that
    lost its claim leaves the row to the new claimant; the file row it adds is true anyway)."""
    await conn.execute(
        "INSERT INTO files (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (sha256, size, media_type, iso(now)),
    )
    cursor = await conn.execute(
        "UPDATE attachment_files SET status = ?, sha256 = ?, claimed_by = NULL, "
        "claimed_until = NULL, last_error = NULL, attempts = attempts + 1 "
        "WHERE attachment_id = ? AND claimed_by = ? AND status = ?",
        (KEPT, sha256, attachment_id, instance, PENDING),
    )
    return cursor.rowcount == 1


async def retry(
    conn: Connection, attachment_id: int, instance: str, *, error: str, at: datetime
) -> bool:
    """Count a failed try and leave the row for another at `at`, to any process."""
    cursor = await conn.execute(
        "UPDATE attachment_files SET attempts = attempts + 1, last_error = ?, next_try_at = ?, "
        "claimed_by = NULL, claimed_until = NULL "
        "WHERE attachment_id = ? AND claimed_by = ? AND status = ?",
        (error, iso(at), attachment_id, instance, PENDING),
    )
    return cursor.rowcount == 1


async def give_up(conn: Connection, attachment_id: int, instance: str, *, error: str) -> bool:
    cursor = await conn.execute(
        "UPDATE attachment_files SET status = ?, attempts = attempts + 1, last_error = ?, "
        "claimed_by = NULL, claimed_until = NULL "
        "WHERE attachment_id = ? AND claimed_by = ? AND status = ?",
        (FAILED, error, attachment_id, instance, PENDING),
    )
    return cursor.rowcount == 1


async def release(conn: Connection, instance: str) -> int:
    """Drop `instance`'s claims on rows still pending, so another process takes them at once."""
    cursor = await conn.execute(
        "UPDATE attachment_files SET claimed_by = NULL, claimed_until = NULL "
        "WHERE claimed_by = ? AND status = ?",
        (instance, PENDING),
    )
    return cursor.rowcount


async def for_ticket(conn: Connection, ticket_id: int) -> list[AttachmentFile]:
    rows = await conn.execute_fetchall(
        "SELECT a.position, a.kind, f.status, f.sha256, k.size, k.media_type, f.attempts, "
        "f.last_error, a.file_name, a.duration FROM attachments AS a "
        "JOIN attachment_files AS f ON f.attachment_id = a.id "
        "LEFT JOIN files AS k ON k.sha256 = f.sha256 "
        "WHERE a.ticket_id = ? ORDER BY a.position",
        (ticket_id,),
    )
    return [
        AttachmentFile(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows
    ]
