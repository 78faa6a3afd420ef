"""The platform's overall rate shared by every process on one database (PostgreSQL).

Telegram allows a bot about 30 messages a second, whichever process sends them: each process
pacing itself at 30 would let N processes send 30·N. So on a shared database every send — the
outbox's and the handlers' direct replies — first reserves the next free moment in one row
(storage.send_budget), which moves on by one send's spacing each time, and waits for it. The
moments are wall-clock seconds, so the processes' machines must keep their clocks in sync
(NTP); a skew of a few milliseconds only shifts a send by as much.

A send the outbox has reserved for is marked `prepaid` while it is handed to the platform, so
the bot's rate limiter, which sees every request, does not reserve a second moment for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from storage import send_budget
from storage.database import Database

_prepaid: ContextVar[list[int] | None] = ContextVar("prepaid", default=None)


class WallTimer(Protocol):
    """Wall-clock seconds since the epoch, the same on every process's machine, and a wait;
    tests pass a virtual one."""

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SendBudget:
    """One channel's shared rate: `take` waits for this process's next moment to send."""

    def __init__(self, db: Database, channel: str, max_per_second: float, timer: WallTimer) -> None:
        if max_per_second <= 0:
            raise ValueError(f"impossible send rate: {max_per_second}")
        self._db = db
        self._channel = channel
        self._spacing = 1 / max_per_second
        self._timer = timer

    async def take(self, longest_wait: float = math.inf) -> bool:
        """Reserve the next moment and wait for it; False, with nothing reserved, when it is
        more than `longest_wait` seconds away."""
        now = self._timer.time()
        async with self._db.coordination() as conn:
            at = await send_budget.reserve(
                conn, self._channel, now, self._spacing, now + longest_wait
            )
        if at is None:
            return False
        if at > now:
            await self._timer.sleep(at - now)
        return True

    async def hold(self, seconds: float) -> None:
        """The platform asked to wait: no process sends on the channel for `seconds`."""
        async with self._db.coordination() as conn:
            await send_budget.hold(conn, self._channel, self._timer.time() + seconds)


@contextmanager
def prepaid() -> Iterator[None]:
    """Inside, the first request counted against a budget was reserved for already."""
    token = _prepaid.set([1])
    try:
        yield
    finally:
        _prepaid.reset(token)


def take_prepaid() -> bool:
    """Whether the current request was reserved for already (and then it no longer is)."""
    left = _prepaid.get()
    if not left or left[0] == 0:
        return False
    left[0] -= 1
    return True
