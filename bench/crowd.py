"""Many people talking to one Application at once, driven as python-telegram-bot's own loop
drives it: one update after another through `process_update`, every update timed.

Built on the test suite's `Chats` and `OfflineRequest`, with what a long run needs: each chat's
last buttons are kept as they arrive (a tap does not search every call ever made), and a call
is forgotten once read, so memory stays flat over tens of thousands of updates.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter
from telegram.request import RequestData

from bench.stats import Stopwatch
from tests.support.chat import Chats
from tests.support.offline import SENDS, Call, OfflineRequest

_UPDATE_IDS = itertools.count(2_000_000_000)


class Recorder(OfflineRequest):
    """The offline Bot API, keeping per chat what was sent to it and its latest buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[int, list[str]] = defaultdict(list)
        self.buttons: dict[int, list[tuple[str, str]]] = {}
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
        answer = await super().do_request(url, method, request_data)
        call = self.calls.pop()
        if call.method in SENDS:
            self._keep(call)
        return answer

    def _keep(self, call: Call) -> None:
        chat = int(call.params["chat_id"])
        self.sends += 1
        self.documents[chat] += call.method == "sendDocument"
        self.texts[chat].append(str(call.params.get("text") or call.params.get("caption") or ""))
        markup = call.params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup or {}
        rows = markup.get("inline_keyboard") or []
        if rows:
            self.buttons[chat] = [(b["text"], b.get("callback_data", "")) for r in rows for b in r]


class Crowd(Chats):
    """`Chats` whose every update is timed, and whose deliveries the Application itself starts
    (a running DurableApplication sends what an update queued right after it)."""

    def __init__(self, app: Any, request: Recorder) -> None:
        super().__init__(app, request)
        self.recorder = request
        self.stopwatch = Stopwatch()

    async def deliver(self, payload: dict[str, Any], update_id: int | None = None) -> list[Call]:
        data = {"update_id": update_id or next(_UPDATE_IDS), **payload}
        update = Update.de_json(data, self.app.bot)
        with self.stopwatch.timed():
            await self.app.process_update(update)
        return []

    async def tap(self, user_id: int, label: str) -> list[Call]:
        shown = self.recorder.buttons.get(user_id, [])
        data = next((d for text, d in shown if label in text), None)
        if data is None:
            raise AssertionError(f"{user_id}: no button {label!r} in {shown}")
        return await self.press(user_id, data)

    @property
    def updates(self) -> int:
        return len(self.stopwatch.samples)


def unpaced() -> AIORateLimiter:
    """The bot's rate limiter without the overall 30 a second: in process, with no Telegram to
    protect, that pacing would only measure Telegram's limit, not the bot."""
    return AIORateLimiter(overall_max_rate=0, max_retries=0)
