"""One look-up tells the gates who wrote: their person, the officer they are, and their ban."""

from __future__ import annotations

from bot.config import Config
from bot.domain.chats import Account
from bot.services import bans
from bot.services.accounts import look_up
from bot.services.citizens import find_citizen, give_consent
from bot.services.officers import find_officer, sync_from_config
from storage.database import Database
from tests.services.factories import CHANNEL
from tests.support.clock import FixedClock

CHAIRMAN = "100000001"  # an admin in the example config


async def test_a_stranger_is_known_for_nothing(db: Database) -> None:
    known = await look_up(db, Account(CHANNEL, "5001"))
    assert (known.person, known.officer, known.ban) == (None, None, None)


async def test_a_citizen_is_their_person(db: Database, clock: FixedClock) -> None:
    await give_consent(db, clock, CHANNEL, "5002", "Trần Văn Bình")
    known = await look_up(db, Account(CHANNEL, "5002"))
    assert known.person == await find_citizen(db, CHANNEL, "5002")
    assert (known.officer, known.ban) == (None, None)
    assert (await look_up(db, Account("zalo", "5002"))).person is None


async def test_an_officer_is_their_person_and_officer(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, CHANNEL)
    known = await look_up(db, Account(CHANNEL, CHAIRMAN))
    officer = await find_officer(db, CHANNEL, CHAIRMAN)
    assert officer is not None
    assert known.officer == officer
    assert known.person is not None
    assert known.person.id == officer.person_id
    assert known.ban is None


async def test_a_ban_is_known_with_or_without_a_person(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, CHANNEL)
    admin = await find_officer(db, CHANNEL, CHAIRMAN)
    assert admin is not None
    await give_consent(db, clock, CHANNEL, "5003", "Mai")
    await bans.ban(db, clock, admin, Account(CHANNEL, "5003"), "Lời lẽ xúc phạm.", 500)
    await bans.ban(db, clock, admin, Account(CHANNEL, "5004"), "Gửi tin rác.", 500)

    consented = await look_up(db, Account(CHANNEL, "5003"))
    assert consented.person is not None
    assert consented.ban is not None
    assert (consented.ban.reason, consented.ban.notified) == ("Lời lẽ xúc phạm.", False)
    stranger = await look_up(db, Account(CHANNEL, "5004"))
    assert stranger.person is None
    assert stranger.ban is not None
    assert stranger.ban.reason == "Gửi tin rác."
