"""Many people talking to one Application at once, driven as python-telegram-bot's own loop
drives it: one update after another through `process_update`, every update timed.

Built on the test suite's `Chats` and `OfflineRequest`, with what a long run needs: a call is
forgotten once read (the chats themselves are kept, as their people see them: a tap presses the
lowest message with buttons, as a person would), so memory grows only with the messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter
from telegram.request import RequestData

from bench.stats import Stopwatch
from tests.support.chat import Chats
from tests.support.offline import SENDS, Call, OfflineRequest, Shown

_UPDATE_IDS = itertools.count(2_000_000_000)
EDITS = ("editMessageText", "editMessageReplyMarkup")


class Recorder(OfflineRequest):
    """The offline Bot API, keeping per chat what was sent to it and its lowest buttons."""

    def __init__(self, round_trip: float = 0.0) -> None:
        super().__init__()
        self.round_trip = round_trip  # seconds each call takes to reach Telegram and back
        self.texts: dict[int, list[str]] = defaultdict(list)
        self.buttons: dict[int, Shown] = {}  # chat -> its lowest message with buttons
        self.documents: Counter[int] = Counter()
        self.sends = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.round_trip:  # half the way there: the server sees the call now
            await asyncio.sleep(self.round_trip / 2)
        self.arrived(url.rsplit("/", 1)[-1], request_data)
        if self.round_trip:  # and half the way back
            await asyncio.sleep(self.round_trip / 2)
        answer = await super().do_request(url, method, request_data)
        call = self.calls.pop()
        if call.method in SENDS:
            self._keep(call)
        chat = call.params.get("chat_id")
        if chat is not None and call.method in (*SENDS, *EDITS):
            self._lowest_buttons(int(chat))
        return answer

    def arrived(self, method: str, request_data: RequestData | None) -> None:
        """The call reaches the server (half its round trip after it left)."""

    def _lowest_buttons(self, chat: int) -> None:
        shown = next((m for m in reversed(self.chats[chat].values()) if m.buttons), None)
        if shown is None:
            self.buttons.pop(chat, None)
        else:
            self.buttons[chat] = shown

    def _keep(self, call: Call) -> None:
        chat = int(call.params["chat_id"])
        self.sends += 1
        self.documents[chat] += call.method == "sendDocument"
        self.texts[chat].append(str(call.params.get("text") or call.params.get("caption") or ""))


class Crowd(Chats):
    """`Chats` whose every update is timed, and whose deliveries the Application itself starts
    (a running DurableApplication sends what an update queued right after it).

    Each update goes straight to `process_update`, one after another, but for those said inside
    `polled`, which arrive as one batch of polling.
    """

    def __init__(self, app: Any, request: Recorder) -> None:
        super().__init__(app, request)
        self.recorder = request
        self.stopwatch = Stopwatch()
        self._batch: list[Update] | None = None

    async def deliver(self, payload: dict[str, Any], update_id: int | None = None) -> list[Call]:
        data = {"update_id": update_id or next(_UPDATE_IDS), **payload}
        update = Update.de_json(data, self.app.bot)
        if self._batch is not None:
            self._batch.append(update)
            return []
        with self.stopwatch.timed():
            await self.app.process_update(update)
        return []

    @contextlib.asynccontextmanager
    async def polled(self, *, at_once: bool) -> AsyncIterator[None]:
        """The updates said inside arrive as one batch of polling, each timed from the poll to
        its end: the person's wait behind the others included. `at_once`: through the bot's
        own queue, different people at once, as it runs; otherwise one after another, as
        python-telegram-bot handles updates by default. The block ends once all are handled,
        as the next poll would."""
        self._batch = []
        try:
            yield
        finally:
            batch, self._batch = self._batch, None
        queue = self.app.update_queue
        polled = time.perf_counter()
        if not at_once:
            for update in batch:
                await self.app.process_update(update)
                self.stopwatch.samples.append(time.perf_counter() - polled)
            return
        for update in batch:
            await queue.put(update)
        await asyncio.gather(*(self._until_handled(queue, update, polled) for update in batch))

    async def _until_handled(self, queue: Any, update: Update, polled: float) -> None:
        await queue.handled(update)
        self.stopwatch.samples.append(time.perf_counter() - polled)

    async def tap(self, user_id: int, label: str) -> list[Call]:
        shown = self.recorder.buttons.get(user_id)
        data = next((d for text, d in shown.buttons if label in text), None) if shown else None
        if shown is None or data is None:
            raise AssertionError(f"{user_id}: no button {label!r} in {shown}")
        return await self.deliver(self.press_update(user_id, data, shown=shown))

    @property
    def updates(self) -> int:
        return len(self.stopwatch.samples)


def unpaced() -> AIORateLimiter:
    """The bot's rate limiter without the overall 30 a second: in process, with no Telegram to
    protect, that pacing would only measure Telegram's limit, not the bot."""
    return AIORateLimiter(overall_max_rate=0, max_retries=0)
