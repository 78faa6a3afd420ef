"""A case's file as it goes out to staff, and the ids a bot got for the kept files it uploaded."""

from __future__ import annotations

from dataclasses import dataclass

from storage.connection import Connection
from storage.rows import first


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An attachment with what the store and this bot hold of it."""

    kind: str
    reference: str  # the channel's, '' once an erasure cut it
    file_name: str | None
    status: str | None  # its way into the store; None once its row is gone
    sha256: str | None
    media_type: str | None  # what the kept bytes are, else what the channel said
    cached: str | None  # this bot's id of the kept file, from its first upload
    sealed: bool


async def outgoing(conn: Connection, ticket_id: int, position: int, sender: str) -> Outgoing | None:
    """The case's `position`-th attachment, None when the case no longer has it."""
    row = await first(
        conn,
        "SELECT a.kind, a.file_id, a.file_name, f.status, f.sha256, "
        "coalesce(k.media_type, a.media_type), u.file_id, t.sealed "
        "FROM attachments AS a JOIN tickets AS t ON t.id = a.ticket_id "
        "LEFT JOIN attachment_files AS f ON f.attachment_id = a.id "
        "LEFT JOIN files AS k ON k.sha256 = f.sha256 "
        "LEFT JOIN file_uploads AS u ON u.sha256 = f.sha256 AND u.sender = ? "
        "WHERE a.ticket_id = ? AND a.position = ?",
        (sender, ticket_id, position),
    )
    if row is None:
        return None
    return Outgoing(str(row[0]), str(row[1]), row[2], row[3], row[4], row[5], row[6], bool(row[7]))


async def remember(conn: Connection, sha256: str, sender: str, file_id: str) -> None:
    """Keep the id `sender` got for the file, unless the file went meanwhile (its retention)."""
    await conn.execute(
        "INSERT INTO file_uploads (sha256, sender, file_id) "
        "SELECT sha256, ?, ? FROM files WHERE sha256 = ? "
        "ON CONFLICT (sha256, sender) DO UPDATE SET file_id = excluded.file_id",
        (sender, file_id, sha256),
    )


async def forget(conn: Connection, sha256: str, sender: str) -> None:
    """The bot refused its own id (a new token, a file Telegram dropped): upload again."""
    await conn.execute("DELETE FROM file_uploads WHERE sha256 = ? AND sender = ?", (sha256, sender))


async def cached(conn: Connection, sha256: str, sender: str) -> str | None:
    row = await first(
        conn,
        "SELECT file_id FROM file_uploads WHERE sha256 = ? AND sender = ?",
        (sha256, sender),
    )
    return str(row[0]) if row else None
