"""What the database knows of a chat account, in one look-up: the gates ask it of every update."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.people import SEALED_CHANNEL, Officer, Person
from storage import bans, officers, people
from storage.bans import Ban
from storage.connection import Connection, Later, Row, fetch_later


@dataclass(frozen=True, slots=True)
class Known:
    """The account's person (once they consented, or as an officer), the active officer they
    are, and their ban; each None when there is none. `sealed_bans`: whether any pseudonym
    is banned at all, so that a denouncer's own bans are looked for only then."""

    person: Person | None
    officer: Officer | None
    ban: Ban | None
    sealed_bans: bool


async def known(conn: Connection, channel: str, external_id: str) -> Known:
    """One statement instead of three (people, officers, bans): each is a trip to the
    database's thread, and the gates ran all three for every update (make bench, ingest)."""
    return await (await known_later(conn, channel, external_id)).value()


async def known_later(conn: Connection, channel: str, external_id: str) -> Later[Known]:
    """`known`, read along with the gates' other reads (`fetch_later`)."""
    rows = await fetch_later(
        conn,
        """
        SELECT k.channel, k.external_id,
            p.id, p.display_name, p.consent_at, p.consent_notice,
            o.person_id, o.name, o.title, o.department_id, o.roles, o.active,
            o.last_assigned_at, o.night_ok,
            b.reason, b.banned_by, b.banned_at, b.notified_at,
            EXISTS (SELECT 1 FROM bans WHERE channel = ?) AS sealed_bans
        FROM (SELECT ? AS channel, ? AS external_id) AS k
        LEFT JOIN people p ON p.channel = k.channel AND p.external_id = k.external_id
        LEFT JOIN officers o ON o.person_id = p.id AND o.active = TRUE
        LEFT JOIN bans b ON b.channel = k.channel AND b.external_id = k.external_id
        """,
        (SEALED_CHANNEL, channel, external_id),
    )
    return rows.then(_known)


def _known(rows: list[Row]) -> Known:
    if not rows:
        raise LookupError("a look-up of one account returned no row")
    row = rows[0]
    return Known(
        person=people.from_row(row) if row["id"] is not None else None,
        officer=officers.from_row(row) if row["person_id"] is not None else None,
        ban=bans.from_row(row) if row["banned_at"] is not None else None,
        sealed_bans=bool(row["sealed_bans"]),
    )
