"""A clock tests can set and move, and a timer whose waits take no time."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta


class FixedClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 28, 2, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class FakeTimer:
    """A monotonic time source for the outbox's limits: sleeping moves it instead of waiting."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)

    async def within(self, task: asyncio.Future[None], seconds: float) -> bool:
        """Waits for `task` whatever it takes: only sleeping moves this time."""
        await asyncio.wait((task,))
        return True


class VirtualTimer:
    """Virtual time shared by several tasks (processes, in a test): it moves on to the earliest
    wake-up only once every task taking part sleeps, as if each sleep took exactly its time and
    everything else took none. A send is then seen at the very moment it was paced to, whichever
    task sent it, so the pace of all the tasks together can be measured exactly.

    Each task taking part calls `leave` when it is done, so the others' time moves on.
    """

    def __init__(self, parties: int, start: float = 1000.0) -> None:
        self.now = start
        self._parties = parties
        self._sleeping: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        entry = (self.now + max(seconds, 0.0), next(self._order), woken)
        heapq.heappush(self._sleeping, entry)
        self._move_on()
        try:
            await woken
        except asyncio.CancelledError:
            if entry in self._sleeping:  # a task no longer sleeping holds no time back
                self._sleeping.remove(entry)
                heapq.heapify(self._sleeping)
            raise

    async def within(self, task: asyncio.Future[None], seconds: float) -> bool:
        """Waits for `task` up to `seconds` of this time. A task done without waiting takes
        none: the time moves on only if it is still going once it had its turn."""
        await asyncio.sleep(0)
        if task.done():
            return True
        sleeping = asyncio.ensure_future(self.sleep(seconds))
        await asyncio.wait((task, sleeping), return_when=asyncio.FIRST_COMPLETED)
        sleeping.cancel()
        await asyncio.wait((sleeping,))
        return task.done()

    def leave(self) -> None:
        self._parties -= 1
        self._move_on()

    def _move_on(self) -> None:
        if self._sleeping and len(self._sleeping) >= self._parties:
            at, _, woken = heapq.heappop(self._sleeping)
            self.now = max(self.now, at)
            woken.set_result(None)


class TimerClock:
    """A clock that reads a timer's (virtual) wall-clock seconds."""

    def __init__(self, timer: VirtualTimer) -> None:
        self._timer = timer

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._timer.time(), UTC)
