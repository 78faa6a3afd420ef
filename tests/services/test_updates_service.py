"""An update handled once is remembered for a week, per channel, and then forgotten."""

from __future__ import annotations

from datetime import timedelta

from bot.services import chats
from bot.services.updates import UpdateLog, already_handled, forget_old, mark_handled
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


async def nothing(conn: object) -> None:
    """No draft changed."""


async def test_the_log_knows_each_update_handled(db: Database, clock: FixedClock) -> None:
    log = UpdateLog(db, clock)
    assert not await log.handled("telegram", 500)
    await log.mark("telegram", 500, nothing)
    await log.mark("telegram", 502, nothing)
    assert await log.handled("telegram", 500)
    assert await log.handled("telegram", 502)
    assert not await log.handled("telegram", 501)  # below the newest, yet never handled
    assert not await log.handled("telegram", 503)
    assert not await log.handled("zalo", 500)
    assert await stored(db) == [("telegram", 500), ("telegram", 502)]


async def test_after_a_restart_updates_redelivered_in_any_order_are_known(
    db: Database, clock: FixedClock
) -> None:
    before = UpdateLog(db, clock)
    for update_id in (700, 702):
        await before.mark("telegram", update_id, nothing)
    await before.mark("zalo", 900, nothing)

    after = UpdateLog(db, clock)  # a new process on the same database
    assert not await after.handled("telegram", 701)  # out of order (a webhook's connections)
    await after.mark("telegram", 701, nothing)
    assert await after.handled("telegram", 702)
    assert await after.handled("telegram", 700)
    assert not await after.handled("telegram", 703)
    assert await after.handled("zalo", 900)
    assert not await after.handled("zalo", 901)


async def test_a_zalo_event_arriving_twice_is_one_row_and_known_once_handled(
    db: Database, clock: FixedClock
) -> None:
    first = await chats.arrive(db, clock, "zalo", "msg-41", '{"text": "alo"}')
    again = await chats.arrive(db, clock, "zalo", "msg-41", '{"text": "alo"}')
    assert (again.update_id, again.payload, again.handled) == (
        first.update_id,
        first.payload,
        False,
    )
    await mark_handled(db, clock, "zalo", first.update_id)
    assert (await chats.arrive(db, clock, "zalo", "msg-41", "{}")).handled
    assert await chats.waiting(db, "zalo") == []
