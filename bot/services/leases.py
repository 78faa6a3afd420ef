"""Holding a role (`bot.domain.leases`): take it when free, renew it while holding, start the
role's work when gained and stop it when lost.

On a database one process has to itself (SQLite) the process holds every role from the start,
without a row: there is nobody to share with. On a shared one each role's lease is a row
(`storage.leases`) written in coordination transactions, which never wait behind the use
cases' writes, so a busy moment cannot make a holder miss its renewal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.clock import Clock
from bot.domain.leases import RENEW_EVERY, RETRY_EVERY, Holding, until_of
from storage import leases
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
Work = Callable[[], Awaitable[None]]
FOREVER = datetime.max.replace(tzinfo=UTC)
T = TypeVar("T")


class RoleHolder:
    """One role for this process. `gained` starts the role's work, in a task of its own so a
    slow start (Telegram out of reach) never holds up the renewals; `lost` stops it, after
    cancelling a start still under way, so it must cope with a work half started."""

    def __init__(
        self, db: Database, clock: Clock, role: str, instance: str, *, gained: Work, lost: Work
    ) -> None:
        self.role = role
        self.instance = instance
        self.holding: Holding | None = None
        self.renewed_at: datetime | None = None
        self._db = db
        self._clock = clock
        self._gained = gained
        self._lost = lost
        self._work: asyncio.Task[None] | None = None
        self._keeping: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._db.shared:
            self._keeping = asyncio.create_task(self._keep(), name=f"lease-{self.role}")
            return
        self.holding = Holding(0, self._clock.now(), FOREVER)
        await self._gained()

    async def _keep(self) -> None:
        while True:
            wait = await self.step()
            await asyncio.sleep(wait.total_seconds())

    async def step(self) -> timedelta:
        """Take or renew once; how long until the next step."""
        now = self._clock.now()
        holding = self.holding
        if holding is None:
            generation = await self._try(self._take(now), RETRY_EVERY)
            if generation is None:
                return RETRY_EVERY
            self.holding, self.renewed_at = Holding(generation, now, until_of(now)), now
            _LOGGER.info("%s holds %s (generation %s)", self.instance, self.role, generation)
            self._work = asyncio.create_task(self._start_work(), name=f"gain-{self.role}")
            return RENEW_EVERY
        if now < holding.renew_at():
            return holding.renew_at() - now
        renewed = await self._try(self._renew(holding.generation, now), holding.give_up_at() - now)
        if renewed:
            self.holding, self.renewed_at = holding.renewed(now), now
            return RENEW_EVERY
        if renewed is False or holding.must_give_up(self._clock.now()):
            _LOGGER.warning("%s gives %s up (lease not renewed)", self.instance, self.role)
            await self._stop_work()
            return RETRY_EVERY
        return min(RETRY_EVERY, max(holding.give_up_at() - self._clock.now(), timedelta(0)))

    async def _try(self, act: Awaitable[T], within: timedelta) -> T | None:
        """The lease's statement, bounded in time: a database that hangs is one that fails."""
        try:
            async with asyncio.timeout(max(within.total_seconds(), 0.0)):
                return await act
        except Exception:
            _LOGGER.exception("the %s lease could not be reached", self.role)
            return None

    async def _take(self, now: datetime) -> int | None:
        async with self._db.coordination() as conn:
            return await leases.take(conn, self.role, self.instance, now)

    async def _renew(self, generation: int, now: datetime) -> bool:
        async with self._db.coordination() as conn:
            return await leases.renew(conn, self.role, self.instance, generation, now)

    async def _start_work(self) -> None:
        try:
            await self._gained()
        except Exception:
            _LOGGER.exception("%s could not start its %s work", self.instance, self.role)

    async def _stop_work(self) -> None:
        self.holding = None
        work, self._work = self._work, None
        if work is not None and not work.done():
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
        await self._lost()

    async def stop(self, *, release: bool) -> None:
        """Stop the role's work; with `release`, end the lease now so a standby takes over at
        its next try, else leave it to lapse as a killed process would."""
        keeping, self._keeping = self._keeping, None
        if keeping is not None:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping
        holding = self.holding
        if holding is None:
            return
        await self._stop_work()
        if release and self._db.shared:
            await self._try(self._release(holding.generation), RENEW_EVERY)

    async def _release(self, generation: int) -> None:
        async with self._db.coordination() as conn:
            now = self._clock.now()
            await leases.release(conn, self.role, self.instance, generation, now)
