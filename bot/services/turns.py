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
from collections.abc import AsyncIterator
from datetime import timedelta

from bot.clock import Clock
from bot.domain.turns import TURN_TIMES, TurnTimes
from storage import turns
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


class TurnUnavailableError(Exception):
    """Another process kept the person's turn longer than the update could wait."""


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
        now = self._clock.now()
        async with self._db.coordination() as conn:
            return await turns.take(conn, person, self.instance, now, self.times.held_until(now))

    async def wait_for(self, person: int, patience: timedelta) -> bool:
        """Take the turn, looking again every `poll_every` for up to `patience`."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + patience.total_seconds()
        while not await self.take(person):
            if loop.time() >= give_up:
                return False
            await asyncio.sleep(self.times.poll_every.total_seconds())
        return True

    async def renew(self, person: int) -> bool:
        async with self._db.coordination() as conn:
            return await turns.renew(
                conn, person, self.instance, self.times.held_until(self._clock.now())
            )

    async def give_back(self, person: int) -> None:
        async with self._db.coordination() as conn:
            await turns.give_back(conn, person, self.instance)

    @contextlib.asynccontextmanager
    async def held(self, person: int, patience: timedelta) -> AsyncIterator[None]:
        """The person's turn for the block: waited for (TurnUnavailableError after
        `patience`), renewed while the block runs, given back when it ends however it ends."""
        if not await self.wait_for(person, patience):
            raise TurnUnavailableError(f"the turn of {person} is held by another process")
        keeping = asyncio.get_running_loop().create_task(self._keep(person))
        try:
            yield
        finally:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping
            await self.give_back(person)

    async def _keep(self, person: int) -> None:
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
