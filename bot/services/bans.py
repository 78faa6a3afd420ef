"""Bans: an admin stops hearing from a person who abuses the bot; recorded in the audit trail.

A banned person is told once, with the reason, and then ignored: nothing they send is answered
or stored. Officers cannot be banned (an admin retires them with /canbo instead), and a person
later made an officer is heard again.

An admin names whom to ban by their chat id, or by the code of a case they filed: that bans
whoever the case points at on whatever channel they use. For a sealed tố cáo that is the
pseudonym, so no one learns who the denouncer is; the gate finds the ban from the denouncer's
own account through their sealed tag.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.clock import Clock
from bot.config import Config, sealer
from bot.domain.chats import Account
from bot.domain.people import ERASED_CHANNEL, Officer, Role
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from storage import bans, events, officers, people, tickets
from storage.accounts import Known
from storage.bans import Ban
from storage.bans import Listed as Listed  # noqa: PLC0414 - re-exported for the ban list
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


class Standing(StrEnum):
    HEARD = "heard"
    TELL = "tell"  # banned and not told yet: told now, once
    IGNORED = "ignored"


async def _ban_of(db: Database, config: Config, known: Known) -> Ban | None:
    """The account's own ban, else a ban on a pseudonym it filed a tố cáo under."""
    seal = sealer(config)
    if known.ban is not None or not known.sealed_bans or known.person is None or seal is None:
        return known.ban
    return await bans.of_pseudonyms(db.reader, seal.person_tag(known.person.id))


async def standing(
    db: Database, clock: Clock, config: Config, known: Known
) -> tuple[Standing, Ban | None]:
    """Whether the account is heard, from what is known of it, and the ban that keeps it out;
    writes only for a banned person not told yet."""
    ban = await _ban_of(db, config, known)
    if ban is None or known.officer is not None:
        return Standing.HEARD, None
    if ban.notified:
        return Standing.IGNORED, ban
    async with db.transaction() as conn:
        first = await bans.mark_notified(conn, ban.channel, ban.external_id, clock.now())
    return (Standing.TELL if first else Standing.IGNORED), ban


async def filer_of(db: Database, code: str) -> Account:
    """Who filed the case, as the case points at them: a sealed tố cáo's pseudonym, never the
    denouncer's own account."""
    conn = db.reader
    ticket = await tickets.find_by_code(conn, code)
    if ticket is None:
        raise CaseworkError("bans.no_case")
    person = await people.get(conn, ticket.citizen_id)
    if person is None or person.channel == ERASED_CHANNEL:
        raise CaseworkError("bans.erased")
    return Account(person.channel, person.external_id)


async def ban(
    db: Database, clock: Clock, admin: Officer, account: Account, reason: str, limit: int
) -> None:
    """Ban an account of any channel (a Zalo citizen too); an officer cannot be banned."""
    channel, external_id = account.channel, account.external_id
    if not admin.has(Role.ADMIN):
        raise PermissionError("only an admin may ban")
    text = clean_note(reason, limit)
    now = clock.now()
    async with db.transaction() as conn:
        if await officers.by_account(conn, channel, external_id) is not None:
            raise CaseworkError("bans.officer")
        await bans.add(conn, channel, external_id, text, admin.person_id, now)
        await events.add_staff(
            conn, at=now, actor_id=admin.person_id, action="banned", note=f"{external_id}: {text}"
        )
    _LOGGER.warning("account %s banned by %s", external_id, admin.person_id)


async def unban(db: Database, clock: Clock, admin: Officer, account: Account) -> bool:
    channel, external_id = account.channel, account.external_id
    if not admin.has(Role.ADMIN):
        raise PermissionError("only an admin may lift a ban")
    now = clock.now()
    async with db.transaction() as conn:
        if not await bans.remove(conn, channel, external_id):
            return False
        await events.add_staff(
            conn, at=now, actor_id=admin.person_id, action="unbanned", note=external_id
        )
    _LOGGER.warning("account %s unbanned by %s", external_id, admin.person_id)
    return True


async def banned(db: Database) -> list[Listed]:
    return await bans.all_bans(db.reader)
