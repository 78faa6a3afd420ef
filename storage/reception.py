"""Reception days as the commune changed them by chat, subscribers and bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from storage.connection import Connection
from storage.rows import first, iso, single


@dataclass(frozen=True, slots=True)
class Change:
    session_key: str
    change: str
    title: str | None
    place: str | None
    day: date | None
    start: time | None
    end: time | None
    host: int | None


@dataclass(frozen=True, slots=True)
class Booking:
    person_id: int
    topic: str


async def changes(conn: Connection) -> list[Change]:
    rows = await conn.execute_fetchall(
        "SELECT session_key, change, title, place, day, start_time, end_time, host "
        "FROM reception_changes ORDER BY id"
    )
    return [
        Change(
            r[0],
            r[1],
            r[2],
            r[3],
            date.fromisoformat(r[4]) if r[4] else None,
            time.fromisoformat(r[5]) if r[5] else None,
            time.fromisoformat(r[6]) if r[6] else None,
            r[7],
        )
        for r in rows
    ]


async def record_change(
    conn: Connection, change: Change, reason: str | None, actor_id: int, now: datetime
) -> bool:
    """Store an added or cancelled session; False if that session was already changed."""
    cursor = await conn.execute(
        "INSERT INTO reception_changes (session_key, change, title, place, day, "
        "start_time, end_time, host, reason, actor_id, at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT DO NOTHING",
        (
            change.session_key,
            change.change,
            change.title,
            change.place,
            change.day.isoformat() if change.day else None,
            change.start.isoformat(timespec="minutes") if change.start else None,
            change.end.isoformat(timespec="minutes") if change.end else None,
            change.host,
            reason,
            actor_id,
            iso(now),
        ),
    )
    return cursor.rowcount == 1


async def subscribe(conn: Connection, person_id: int, now: datetime) -> bool:
    cursor = await conn.execute(
        "INSERT INTO reception_subscribers (person_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (person_id, iso(now)),
    )
    return cursor.rowcount == 1


async def unsubscribe(conn: Connection, person_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM reception_subscribers WHERE person_id = ?", (person_id,)
    )
    return cursor.rowcount == 1


async def subscribers(conn: Connection) -> list[int]:
    rows = await conn.execute_fetchall(
        "SELECT person_id FROM reception_subscribers ORDER BY person_id"
    )
    return [int(r[0]) for r in rows]


async def is_subscribed(conn: Connection, person_id: int) -> bool:
    return (
        int(
            (
                await single(
                    conn,
                    "SELECT count(*) FROM reception_subscribers WHERE person_id = ?",
                    (person_id,),
                )
            )[0]
        )
        > 0
    )


async def book(
    conn: Connection, session_key: str, person_id: int, topic: str, now: datetime
) -> None:
    """Book (or re-book with a new topic) a session."""
    await conn.execute(
        "INSERT INTO reception_bookings (session_key, person_id, topic, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (session_key, person_id) "
        "DO UPDATE SET topic = excluded.topic, cancelled_at = NULL",
        (session_key, person_id, topic, iso(now)),
    )


async def bookings(conn: Connection, session_key: str) -> list[Booking]:
    rows = await conn.execute_fetchall(
        "SELECT person_id, topic FROM reception_bookings "
        "WHERE session_key = ? AND cancelled_at IS NULL ORDER BY id",
        (session_key,),
    )
    return [Booking(int(r[0]), r[1]) for r in rows]


async def booking(conn: Connection, session_key: str, person_id: int) -> Booking | None:
    """The person's standing booking of a session, if any (a cancelled one does not count)."""
    row = await first(
        conn,
        "SELECT person_id, topic FROM reception_bookings "
        "WHERE session_key = ? AND person_id = ? AND cancelled_at IS NULL",
        (session_key, person_id),
    )
    return Booking(int(row[0]), row[1]) if row else None


async def booked_keys(conn: Connection, person_id: int) -> dict[str, str]:
    """The sessions a person has a standing booking for, with the topic, by session key."""
    rows = await conn.execute_fetchall(
        "SELECT session_key, topic FROM reception_bookings "
        "WHERE person_id = ? AND cancelled_at IS NULL ORDER BY id",
        (person_id,),
    )
    return {r[0]: r[1] for r in rows}


async def cancel_booking(conn: Connection, session_key: str, person_id: int, now: datetime) -> bool:
    """Mark a standing booking cancelled; False when there was none to cancel."""
    cursor = await conn.execute(
        "UPDATE reception_bookings SET cancelled_at = ? "
        "WHERE session_key = ? AND person_id = ? AND cancelled_at IS NULL",
        (iso(now), session_key, person_id),
    )
    return cursor.rowcount == 1
