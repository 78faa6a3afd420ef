"""Citizens: recognised by their chat account, stored only once they consent."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.people import Person
from bot.texts import t
from storage import people
from storage.connection import Connection
from storage.database import Database


def notice_version() -> str:
    """The version of the privacy notice, kept next to its text in the catalog: each consent
    says which text was agreed to, and a new version asks everyone again."""
    return t("start.privacy_version")


def agreed_to_notice(person: Person | None) -> bool:
    return person is not None and person.consent_notice == notice_version()


async def find_citizen(db: Database, channel: str, external_id: str) -> Person | None:
    return await people.find(db.reader, channel, external_id)


async def give_consent(
    db: Database, clock: Clock, channel: str, external_id: str, display_name: str
) -> Person:
    """The first thing stored about a person, and only after they agreed to the notice; a
    later version of the notice is recorded, with its time, when they agree to it."""
    now = clock.now()
    version = notice_version()

    async def work(conn: Connection) -> Person | None:
        person = await people.upsert(conn, channel, external_id, display_name, now)
        if person.consent_notice != version:
            await people.record_consent(conn, person.id, version, now)
        return await people.find(conn, channel, external_id)

    found = await db.unit(work)
    if found is None:
        raise LookupError("the person just stored is missing")
    return found
