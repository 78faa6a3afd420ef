"""Citizens: recognised by their chat account, stored only once they consent."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.people import Person
from storage import people
from storage.database import Database

# Bump when the privacy notice changes, so each consent says which text was agreed to.
PRIVACY_NOTICE_VERSION = "2026-11-28"


async def find_citizen(db: Database, channel: str, external_id: str) -> Person | None:
    return await people.find(db.reader, channel, external_id)


async def give_consent(
    db: Database, clock: Clock, channel: str, external_id: str, display_name: str
) -> Person:
    """The first thing stored about a person, and only after they agreed to the notice."""
    now = clock.now()
    async with db.transaction() as conn:
        person = await people.upsert(conn, channel, external_id, display_name, now)
        if not person.has_consented:
            await people.record_consent(conn, person.id, PRIVACY_NOTICE_VERSION, now)
        found = await people.find(conn, channel, external_id)
    if found is None:
        raise LookupError("the person just stored is missing")
    return found
