"""A person's turn: one process's at a time, taken over once its holder stops renewing it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest

from bot.domain.turns import TURN_TIMES, TurnTimes
from bot.services import chats
from bot.services.turns import Turn, Turns, TurnUnavailableError
from storage import inbox
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.support.clock import FixedClock

PERSON = 6001
QUICK = TurnTimes(poll_every=timedelta(milliseconds=10))


def held(turns: Turns, patience: timedelta) -> AbstractAsyncContextManager[Turn[bool]]:
    """The turn of PERSON, waited for up to `patience`, with nothing else read as it is taken."""

    async def attempt() -> bool | None:
        return True if await turns.take(PERSON) else None

    return turns.opened(PERSON, patience, attempt)


async def holders(db: Database) -> list[tuple[object, ...]]:
    rows = await db.reader.execute_fetchall("SELECT person, held_by FROM turns ORDER BY person")
    return [tuple(row) for row in rows]


async def test_a_turn_is_one_process_s_until_it_gives_it_back(
    db: Database, clock: FixedClock
) -> None:
    first, second = Turns(db, clock, "a"), Turns(db, clock, "b")
    assert await first.take(PERSON)
    assert not await second.take(PERSON)
    assert await first.take(PERSON), "its own turn, renewed"
    assert await second.take(PERSON + 1), "another person's turn is free"
    await first.give_back(PERSON)
    assert await second.take(PERSON)
    assert await holders(db) == [(PERSON, "b"), (PERSON + 1, "b")]


async def test_a_turn_no_longer_renewed_lapses_and_is_taken_over(
    db: Database, clock: FixedClock
) -> None:
    dead, alive = Turns(db, clock, "dead"), Turns(db, clock, "alive")
    assert await dead.take(PERSON)
    clock.advance(TURN_TIMES.lease - timedelta(seconds=1))
    assert not await alive.take(PERSON)
    clock.advance(timedelta(seconds=1))
    assert await alive.take(PERSON)
    assert not await dead.renew(PERSON), "its turn is another's now"
    await dead.give_back(PERSON)
    assert await holders(db) == [(PERSON, "alive")], "giving back gives back only its own"


async def test_a_renewed_turn_outlives_its_first_lease(db: Database, clock: FixedClock) -> None:
    holder, waiter = Turns(db, clock, "a"), Turns(db, clock, "b")
    assert await holder.take(PERSON)
    clock.advance(TURN_TIMES.lease - timedelta(seconds=1))
    assert await holder.renew(PERSON)
    clock.advance(timedelta(seconds=2))
    assert not await waiter.take(PERSON)


async def test_a_turn_held_elsewhere_past_the_patience_is_unavailable(
    db: Database, clock: FixedClock
) -> None:
    assert await Turns(db, clock, "a").take(PERSON)
    waiter = Turns(db, clock, "b", QUICK)
    handled: list[int] = []
    with pytest.raises(TurnUnavailableError):
        async with held(waiter, timedelta(milliseconds=100)):
            handled.append(PERSON)
    assert handled == []
    assert await holders(db) == [(PERSON, "a")]


async def test_a_turn_is_given_back_when_the_handling_fails(
    db: Database, clock: FixedClock
) -> None:
    turns = Turns(db, clock, "a")
    seen: list[list[tuple[object, ...]]] = []

    async def handle() -> None:
        async with held(turns, timedelta(0)):
            seen.append(await holders(db))
            raise RuntimeError("a handler failed")

    with pytest.raises(RuntimeError):
        await handle()
    assert seen == [[(PERSON, "a")]]
    assert await holders(db) == []


async def test_a_waiter_has_the_turn_once_it_is_given_back(db: Database, clock: FixedClock) -> None:
    holder, waiter = Turns(db, clock, "a"), Turns(db, clock, "b", QUICK)
    assert await holder.take(PERSON)
    seen: list[list[tuple[object, ...]]] = []

    async def wait() -> None:
        async with held(waiter, timedelta(minutes=5)):
            seen.append(await holders(db))

    waiting = asyncio.create_task(wait())
    await asyncio.sleep(0.05)
    assert not waiting.done(), "the turn is held and never lapses on a clock that stands"
    await holder.give_back(PERSON)
    await waiting
    assert seen == [[(PERSON, "b")]]
    assert await holders(db) == [], "given back as the block ended"


async def test_a_turn_given_back_in_a_unit_is_not_given_back_again(
    db: Database, clock: FixedClock
) -> None:
    turns, other = Turns(db, clock, "a"), Turns(db, clock, "b")
    async with held(turns, timedelta(0)) as turn:
        await turn.stop_keeping()
        await db.unit(turn.give_back_in)
        turn.given_back()
        assert await other.take(PERSON), "free the moment the unit committed"
    assert await holders(db) == [(PERSON, "b")]


@POSTGRESQL_ONLY
async def test_of_processes_taking_one_turn_at_the_same_moment_one_has_it(
    db: Database, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    others = [await reopen() for _ in range(3)]
    try:
        takers = [
            Turns(handle, clock, f"p{index}-{copy}")
            for index, handle in enumerate([db, *others])
            for copy in range(4)
        ]
        taken = await asyncio.gather(*(taker.take(PERSON) for taker in takers))
    finally:
        for other in others:
            await other.close()
    assert taken.count(True) == 1
    [(_, holder)] = await holders(db)
    assert holder == takers[taken.index(True)].instance


@POSTGRESQL_ONLY
async def test_one_zalo_event_reaching_processes_at_the_same_moment_is_one_inbox_row(
    db: Database, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    others = [await reopen() for _ in range(3)]
    try:
        arrivals = await asyncio.gather(
            *(
                chats.arrive(handle, clock, "zalo", "user_send_text:m-1", '{"n": 1}')
                for handle in [db, *others] * 2
            )
        )
    finally:
        for other in others:
            await other.close()
    assert len({arrival.update_id for arrival in arrivals}) == 1
    rows = await db.reader.execute_fetchall("SELECT event_key, payload FROM inbox")
    assert [tuple(row) for row in rows] == [("user_send_text:m-1", '{"n": 1}')]


@POSTGRESQL_ONLY
async def test_inbox_rows_are_one_per_event_without_the_write_order(
    db: Database, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    """The upsert alone, in transactions that run at once (no WRITE_LOCK): the conflicting
    insert waits for the first one's commit, then returns its row."""
    others = [await reopen() for _ in range(3)]

    async def receive(handle: Database) -> int:
        async with handle.coordination() as conn:
            arrival = await inbox.receive(conn, "zalo", "user_send_text:m-2", "{}", clock.now())
            return arrival.update_id

    try:
        ids = await asyncio.gather(*(receive(handle) for handle in [db, *others] * 2))
    finally:
        for other in others:
            await other.close()
    assert len(set(ids)) == 1
    rows = await db.reader.execute_fetchall("SELECT count(*) FROM inbox")
    assert [tuple(row) for row in rows] == [(1,)]
