"""Published announcements, the people who asked to receive them, and the record of that choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.rows import first, instant, iso, parse_time, single


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    author_id: int
    text: str
    photo: str | None
    document: str | None
    published_at: datetime
    recipients: int
    progress_chat: str
    progress_message: int
    progress_text: str
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class Subscriber:
    person_id: int
    channel: str
    external_id: str


def _announcement(row: Row) -> Announcement:
    return Announcement(
        id=row["id"],
        author_id=row["author_id"],
        text=row["text"],
        photo=row["photo"],
        document=row["document"],
        published_at=instant(row["published_at"]),
        recipients=row["recipients"],
        progress_chat=row["progress_chat"],
        progress_message=row["progress_message"],
        progress_text=row["progress_text"],
        finished_at=parse_time(row["finished_at"]),
    )


async def subscribe(conn: Connection, person_id: int, on: bool, now: datetime) -> bool:
    """Opt in or out; a change is logged with its time. False when nothing changed."""
    if on:
        cursor = await conn.execute(
            "INSERT INTO announcement_subscribers (person_id, since) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (person_id, iso(now)),
        )
    else:
        cursor = await conn.execute(
            "DELETE FROM announcement_subscribers WHERE person_id = ?", (person_id,)
        )
    if cursor.rowcount != 1:
        return False
    await conn.execute(
        "INSERT INTO announcement_choices (person_id, subscribed, at) VALUES (?, ?, ?)",
        (person_id, on, iso(now)),
    )
    return True


async def is_subscribed(conn: Connection, person_id: int) -> bool:
    return (
        int(
            (
                await single(
                    conn,
                    "SELECT count(*) FROM announcement_subscribers WHERE person_id = ?",
                    (person_id,),
                )
            )[0]
        )
        > 0
    )


async def subscriber_count(conn: Connection) -> int:
    return int((await single(conn, "SELECT count(*) FROM announcement_subscribers"))[0])


async def subscribers(conn: Connection) -> list[Subscriber]:
    rows = await conn.execute_fetchall(
        "SELECT s.person_id, p.channel, p.external_id FROM announcement_subscribers s "
        "JOIN people p ON p.id = s.person_id ORDER BY s.person_id"
    )
    return [Subscriber(int(r[0]), r[1], r[2]) for r in rows]


async def add(
    conn: Connection,
    *,
    draft_id: str,
    author_id: int,
    text: str,
    photo: str | None,
    document: str | None,
    now: datetime,
    recipients: int,
    progress_chat: str,
    progress_message: int,
    progress_text: str,
) -> Announcement | None:
    """Store a new announcement; None when this draft was published already."""
    row = await first(
        conn,
        """
        INSERT INTO announcements (draft_id, author_id, text, photo, document, published_at,
            recipients, progress_chat, progress_message, progress_text)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (draft_id) DO NOTHING
        RETURNING *
        """,
        (
            draft_id,
            author_id,
            text,
            photo,
            document,
            iso(now),
            recipients,
            progress_chat,
            progress_message,
            progress_text,
        ),
    )
    return _announcement(row) if row else None


async def by_draft(conn: Connection, draft_id: str) -> Announcement | None:
    row = await first(conn, "SELECT * FROM announcements WHERE draft_id = ?", (draft_id,))
    return _announcement(row) if row else None


async def get(conn: Connection, announcement_id: int) -> Announcement | None:
    row = await first(conn, "SELECT * FROM announcements WHERE id = ?", (announcement_id,))
    return _announcement(row) if row else None


async def count(conn: Connection) -> int:
    return int((await single(conn, "SELECT count(*) FROM announcements"))[0])


async def latest(conn: Connection, limit: int, offset: int) -> list[Announcement]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM announcements ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return [_announcement(row) for row in rows]


async def unfinished(conn: Connection) -> list[Announcement]:
    """Announcements still being delivered, whose author watches a progress message."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM announcements WHERE finished_at IS NULL ORDER BY id"
    )
    return [_announcement(row) for row in rows]


async def record_progress(
    conn: Connection,
    announcement_id: int,
    text: str,
    finished_at: datetime | None,
) -> None:
    """What the progress message shows now; `finished_at` once nothing remains."""
    await conn.execute(
        "UPDATE announcements SET progress_text = ?, finished_at = ? WHERE id = ?",
        (text, iso(finished_at) if finished_at else None, announcement_id),
    )
