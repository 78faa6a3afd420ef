"""Holding a role through its lease: two processes on one PostgreSQL database (two handles, one
clock moved by hand) compete, one wins, the other takes over once the lease lapses or is
released, and a holder that was taken over can neither renew nor go on working."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.domain.leases import RENEW_EVERY, TTL
from bot.services.leases import RoleHolder
from storage import leases
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY, SQLITE_ONLY
from tests.support.clock import FixedClock

ROLE = "scheduler"


class Process:
    """One process's holder of the role, and the work the role started and stopped."""

    def __init__(self, db: Database, clock: FixedClock, instance: str) -> None:
        self.db = db
        self.working: list[str] = []
        self.holder = RoleHolder(db, clock, ROLE, instance, gained=self._gained, lost=self._lost)

    async def _gained(self) -> None:
        self.working.append("started")

    async def _lost(self) -> None:
        self.working.append("stopped")

    async def step(self) -> None:
        await self.holder.step()
        await asyncio.sleep(0)  # the role's work starts in a task of its own


@pytest.fixture
async def two(
    db: Database, reopen: Callable[[], Awaitable[Database]], clock: FixedClock
) -> AsyncIterator[tuple[Process, Process]]:
    other = await reopen()
    yield Process(db, clock, "xa-a"), Process(other, clock, "xa-b")
    await other.close()


async def holder(db: Database) -> tuple[str, int] | None:
    async with db.coordination() as conn:
        lease = await leases.find(conn, ROLE)
    return None if lease is None else (lease.held_by, lease.generation)


@SQLITE_ONLY
async def test_alone_on_sqlite_a_process_holds_the_role_without_a_lease(
    db: Database, clock: FixedClock
) -> None:
    alone = Process(db, clock, "xa-a")
    await alone.holder.start()
    assert alone.working == ["started"]
    assert await holder(db) is None
    await alone.holder.stop(release=True)
    assert alone.working == ["started", "stopped"]
    assert await holder(db) is None


@POSTGRESQL_ONLY
async def test_one_wins_and_the_other_takes_over_once_the_lease_lapses(
    two: tuple[Process, Process], clock: FixedClock, db: Database
) -> None:
    a, b = two
    await a.step()
    await b.step()
    assert (a.working, b.working) == (["started"], [])
    assert await holder(db) == ("xa-a", 1)

    for _ in range(3):  # renewed on time, a keeps it however long b tries
        clock.advance(RENEW_EVERY)
        await a.step()
        await b.step()
    assert (a.working, b.working) == (["started"], [])

    clock.advance(TTL)  # a stalled: its lease lapsed
    await b.step()
    assert await holder(db) == ("xa-b", 2)
    assert b.working == ["started"]

    await a.step()  # a stale holder cannot renew, and stops its work at once
    assert a.working == ["started", "stopped"]
    assert a.holder.holding is None
    assert await holder(db) == ("xa-b", 2)


@POSTGRESQL_ONLY
async def test_a_released_role_is_taken_at_the_next_try(
    two: tuple[Process, Process], db: Database
) -> None:
    a, b = two
    await a.step()
    await b.step()
    await a.holder.stop(release=True)
    assert a.working == ["started", "stopped"]
    await b.step()
    assert b.working == ["started"]
    assert await holder(db) == ("xa-b", 2)


@POSTGRESQL_ONLY
async def test_a_holder_that_cannot_renew_gives_the_role_up_before_it_may_be_taken(
    two: tuple[Process, Process], clock: FixedClock
) -> None:
    a, b = two
    await a.step()
    assert a.holder.holding is not None
    await a.db.close()  # a's database out of reach: renewals fail
    clock.advance(RENEW_EVERY)
    await a.step()
    assert a.working == ["started"]  # one failed renewal is not yet the end
    clock.advance(a.holder.holding.give_up_at() - clock.now())
    await a.step()
    assert a.working == ["started", "stopped"]
    await b.step()
    assert b.working == []  # the lease has not lapsed yet: nobody works meanwhile
    clock.advance(TTL)
    await b.step()
    assert b.working == ["started"]
    assert await holder(b.db) == ("xa-b", 2)


@POSTGRESQL_ONLY
async def test_a_stale_generation_cannot_renew_nor_release(db: Database, clock: FixedClock) -> None:
    async with db.coordination() as conn:
        first = await leases.take(conn, ROLE, "xa-a", clock.now())
    clock.advance(TTL)
    async with db.coordination() as conn:
        second = await leases.take(conn, ROLE, "xa-b", clock.now())
        assert (first, second) == (1, 2)
        assert not await leases.renew(conn, ROLE, "xa-a", 1, clock.now())
        await leases.release(conn, ROLE, "xa-a", 1, clock.now())
        assert await leases.take(conn, ROLE, "xa-c", clock.now()) is None
        assert await leases.renew(conn, ROLE, "xa-b", 2, clock.now())
