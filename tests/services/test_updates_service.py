"""An update handled once is remembered for a week, per channel, and then forgotten."""

from __future__ import annotations

from datetime import timedelta

from bot.services.updates import already_handled, forget_old, mark_handled
from storage.database import Database
from tests.services.factories import fetch
from tests.support.clock import FixedClock


async def stored(db: Database) -> list[tuple[str, int]]:
    rows = await fetch(db, "SELECT channel, update_id FROM processed_updates ORDER BY 1, 2")
    return [(r[0], r[1]) for r in rows]


async def test_an_update_is_handled_once(db: Database, clock: FixedClock) -> None:
    assert not await already_handled(db, "telegram", 101)
    await mark_handled(db, clock, "telegram", 101)
    assert await already_handled(db, "telegram", 101)
    assert not await already_handled(db, "telegram", 102)


async def test_marking_the_same_update_twice_stores_it_once(
    db: Database, clock: FixedClock
) -> None:
    await mark_handled(db, clock, "telegram", 201)
    clock.advance(timedelta(hours=1))
    await mark_handled(db, clock, "telegram", 201)
    assert await stored(db) == [("telegram", 201)]
    [(at,)] = await fetch(db, "SELECT processed_at FROM processed_updates")
    assert at == "2026-11-28T02:30:00.000000+00:00"  # the first handling is what counts


async def test_update_ids_are_per_channel(db: Database, clock: FixedClock) -> None:
    await mark_handled(db, clock, "telegram", 301)
    assert not await already_handled(db, "zalo", 301)
    await mark_handled(db, clock, "zalo", 301)
    assert await already_handled(db, "zalo", 301)
    assert await stored(db) == [("telegram", 301), ("zalo", 301)]


async def test_forget_old_removes_only_records_older_than_seven_days(
    db: Database, clock: FixedClock
) -> None:
    await mark_handled(db, clock, "telegram", 1)  # day 0
    clock.advance(timedelta(days=1))
    await mark_handled(db, clock, "telegram", 2)  # day 1
    await mark_handled(db, clock, "zalo", 2)
    clock.advance(timedelta(days=5))
    await mark_handled(db, clock, "telegram", 3)  # day 6

    assert await forget_old(db, clock) == 0  # nothing is a week old yet
    assert len(await stored(db)) == 4

    clock.advance(timedelta(days=1, seconds=1))  # day 7 plus a second
    assert await forget_old(db, clock) == 1
    assert await stored(db) == [("telegram", 2), ("telegram", 3), ("zalo", 2)]
    assert not await already_handled(db, "telegram", 1)
    assert await already_handled(db, "telegram", 2)

    clock.advance(timedelta(days=1))  # day 8 plus a second
    assert await forget_old(db, clock) == 2
    assert await stored(db) == [("telegram", 3)]


async def test_a_record_exactly_seven_days_old_is_kept(db: Database, clock: FixedClock) -> None:
    await mark_handled(db, clock, "telegram", 9)
    clock.advance(timedelta(days=7))
    assert await forget_old(db, clock) == 0
    assert await already_handled(db, "telegram", 9)
