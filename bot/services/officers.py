"""Officers: written from config at start-up, added or removed by an admin by chat."""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.config import Config
from bot.domain.people import Officer, Role
from bot.domain.workflow import Actor
from storage import events, officers
from storage.database import Database
from storage.officers import OfficerRecord as OfficerRecord  # noqa: PLC0414 - re-exported: what an admin adds

_LOGGER = logging.getLogger(__name__)
CONFIG = "config"
CHAT = "chat"


def actor(officer: Officer) -> Actor:
    return Actor(officer.person_id, officer.roles, officer.department_id)


async def sync_from_config(db: Database, clock: Clock, config: Config, channel: str) -> None:
    """Config is the source at start-up: its officers are (re)activated, dropped ones retired.

    Officers an admin added by chat stay as they are.
    """
    now = clock.now()
    async with db.transaction() as conn:
        kept = []
        for entry in config.officers:
            record = OfficerRecord(
                channel=channel,
                external_id=str(entry.telegram_id),
                name=entry.name,
                title=entry.title,
                department_id=entry.department,
                roles=frozenset(entry.roles),
            )
            kept.append((await officers.save(conn, record, CONFIG, now)).person_id)
        await officers.deactivate_missing(conn, CONFIG, kept, now)


async def find_officer(db: Database, channel: str, external_id: str) -> Officer | None:
    return await officers.by_account(db.reader, channel, external_id)


async def all_officers(db: Database) -> list[Officer]:
    return await officers.active(db.reader)


async def retired_officers(db: Database) -> list[Officer]:
    return await officers.retired(db.reader)


async def add_officer(db: Database, clock: Clock, admin: Officer, record: OfficerRecord) -> Officer:
    """An admin adds (or changes) an officer by chat; the change is in the audit trail."""
    if not admin.has(Role.ADMIN):
        raise PermissionError("only an admin may add officers")
    now = clock.now()
    async with db.transaction() as conn:
        officer = await officers.save(conn, record, CHAT, now)
        roles = ",".join(sorted(record.roles))
        note = f"{record.external_id} {roles} {record.department_id or '-'}"
        await events.add_staff(
            conn, at=now, actor_id=admin.person_id, action="officer_added", note=note
        )
    _LOGGER.info("officer %s added by %s", officer.person_id, admin.person_id)
    return officer


async def remove_officer(db: Database, clock: Clock, admin: Officer, external_id: str) -> bool:
    """Retire an officer: they receive no new cases; their history stays."""
    if not admin.has(Role.ADMIN):
        raise PermissionError("only an admin may remove officers")
    now = clock.now()
    async with db.transaction() as conn:
        officer = await officers.by_account(conn, admin.channel, external_id)
        if officer is None:
            return False
        await officers.deactivate(conn, officer.person_id, now)
        await events.add_staff(
            conn, at=now, actor_id=admin.person_id, action="officer_removed", note=external_id
        )
    return True


async def toggle_night(db: Database, officer: Officer) -> bool:
    """An officer chooses to get reminders during quiet hours too; returns the new setting."""
    on = not officer.night_ok
    async with db.transaction() as conn:
        await officers.set_night_ok(conn, officer.person_id, on)
    return on
