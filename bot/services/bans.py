"""Bans: an admin stops hearing from a person who abuses the bot; recorded in the audit trail.

A banned person is told once, with the reason, and then ignored: nothing they send is answered
or stored. Officers cannot be banned (an admin retires them with /canbo instead), and a person
later made an officer is heard again.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.clock import Clock
from bot.domain.chats import Account
from bot.domain.people import Officer, Role
from bot.services.refusal import CaseworkError, clean_note
from storage import bans, events, officers
from storage.accounts import Known
from storage.bans import Ban
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


class Standing(StrEnum):
    HEARD = "heard"
    TELL = "tell"  # banned and not told yet: told now, once
    IGNORED = "ignored"


async def standing(db: Database, clock: Clock, account: Account, known: Known) -> Standing:
    """Whether the account is heard, from what is known of it; writes only for a banned
    person not told yet."""
    ban = known.ban
    if ban is None or known.officer is not None:
        return Standing.HEARD
    if ban.notified:
        return Standing.IGNORED
    async with db.transaction() as conn:
        first = await bans.mark_notified(conn, account.channel, account.external_id, clock.now())
    return Standing.TELL if first else Standing.IGNORED


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


async def banned(db: Database) -> list[Ban]:
    return await bans.all_bans(db.reader)
