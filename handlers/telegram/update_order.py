"""The order in which updates are handled, and when they are confirmed to Telegram.

Handled strictly one after another, as python-telegram-bot does by default, every person waits
for every other person's round trips to Telegram (a tap costs three Bot API calls): with 100 ms
a call, thirty citizens filing at once waited up to 9 s for each answer (BENCHMARKS.md, the
network part). Different people's updates are therefore handled at once; one person's still
one after another, in the order they came, since each step of a conversation depends on the
one before.

And nothing is confirmed before it is handled: Telegram takes the offset of the next getUpdates
(or the answer to its webhook post) as confirmation, and never delivers a confirmed update
again, so one confirmed while being handled would be lost to a `kill -9`.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest

from handlers.telegram.metrics import FAILED, Metrics
from handlers.telegram.passing_request import PassingRequest

# Several times a getUpdates batch (100) and Telegram's webhook connections (40), so that one
# person's queued updates, waiting for their turn, never keep others from being handled.
AT_ONCE = 256


def person_of(update: object) -> int | None:
    """Whose turn an update waits for: its sender's (the chat's when there is no sender)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


class OnePersonAtATime(BaseUpdateProcessor):
    """Different people's updates at once; each person's in the order they came; each
    counted in `metrics` once handled, timed from its turn."""

    def __init__(
        self, max_concurrent_updates: int = AT_ONCE, *, metrics: Metrics | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics
        self._turns: dict[int | None, asyncio.Lock] = {}
        self._queued: Counter[int | None] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = person_of(update)
        turn = self._turns.setdefault(person, asyncio.Lock())  # FIFO: arrival order is kept
        self._queued[person] += 1
        try:
            async with turn:
                await self._handle(update, person, coroutine)
        finally:
            self._queued[person] -= 1
            if not self._queued[person]:
                del self._queued[person], self._turns[person]

    async def _handle(self, update: object, person: int | None, coroutine: Awaitable[Any]) -> None:
        if self._metrics is None:
            await coroutine
            return
        start = time.perf_counter()
        try:
            await coroutine
        except BaseException:
            self._metrics.mark(update, FAILED)
            raise
        finally:
            self._metrics.handled(update, person, time.perf_counter() - start)

    @property
    def people(self) -> frozenset[int | None]:
        """Whose updates are being handled or wait for their turn."""
        return frozenset(self._queued)

    async def initialize(self) -> None:
        """Nothing to set up: turns are made as people write."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates being handled before shutting down."""


class LeftUnhandledError(Exception):
    """The update was not handled and not found handled (another process kept its person's
    turn): its poster should deliver it again later."""


class HandledBeforeConfirmed(asyncio.Queue[object]):
    """The queue between the receivers and the Application, which knows what is unhandled.

    With polling, `put` returns at once, so a whole getUpdates batch is handled together, and
    the next getUpdates waits for it (`ConfirmAfterHandled`). With a webhook, each post waits
    for its own update, since answering the post confirms it, and hears when it was left
    unhandled. Zalo's updates are confirmed by the inbox instead (handlers.zalo.channel) and
    come in through `hand_over`.
    """

    def __init__(self, *, answer_after_handled: bool = False) -> None:
        super().__init__()
        self._answer_after_handled = answer_after_handled
        self._unhandled: dict[int, asyncio.Future[bool]] = {}

    async def put(self, item: object) -> None:
        """Queue `item`; with a webhook, wait until it is handled, or raise LeftUnhandledError."""
        if not isinstance(item, Update):  # PTB's own signals, such as the one to stop
            await super().put(item)
            return
        self._unhandled[id(item)] = asyncio.get_running_loop().create_future()
        await super().put(item)
        if self._answer_after_handled and not await self.handled(item):
            raise LeftUnhandledError(f"update {item.update_id} was left for a later delivery")

    def answered_on_handling(self, item: object) -> bool:
        """Whether a poster waits for `item` to be handled: a webhook post, which must be
        answered before the platform gives up on it."""
        return self._answer_after_handled and id(item) in self._unhandled

    async def hand_over(self, item: object) -> None:
        """Queue an update whose confirmation is kept elsewhere; never waits for it."""
        await super().put(item)

    async def handled(self, item: object) -> bool:
        """Wait until `item`, put before, is done with: True when it was handled (or found
        handled before), False when it was left for a later delivery."""
        waiting = self._unhandled.get(id(item))
        return True if waiting is None else await asyncio.shield(waiting)

    def finished(self, item: object, *, handled: bool = True) -> None:
        """Called once `item` is handled (or found handled before), or left unhandled."""
        waiting = self._unhandled.pop(id(item), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(handled)

    async def all_handled(self) -> None:
        """Wait for what was put so far; what is put meanwhile is not waited for."""
        waiting = list(self._unhandled.values())
        if waiting:
            await asyncio.wait(waiting)


class ConfirmAfterHandled(PassingRequest):
    """The request getUpdates goes through: each poll waits until the last one's updates are
    handled, since its offset confirms them to Telegram."""

    def __init__(
        self,
        inner: BaseRequest,
        queue: HandledBeforeConfirmed,
        *,
        on_poll: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(inner)
        self._queue = queue
        self._on_poll = on_poll

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        await self._queue.all_handled()
        answer = await super().do_request(url, method, *args, **kwargs)
        if self._on_poll is not None:
            self._on_poll()
        return answer
