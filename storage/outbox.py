"""Messages waiting to be delivered, written in the same transaction as what caused them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Later, dialect_of, fetch_later
from storage.rows import iso, parse_time, single

# Written as a row's last error just before it is handed to the platform, replaced once the
# platform has answered; a row still holding it was being sent when the bot stopped.
IN_FLIGHT = "in flight"
# Claims are taken one process at a time (on PostgreSQL, this transaction-scoped advisory
# lock): two processes claiming at once could each take rows of one chat that neither yet
# holds, and the chat's messages would go out of order.
CLAIM_LOCK = 0x6E6768652D636C61


@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    channel: str
    recipient: str
    payload: str
    attempts: int
    interrupted: bool = False  # it was being sent when the bot stopped: it may have arrived
    # Another process sent to the chat lately: nothing more goes to it before then.
    held_until: datetime | None = None


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
    return await (await due_except_later(conn, now, limit, skip)).value()


async def due_except_later(
    conn: Connection,
    now: datetime,
    limit: int,
    skip: Collection[tuple[str, str]] = (),
) -> Later[list[Pending]]:
    """`due_except`, read along with the unit's writes (`fetch_later`): after an update, what
    is due comes back with the unit's COMMIT."""
    # A channel's name holds no colon, so "channel:recipient" names one chat.
    dialect = dialect_of(conn)
    skipped = dialect.values([f"{channel}:{recipient}" for channel, recipient in skip])
    chat = dialect.members("channel || ':' || recipient")
    # One trip to the database's thread: this runs after every update (make bench, ingest).
    rows = await fetch_later(
        conn,
        "SELECT id, channel, recipient, payload, attempts, last_error = ? FROM outbox "  # noqa: S608
        f"WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ? AND NOT {chat} "
        "ORDER BY bulk, not_before, id LIMIT ?",
        (IN_FLIGHT, iso(now), skipped, limit),
    )
    return rows.then(
        lambda found: [Pending(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in found]
    )


async def claim(
    conn: Connection,
    instance: str,
    now: datetime,
    until: datetime,
    limit: int,
    skip: Collection[tuple[str, str]] = (),
) -> list[Pending]:
    """Take what is due for `instance` until `until`, as `due_except` orders it, from the chats
    where no other instance holds a live claim on a message still to go: a chat is served by
    one process at a time.

    A chat's last send keeps its claim until the chat may be sent to again (`mark_sent`); that
    does not hold the chat for its process, it only paces the others: each message taken says
    until when another process's last send holds its chat (`Pending.held_until`; a process
    keeps its own sends' pace itself). Its own rows, claimed before, come
    again. Rows another transaction has locked (a use case changing them) are passed over
    rather than waited for.
    """
    dialect = dialect_of(conn)
    lock = dialect.exclusive()
    if lock is not None:
        await conn.execute(lock, (CLAIM_LOCK,))
    skipped = dialect.values([f"{channel}:{recipient}" for channel, recipient in skip])
    chat = dialect.members("channel || ':' || recipient")
    same_chat = "c.channel = outbox.channel AND c.recipient = outbox.recipient"
    rows = await conn.execute_fetchall(
        "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("  # noqa: S608
        "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ? "
        f"AND NOT {chat} AND NOT EXISTS (SELECT 1 FROM outbox AS c WHERE {same_chat} "
        "AND c.claimed_until > ? AND c.claimed_by <> ? "
        "AND c.sent_at IS NULL AND c.failed_at IS NULL) "
        f"ORDER BY bulk, not_before, id LIMIT ? {dialect.skip_locked()}) "
        "RETURNING id, channel, recipient, payload, attempts, last_error = ?, bulk, not_before, "
        f"(SELECT max(c.claimed_until) FROM outbox AS c WHERE {same_chat} "
        "AND c.claimed_until > ? AND c.claimed_by <> ? AND c.sent_at IS NOT NULL)",
        (
            *(instance, iso(until), iso(now), skipped, iso(now), instance, limit, IN_FLIGHT),
            *(iso(now), instance),
        ),
    )
    # RETURNING keeps no order.
    ordered = sorted(rows, key=lambda r: (bool(r[6]), r[7], r[0]))
    return [Pending(r[0], r[1], r[2], r[3], r[4], bool(r[5]), parse_time(r[8])) for r in ordered]


async def mark_in_flight(conn: Connection, message_id: int, *, again: bool) -> None:
    """`again`: it was in flight already when the bot stopped; that cut-short try counts."""
    await conn.execute(
        "UPDATE outbox SET last_error = ?, attempts = attempts + ? WHERE id = ?",
        (IN_FLIGHT, int(again), message_id),
    )


async def mark_claimed_in_flight(
    conn: Connection, message_id: int, *, again: bool, instance: str, until: datetime
) -> bool:
    """`mark_in_flight` for a claimed row, and its claim held on until `until`; False (and
    nothing changed) when the claim lapsed and another instance took the row meanwhile."""
    cursor = await conn.execute(
        "UPDATE outbox SET last_error = ?, attempts = attempts + ?, claimed_until = ? "
        "WHERE id = ? AND claimed_by = ?",
        (IN_FLIGHT, int(again), iso(until), message_id, instance),
    )
    return cursor.rowcount == 1


async def renew_claim(conn: Connection, message_id: int, instance: str, until: datetime) -> bool:
    """Hold on to a claimed message until `until`; False when it is no longer `instance`'s."""
    cursor = await conn.execute(
        "UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ? "
        "AND sent_at IS NULL AND failed_at IS NULL",
        (iso(until), message_id, instance),
    )
    return cursor.rowcount == 1


async def release(conn: Connection, instance: str) -> int:
    """Give up `instance`'s claims on the messages still to go, for another process to take
    at once; returns how many. The claims kept on sent messages still pace their chats."""
    cursor = await conn.execute(
        "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
        "WHERE claimed_by = ? AND sent_at IS NULL AND failed_at IS NULL",
        (instance,),
    )
    return cursor.rowcount


# A message is settled (sent, failed or postponed) only while it is still to go, so it is
# never both sent and failed; given a claimant, only while that instance still claims it.
_STILL_TO_GO = "WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL"


def _settle(
    sql: str, values: tuple[object, ...], message_id: int, claimant: str | None
) -> tuple[str, tuple[object, ...]]:
    if claimant is None:
        return f"{sql} {_STILL_TO_GO}", (*values, message_id)
    return f"{sql} {_STILL_TO_GO} AND claimed_by = ?", (*values, message_id, claimant)


async def mark_sent(
    conn: Connection,
    message_id: int,
    now: datetime,
    *,
    claimant: str | None = None,
    held_until: datetime | None = None,
) -> bool:
    """False (nothing changed) when the message was settled already or, given a `claimant`,
    another instance took it over. `held_until`: a claimed row's claim stays until then, so no
    other process sends to the chat before it may be sent to again."""
    sql, values = _settle(
        "UPDATE outbox SET sent_at = ?, last_error = NULL, "
        "claimed_until = coalesce(?, claimed_until)",
        (iso(now), None if held_until is None else iso(held_until)),
        message_id,
        claimant,
    )
    cursor = await conn.execute(sql, values)
    return cursor.rowcount == 1


async def mark_failed(
    conn: Connection, message_id: int, now: datetime, error: str, *, claimant: str | None = None
) -> bool:
    """False (nothing changed) as `mark_sent`."""
    sql, values = _settle(
        "UPDATE outbox SET failed_at = ?, last_error = ?, attempts = attempts + 1",
        (iso(now), error),
        message_id,
        claimant,
    )
    cursor = await conn.execute(sql, values)
    return cursor.rowcount == 1


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


async def postpone(
    conn: Connection,
    message_id: int,
    until: datetime,
    error: str,
    *,
    claimant: str | None = None,
) -> bool:
    """False (nothing changed) as `mark_sent`."""
    sql, values = _settle(
        "UPDATE outbox SET not_before = ?, last_error = ?, attempts = attempts + 1",
        (iso(until), error),
        message_id,
        claimant,
    )
    cursor = await conn.execute(sql, values)
    return cursor.rowcount == 1


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
