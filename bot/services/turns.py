"""A person's turn across processes: taken before their update is handled, renewed while it
is, given back after (bot.domain.turns, storage.turns).

The turn rows are coordination rows (`Database.coordination`): taking one never waits behind
the use cases' writes, and waiting for one is polling, since the holder gives it back with a
plain delete. The wait is measured on the event loop's clock; whether a turn lapsed, on the
process clock that writes `held_until` (processes on several machines keep it NTP-synced).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Generic, TypeVar

from bot.clock import Clock
from bot.domain.turns import TURN_TIMES, TurnTimes
from storage import turns
from storage.connection import Connection, Later
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")


class TurnUnavailableError(Exception):
    """Another process kept the person's turn longer than the update could wait."""


class Turn(Generic[T]):
    """A person's turn this process holds, what was read as it was taken (`opened`), and the
    task that renews it meanwhile."""

    def __init__(self, turns: Turns, person: int, opened: T) -> None:
        self.person = person
        self.opened = opened
        self._turns = turns
        self._keeping = asyncio.get_running_loop().create_task(turns.keep(person))
        self._given_back = False

    async def stop_keeping(self) -> None:
        self._keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._keeping

    async def give_back_in(self, conn: Connection) -> None:
        """Gives the turn back in the caller's unit (the one that marks the update handled), so
        the next update sees the mark the moment it can take the turn, and no round trip of its
        own is spent on it. `given_back` once that unit committed."""
        await turns.give_back(conn, self.person, self._turns.instance)

    def given_back(self) -> None:
        self._given_back = True

    async def end(self) -> None:
        await self.stop_keeping()
        if not self._given_back:
            await self._turns.give_back(self.person)


class Turns:
    """This process's (`instance`) side of every person's turn."""

    def __init__(
        self, db: Database, clock: Clock, instance: str, times: TurnTimes = TURN_TIMES
    ) -> None:
        self.instance = instance
        self.times = times
        self._db = db
        self._clock = clock

    async def take(self, person: int) -> bool:
        """Once, without waiting: True when this process now holds the person's turn."""
        async with self._db.coordination() as conn:
            taken = await self.take_in(conn, person)
        return await taken.value()

    async def take_in(self, conn: Connection, person: int) -> Later[bool]:
        """`take` in the caller's coordination transaction, its answer read along with the
        statements queued after it (which run after it, so see what it took)."""
        now = self._clock.now()
        return await turns.take_later(conn, person, self.instance, now, self.times.held_until(now))

    async def _waited(
        self, attempt: Callable[[], Awaitable[T | None]], patience: timedelta
    ) -> T | None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + patience.total_seconds()
        while (found := await attempt()) is None:
            if loop.time() >= give_up:
                return None
            await asyncio.sleep(self.times.poll_every.total_seconds())
        return found

    async def renew(self, person: int) -> bool:
        async with self._db.coordination() as conn:
            return await turns.renew(
                conn, person, self.instance, self.times.held_until(self._clock.now())
            )

    async def give_back(self, person: int) -> None:
        async with self._db.coordination() as conn:
            await turns.give_back(conn, person, self.instance)

    @contextlib.asynccontextmanager
    async def opened(
        self, person: int, patience: timedelta, attempt: Callable[[], Awaitable[T | None]]
    ) -> AsyncIterator[Turn[T]]:
        """The person's turn for the block, taken by `attempt`, which takes it along with
        whatever else it reads in the same transaction (`take_in`) and returns that, or None
        when another process holds the turn; tried again every `poll_every`, and after
        `patience` TurnUnavailableError. Renewed while the block runs. The block may give the
        turn back in a unit of its own (`Turn.give_back_in`); else it is given back as the
        block ends, however it ends."""
        opened = await self._waited(attempt, patience)
        if opened is None:
            raise TurnUnavailableError(f"the turn of {person} is held by another process")
        turn = Turn(self, person, opened)
        try:
            yield turn
        finally:
            await turn.end()

    async def keep(self, person: int) -> None:
        """Renews the person's turn every `renew_every` until cancelled or lapsed."""
        while True:
            await asyncio.sleep(self.times.renew_every.total_seconds())
            try:
                kept = await self.renew(person)
            except Exception:
                # The database may be back before the lease runs out: try again next time.
                _LOGGER.exception("the turn of %s could not be renewed", person)
                continue
            if not kept:
                # Only a process stalled for a whole lease gets here; what it does now may
                # race the new holder's, which is why the lease is long.
                _LOGGER.error("the turn of %s lapsed while its update was handled", person)
                return
