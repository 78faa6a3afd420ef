"""Who goes first when sends wait for the platform's rate: a person waiting for the bot's answer.

Every request to a chat counts against Telegram's 30 a second, the handlers' replies and the
outbox's notices alike. While an announcement goes out to thousands, a citizen who just tapped a
button must not wait behind it: the outbox marks its sends as background (`background`), and
`SendOrder` gives each moment to a waiting reply before any background send. It also keeps a few
moments of the burst (`reserve`) that background sends never take, so a reply that comes while
the outbox sends finds a moment at once.

The moments themselves: a token bucket of `rate` a second holding up to `burst`. Not a full
second's worth: Telegram counts the requests as they arrive, a little later and less evenly than
they leave, and a bucket as large as its own would let a burst that left within the limit arrive
beyond it (a 429). With `rate` None the moments are someone else's (the budget shared by the
processes on one database, bot.services.send_budget): then SendOrder only holds background sends
back while a reply of this process waits for its moment (`urgent`).

python-telegram-bot's AIORateLimiter (aiolimiter) serves its waiters first come, first served,
with no notion of priority; hence this small gate of our own.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import Protocol

_ROUNDING = 1e-9  # the bucket's sums of float seconds lose this much: a token is a token
_background: ContextVar[bool] = ContextVar("background", default=False)


class Timer(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Inside, requests are sent after every reply that waits (the outbox's sends)."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def in_background() -> bool:
    return _background.get()


class SendOrder:
    """Moments to send, given to waiting replies before background sends."""

    def __init__(
        self, timer: Timer, rate: float | None, *, burst: int = 1, reserve: int = 0
    ) -> None:
        if rate is not None and (rate <= 0 or burst < 1 or not 0 <= reserve < burst):
            raise ValueError(f"impossible send order: {rate}/s, burst {burst}, reserve {reserve}")
        self._timer = timer
        self._paced = rate is not None
        self._rate = rate or 0.0
        self._burst = burst
        self._reserve = reserve
        self._tokens = float(burst)
        self._at = timer.monotonic()
        self._waiting: dict[bool, deque[asyncio.Future[None]]] = {True: deque(), False: deque()}
        self._urgent = 0  # replies waiting for a moment elsewhere (`urgent`)
        self._calm = asyncio.Event()  # no reply waits
        self._calm.set()
        self._server: asyncio.Task[None] | None = None

    async def turn(self, urgent: bool) -> None:
        """Wait for this request's moment: a reply's comes before any background send's."""
        if not self._paced:
            if not urgent:
                await self._calm.wait()
            return
        queue = self._waiting[urgent]
        if not self._waiting[True] and not queue and self._take(urgent):
            return
        moment = asyncio.get_running_loop().create_future()
        queue.append(moment)
        self._changed()
        try:
            await moment
        except asyncio.CancelledError:
            if moment in queue:
                queue.remove(moment)
                self._changed()
            elif not moment.cancelled():  # given a moment it will not use: back to the bucket
                self._tokens = min(self._burst, self._tokens + 1)
            raise

    @contextlib.asynccontextmanager
    async def urgent(self) -> AsyncIterator[None]:
        """A reply waiting for its moment elsewhere: background sends wait meanwhile."""
        self._urgent += 1
        self._changed()
        try:
            yield
        finally:
            self._urgent -= 1
            self._changed()

    async def after_replies(self) -> None:
        """Wait until no reply of this process waits (a background send about to take its
        moment elsewhere)."""
        await self._calm.wait()

    def _changed(self) -> None:
        if self._urgent or self._waiting[True]:
            self._calm.clear()
        else:
            self._calm.set()
        if (self._waiting[True] or self._waiting[False]) and (
            self._server is None or self._server.done()
        ):
            self._server = asyncio.ensure_future(self._serve())

    def _take(self, urgent: bool) -> bool:
        now = self._timer.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens + _ROUNDING < self._need(urgent):
            return False
        self._tokens = max(self._tokens - 1, 0.0)
        return True

    def _need(self, urgent: bool) -> int:
        return 1 + (0 if urgent else self._reserve)

    async def _serve(self) -> None:
        """Hand out the moments as the bucket refills, replies first; one token's wait at a
        time, so a reply that comes meanwhile is next."""
        while True:
            for queue in self._waiting.values():
                while queue and queue[0].done():  # cancelled while waiting
                    queue.popleft()
            urgent = bool(self._waiting[True])
            queue = self._waiting[urgent]
            if not queue:
                self._changed()
                return
            if self._take(urgent):
                queue.popleft().set_result(None)
                self._changed()
                continue
            # Until the next whole token: a reply coming meanwhile may need no more.
            next_whole = min(math.floor(self._tokens + _ROUNDING) + 1, self._need(urgent))
            await self._timer.sleep(max(next_whole - self._tokens, 0.0) / self._rate)
