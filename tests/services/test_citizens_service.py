"""Citizens are stored only once they consent, with the time and the notice they agreed to."""

from __future__ import annotations

from datetime import timedelta

from bot.services.citizens import find_citizen, give_consent, notice_version
from storage.database import Database
from tests.services.factories import CHANNEL, fetch
from tests.support.clock import FixedClock


async def test_no_one_is_found_before_consent(db: Database) -> None:
    assert await find_citizen(db, CHANNEL, "4001") is None
    assert await fetch(db, "SELECT * FROM people") == []


async def test_consent_stores_the_time_and_the_notice_version(
    db: Database, clock: FixedClock
) -> None:
    person = await give_consent(db, clock, CHANNEL, "4002", "Lê Thị Mai")

    assert person.has_consented
    assert person.consent_at == clock.now()
    assert person.consent_notice == notice_version()
    assert (person.channel, person.external_id, person.display_name) == (
        CHANNEL,
        "4002",
        "Lê Thị Mai",
    )
    assert await find_citizen(db, CHANNEL, "4002") == person
    [row] = await fetch(db, "SELECT * FROM people")
    assert row["consent_at"] == "2026-11-28T02:30:00.000000+00:00"
    assert row["consent_notice"] == notice_version()


async def test_consenting_again_keeps_the_first_consent_time(
    db: Database, clock: FixedClock
) -> None:
    first = await give_consent(db, clock, CHANNEL, "4003", "Mai")
    clock.advance(timedelta(days=3))
    again = await give_consent(db, clock, CHANNEL, "4003", "Lê Thị Mai")

    assert again.id == first.id
    assert again.consent_at == first.consent_at
    assert again.consent_notice == notice_version()
    assert again.display_name == "Lê Thị Mai"
    rows = await fetch(db, "SELECT consent_at, created_at, updated_at FROM people")
    assert [tuple(r) for r in rows] == [
        (
            "2026-11-28T02:30:00.000000+00:00",
            "2026-11-28T02:30:00.000000+00:00",
            "2026-12-01T02:30:00.000000+00:00",
        )
    ]


async def test_nothing_is_stored_until_consent(db: Database, clock: FixedClock) -> None:
    for external_id in ("4004", "4005", "4004"):
        assert await find_citizen(db, CHANNEL, external_id) is None
    assert await fetch(db, "SELECT * FROM people") == []

    await give_consent(db, clock, CHANNEL, "4004", "Hoa")

    rows = await fetch(db, "SELECT external_id FROM people")
    assert [r[0] for r in rows] == ["4004"]
    assert await find_citizen(db, CHANNEL, "4005") is None


async def test_the_same_id_on_another_channel_is_another_person(
    db: Database, clock: FixedClock
) -> None:
    on_telegram = await give_consent(db, clock, CHANNEL, "4006", "Bình")
    assert await find_citizen(db, "zalo", "4006") is None
    on_zalo = await give_consent(db, clock, "zalo", "4006", "Bình")
    assert on_zalo.id != on_telegram.id
    assert len(await fetch(db, "SELECT id FROM people")) == 2
