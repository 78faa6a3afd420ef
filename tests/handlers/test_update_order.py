"""Different people are handled at once, each person in order, and nothing is confirmed to
Telegram before it is handled: the real Application, fed through its own update queue."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler
from telegram.request import RequestData

from bot.domain.chats import TELEGRAM_CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.services.updates import already_handled
from bot.texts import t
from handlers.telegram.context import Context
from handlers.telegram.update_order import HandledBeforeConfirmed
from handlers.wiring.application import build_application
from handlers.wiring.routes import BAN_GROUP
from storage.rows import first
from tests.support.chat import Chats
from tests.support.clock import FakeTimer
from tests.support.offline import OfflineRequest

SLOW = 7001  # a citizen whose replies take long to reach Telegram
QUICK = 7002
CONSENT_QUESTION = "Ông/bà có đồng ý không?"


class SlowFor(OfflineRequest):
    """The offline Bot API, where every call for one chat waits until `release` is set."""

    def __init__(self, chat_id: int) -> None:
        super().__init__()
        self.chat_id = chat_id
        self.release = asyncio.Event()
        self.waiting = asyncio.Event()
        self.held = 0  # calls for the chat that were made and are waiting

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if str(params.get("chat_id")) == str(self.chat_id):
            self.waiting.set()
            self.held += 1
            await self.release.wait()
        return await super().do_request(url, method, request_data)


def texts_to(request: OfflineRequest, chat_id: int) -> list[str]:
    return [str(call.params.get("text", "")) for call in request.sent_to(chat_id)]


async def test_a_slow_citizen_holds_up_no_one_and_keeps_their_own_order(
    services: Services,
) -> None:
    await sync_from_config(services.db, services.clock, services.config, TELEGRAM_CHANNEL)
    request = SlowFor(SLOW)
    app = build_application(services, request=request, timer=FakeTimer())
    chats = Chats(app, request)
    queue = app.update_queue
    assert isinstance(queue, HandledBeforeConfirmed)

    def update(payload: dict[str, Any], update_id: int) -> Update:
        return Update.de_json({"update_id": update_id, **payload}, app.bot)

    async with app:
        await app.start()
        try:
            slow_start = update(chats.text_update(SLOW, "/start"), 1)
            slow_agrees = update(chats.text_update(SLOW, "đồng ý"), 2)
            quick_start = update(chats.text_update(QUICK, "/start"), 3)
            for arrived in (slow_start, slow_agrees, quick_start):
                await queue.put(arrived)  # as polling hands over one batch

            await asyncio.wait_for(queue.handled(quick_start), 5)
            await asyncio.sleep(0.1)  # room for the slow citizen's next update, were it let in
            assert request.held == 1, "their next update waits until the first is answered"
            assert CONSENT_QUESTION in texts_to(request, QUICK)[0]
            assert texts_to(request, SLOW) == []

            request.release.set()
            await asyncio.wait_for(queue.all_handled(), 5)
        finally:
            request.release.set()
            await app.stop()

    slow = texts_to(request, SLOW)
    assert CONSENT_QUESTION in slow[0], "the citizen's /start was answered first"
    assert CONSENT_QUESTION not in slow[-1], "then their typed 'đồng ý' was taken as consent"
    consent = await first(
        services.db.reader,
        "SELECT consent_at FROM people WHERE external_id = ? AND channel = ?",
        (str(SLOW), TELEGRAM_CHANNEL),
    )
    assert consent is not None
    assert consent["consent_at"] is not None


async def test_the_next_poll_waits_until_the_last_batch_is_handled(services: Services) -> None:
    """The offset of the next getUpdates confirms the last batch to Telegram: it must not go
    out while an update of that batch is still being handled."""
    await sync_from_config(services.db, services.clock, services.config, TELEGRAM_CHANNEL)
    request = SlowFor(SLOW)
    polls = OfflineRequest()
    app = build_application(services, request=request, get_updates_request=polls, timer=FakeTimer())
    chats = Chats(app, request)
    async with app:
        await app.start()
        try:
            batch = Update.de_json({"update_id": 50, **chats.text_update(SLOW, "/start")}, app.bot)
            await app.update_queue.put(batch)
            await asyncio.wait_for(request.waiting.wait(), 5)

            next_poll = asyncio.create_task(app.bot.get_updates(offset=51, timeout=0))
            await asyncio.sleep(0.2)
            assert not next_poll.done()
            assert [call.method for call in polls.calls] == []

            request.release.set()
            assert await asyncio.wait_for(next_poll, 5) == ()
            assert [call.method for call in polls.calls] == ["getUpdates"]
        finally:
            request.release.set()
            await app.stop()


async def test_an_update_whose_handler_fails_holds_up_no_one(services: Services) -> None:
    """A handler that raises on every update (a bug) goes to the error handler: the update is
    marked handled, the person is told, and neither the next poll nor their next update waits."""
    await sync_from_config(services.db, services.clock, services.config, TELEGRAM_CHANNEL)
    request, polls = OfflineRequest(), OfflineRequest()
    app = build_application(services, request=request, get_updates_request=polls, timer=FakeTimer())
    chats = Chats(app, request)

    async def broken(update: Update, context: Context) -> None:
        if update.effective_user is not None and update.effective_user.id == SLOW:
            raise RuntimeError("a handler's bug")

    app.add_handler(TypeHandler(Update, broken), group=BAN_GROUP - 1)  # before every other handler
    async with app:
        await app.start()
        try:
            for update_id, text in ((70, "/start"), (71, "/start")):
                update = Update.de_json(
                    {"update_id": update_id, **chats.text_update(SLOW, text)}, app.bot
                )
                await app.update_queue.put(update)
                assert await asyncio.wait_for(app.bot.get_updates(offset=update_id + 1), 5) == ()
        finally:
            await app.stop()

    assert texts_to(request, SLOW).count(t("error.busy")) == 2
    for update_id in (70, 71):
        assert await already_handled(services.db, TELEGRAM_CHANNEL, update_id)
