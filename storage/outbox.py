"""Messages waiting to be delivered, written in the same transaction as what caused them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, dialect_of
from storage.rows import iso, single

# Written as a row's last error just before it is handed to the platform, replaced once the
# platform has answered; a row still holding it was being sent when the bot stopped.
IN_FLIGHT = "in flight"


@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    channel: str
    recipient: str
    payload: str
    attempts: int
    interrupted: bool = False  # it was being sent when the bot stopped: it may have arrived


async def enqueue(
    conn: Connection,
    key: str,
    *,
    channel: str,
    recipient: str,
    payload: str,
    now: datetime,
    not_before: datetime | None = None,
    bulk: bool = False,
) -> None:
    """Queue a message once: a second message with the same key is the same message.

    `not_before` holds it back (quiet hours); by default it may go at once. A `bulk` message
    (an announcement to every subscriber) goes after every other due message.
    """
    await conn.execute(
        "INSERT INTO outbox (dedupe_key, channel, recipient, payload, created_at, "
        "not_before, bulk) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (key, channel, recipient, payload, iso(now), iso(not_before or now), bulk),
    )


async def due(conn: Connection, now: datetime, limit: int) -> list[Pending]:
    rows = await conn.execute_fetchall(
        "SELECT id, channel, recipient, payload, attempts, last_error = ? FROM outbox "
        "WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ? "
        "ORDER BY bulk, not_before, id LIMIT ?",
        (IN_FLIGHT, iso(now), limit),
    )
    return [Pending(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


async def due_except(
    conn: Connection,
    now: datetime,
    limit: int,
    skip: Collection[tuple[str, str]] = (),
) -> list[Pending]:
    """What is due, oldest first and bulk last, leaving out the (channel, recipient) chats in
    `skip`."""
    # A channel's name holds no colon, so "channel:recipient" names one chat.
    dialect = dialect_of(conn)
    skipped = dialect.values([f"{channel}:{recipient}" for channel, recipient in skip])
    chat = dialect.members("channel || ':' || recipient")
    # One trip to the database's thread: this runs after every update (make bench, ingest).
    rows = await conn.execute_fetchall(
        "SELECT id, channel, recipient, payload, attempts, last_error = ? FROM outbox "  # noqa: S608
        f"WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ? AND NOT {chat} "
        "ORDER BY bulk, not_before, id LIMIT ?",
        (IN_FLIGHT, iso(now), skipped, limit),
    )
    return [Pending(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


async def mark_in_flight(conn: Connection, message_id: int, *, again: bool) -> None:
    """`again`: it was in flight already when the bot stopped; that cut-short try counts."""
    await conn.execute(
        "UPDATE outbox SET last_error = ?, attempts = attempts + ? WHERE id = ?",
        (IN_FLIGHT, int(again), message_id),
    )


async def mark_sent(conn: Connection, message_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?", (iso(now), message_id)
    )


async def mark_failed(conn: Connection, message_id: int, now: datetime, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET failed_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
        (iso(now), error, message_id),
    )


async def fail_chat(
    conn: Connection, channel: str, recipient: str, now: datetime, error: str
) -> int:
    """Give up on everything still waiting for a chat that cannot be reached; returns how many.

    The messages were not tried, so their attempts stay as they were.
    """
    cursor = await conn.execute(
        "UPDATE outbox SET failed_at = ?, last_error = ? "
        "WHERE channel = ? AND recipient = ? AND sent_at IS NULL AND failed_at IS NULL",
        (iso(now), error, channel, recipient),
    )
    return cursor.rowcount


async def postpone(conn: Connection, message_id: int, until: datetime, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET not_before = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
        (iso(until), error, message_id),
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """How far the messages of one batch (one key prefix) have gone."""

    total: int
    sent: int
    failed: int

    @property
    def remaining(self) -> int:
        return self.total - self.sent - self.failed


async def tally(conn: Connection, key_prefix: str) -> Tally:
    """Count the messages whose key starts with `key_prefix`, as a range of the unique key's
    index, so a batch is counted without reading the rest of the outbox."""
    if not key_prefix:
        raise ValueError("a key prefix is required")
    upper = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
    row = await single(
        conn,
        "SELECT count(*), count(sent_at), count(failed_at) FROM outbox "
        "WHERE dedupe_key >= ? AND dedupe_key < ?",
        (key_prefix, upper),
    )
    return Tally(total=int(row[0]), sent=int(row[1]), failed=int(row[2]))
