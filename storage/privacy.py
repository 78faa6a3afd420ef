"""What is stored about one citizen, their erasure requests, and erasing it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import ERASED_CHANNEL, SEALED_CHANNEL
from bot.domain.privacy import Booking, ErasureRequest
from storage import chat_links
from storage.connection import Connection, Row, dialect_of
from storage.rows import first, instant, iso, parse_time, single

# The year and number of a case code (SN-2026-00042) anywhere in a message; the prefix is the
# commune's own, the same in every code, and may be glued to the word before it.
_CODE_NUMBER = re.compile(r"(?<!\d)\d{4}-\d{5,}(?!\d)")


@dataclass(frozen=True, slots=True)
class CaseText:
    """The free text of one case, and the personal values it was filed with."""

    id: int
    code: str
    content: str
    contact: tuple[str | None, ...]
    rating_comment: str | None


def _request(row: Row) -> ErasureRequest:
    return ErasureRequest(
        id=row["id"],
        person_id=row["person_id"],
        requested_at=instant(row["requested_at"]),
        due_at=instant(row["due_at"]),
        completed_at=parse_time(row["completed_at"]),
    )


async def open_request(conn: Connection, person_id: int) -> ErasureRequest | None:
    row = await first(
        conn,
        "SELECT * FROM erasure_requests WHERE person_id = ? AND completed_at IS NULL",
        (person_id,),
    )
    return _request(row) if row else None


async def add_request(
    conn: Connection, person_id: int, now: datetime, due: datetime
) -> ErasureRequest:
    return _request(
        await single(
            conn,
            "INSERT INTO erasure_requests (person_id, requested_at, due_at) VALUES (?, ?, ?) "
            "RETURNING *",
            (person_id, iso(now), iso(due)),
        )
    )


async def get_request(conn: Connection, request_id: int) -> ErasureRequest | None:
    row = await first(conn, "SELECT * FROM erasure_requests WHERE id = ?", (request_id,))
    return _request(row) if row else None


async def complete_request(
    conn: Connection, request_id: int, officer_id: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE erasure_requests SET completed_at = ?, completed_by = ? WHERE id = ?",
        (iso(now), officer_id, request_id),
    )


async def bookings(conn: Connection, person_id: int) -> list[Booking]:
    rows = await conn.execute_fetchall(
        "SELECT session_key, topic, created_at, cancelled_at FROM reception_bookings "
        "WHERE person_id = ? ORDER BY created_at",
        (person_id,),
    )
    return [Booking(r[0], r[1], instant(r[2]), r[3] is not None) for r in rows]


async def subscribed_since(conn: Connection, table: str, person_id: int) -> datetime | None:
    if table not in ("reception_subscribers", "announcement_subscribers"):
        raise ValueError(f"not a subscriber table: {table}")
    row = await first(
        conn,
        f"SELECT since FROM {table} WHERE person_id = ?",  # noqa: S608 - whitelisted names
        (person_id,),
    )
    return instant(row[0]) if row else None


async def case_codes(conn: Connection, person_ids: Sequence[int]) -> list[str]:
    """The codes of the cases filed under any of `person_ids` (a citizen and their pseudonyms)."""
    dialect = dialect_of(conn)
    rows = await conn.execute_fetchall(
        f"SELECT code FROM tickets WHERE {dialect.members('citizen_id')} ORDER BY id",  # noqa: S608
        (dialect.values(person_ids),),
    )
    return [r[0] for r in rows]


async def case_texts(conn: Connection, person_ids: Sequence[int]) -> list[CaseText]:
    """Every case filed by the person (under any of `person_ids`), whatever became of it."""
    dialect = dialect_of(conn)
    rows = await conn.execute_fetchall(
        "SELECT id, code, content, contact_name, contact_phone, contact_address, rating_comment "  # noqa: S608
        f"FROM tickets WHERE {dialect.members('citizen_id')} ORDER BY id",
        (dialect.values(person_ids),),
    )
    return [CaseText(r[0], r[1], r[2], (r[3], r[4], r[5]), r[6]) for r in rows]


async def closed_unerased(
    conn: Connection, closed_before: datetime, statuses: tuple[str, ...], limit: int
) -> list[CaseText]:
    """Closed cases whose personal data the retention period no longer allows keeping."""
    marks = ",".join("?" * len(statuses))
    rows = await conn.execute_fetchall(
        "SELECT id, code, content, contact_name, contact_phone, contact_address, rating_comment "  # noqa: S608
        f"FROM tickets WHERE erased_at IS NULL AND closed_at < ? AND status IN ({marks}) "
        "ORDER BY closed_at, id LIMIT ?",
        (iso(closed_before), *statuses, limit),
    )
    return [CaseText(r[0], r[1], r[2], (r[3], r[4], r[5]), r[6]) for r in rows]


async def notes(conn: Connection, ticket_id: int, *, but: str) -> list[tuple[int, str]]:
    """The notes of the case's events, but those of action `but` (the system's own)."""
    rows = await conn.execute_fetchall(
        "SELECT id, note FROM ticket_events WHERE ticket_id = ? AND note IS NOT NULL "
        "AND action <> ?",
        (ticket_id, but),
    )
    return [(r[0], r[1]) for r in rows]


async def rewrite_note(conn: Connection, event_id: int, note: str) -> None:
    await conn.execute("UPDATE ticket_events SET note = ? WHERE id = ?", (note, event_id))


async def scrub_case(conn: Connection, ticket_id: int, content: str, now: datetime) -> None:
    """The case stays; the contact details and the citizen's comment on the outcome go, and so
    does the sealed identity of a denunciation's pseudonym (erasing a sealed field is NULL).
    Its documents stay, without the names their files had ("don-Nguyen-Van-A.pdf"). Erasure
    withdraws its publication too."""
    await conn.execute(
        "UPDATE tickets SET content = ?, contact_name = NULL, contact_phone = NULL, "
        "contact_address = NULL, rating_comment = NULL, public_since = NULL, "
        "photos_public_since = NULL, erased_at = ?, "
        "updated_at = ? WHERE id = ?",
        (content, iso(now), iso(now), ticket_id),
    )
    await conn.execute("UPDATE attachments SET file_name = NULL WHERE ticket_id = ?", (ticket_id,))
    await conn.execute(
        "UPDATE people SET sealed = NULL, sealed_tag = NULL, updated_at = ? WHERE channel = ? "
        "AND id = (SELECT citizen_id FROM tickets WHERE id = ?)",
        (iso(now), SEALED_CHANNEL, ticket_id),
    )


async def forget_person(
    conn: Connection, person_id: int, channel: str, external_id: str, now: datetime
) -> None:
    """Cut every link between the person row and a real person; the row itself stays, as a
    pseudonym, because the cases and their audit trail refer to it."""
    await conn.execute(
        "UPDATE people SET channel = ?, external_id = ?, display_name = '', consent_at = NULL, "
        "consent_notice = NULL, updated_at = ? WHERE id = ?",
        (ERASED_CHANNEL, str(person_id), iso(now), person_id),
    )
    for table in (
        "reception_subscribers",
        "reception_bookings",
        "announcement_subscribers",
        "announcement_choices",
    ):
        await conn.execute(
            f"DELETE FROM {table} WHERE person_id = ?",  # noqa: S608 - fixed names
            (person_id,),
        )
    await conn.execute(
        "DELETE FROM outbox WHERE channel = ? AND recipient = ?", (channel, external_id)
    )
    # Half-written drafts and dialog states of the account (conversation keys are JSON arrays
    # of chat and user ids), and the account's local id if it has one.
    user_id = await chat_links.chat_user_id(conn, channel, external_id)
    await chat_links.unlink(conn, channel, external_id)
    # What they wrote last may still wait in the inbox of their channel (emptied once handled).
    dialect = dialect_of(conn)
    sender = dialect.json_text("payload", "message", "from", "id")
    await conn.execute(
        "UPDATE inbox SET payload = NULL WHERE channel = ? AND payload IS NOT NULL "  # noqa: S608
        f"AND {sender} = ?",
        (channel, external_id),
    )
    if user_id is not None:
        await conn.execute("DELETE FROM conversation_data WHERE user_id = ?", (user_id,))
        has_user = dialect.json_array_has("conversation_states.key")
        await conn.execute(
            f"DELETE FROM conversation_states WHERE {has_user}",  # noqa: S608
            (user_id,),
        )


async def messages_about(conn: Connection, codes: list[str]) -> list[tuple[int, str]]:
    """Queued and sent messages that name any of these cases (cards, updates, reminders).

    Bulk messages (announcements) are about no case and are most of the outbox, so they are
    not read. The codes named in each message are found once and looked up in a set: asking
    SQLite for every code in every message costs seconds under the write lock."""
    wanted = {code.split("-", 1)[-1] for code in codes}
    if not wanted:
        return []
    found = []
    rows = await conn.execute_fetchall("SELECT id, payload FROM outbox WHERE NOT bulk")
    for row in rows:
        if wanted.intersection(_CODE_NUMBER.findall(row[1])):
            found.append((row[0], row[1]))
    return found


async def rewrite_message(conn: Connection, message_id: int, payload: str) -> None:
    await conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (payload, message_id))


async def forget_delivered(conn: Connection, key_prefix: str) -> int:
    """The last message to an erased person keeps their chat id only until it is delivered."""
    cursor = await conn.execute(
        "DELETE FROM outbox WHERE dedupe_key LIKE ? AND "
        "(sent_at IS NOT NULL OR failed_at IS NOT NULL)",
        (f"{key_prefix}%",),
    )
    return cursor.rowcount
