"""A citizen who writes while an announcement goes out is answered before the announcement's
waiting messages, and the two together keep Telegram's rate.

The real Application and outbox; the outbox set to Telegram's whole rate, so the announcement
alone would take every moment the bot's rate limiter gives (on PostgreSQL, the shared budget).
Time is a FakeTimer's (the rate limiter's and the outbox's waits move it), read at every request
the offline Bot API receives.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from telegram.request import RequestData

from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.people import Person
from bot.messages import Notice
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.services.outbox import notify
from handlers.wiring.application import BURST, build_application
from tests.support.chat import Chats
from tests.support.clock import FakeTimer
from tests.support.offline import OfflineRequest

RECIPIENTS = range(70_000_001, 70_000_201)
CITIZEN = 60_000_001
RATE = 30


class TimedRequest(OfflineRequest):
    """The offline Bot API, noting the fake time of every message sent: (time, chat)."""

    def __init__(self, timer: FakeTimer) -> None:
        super().__init__()
        self._timer = timer
        self.sent: list[tuple[float, int]] = []
        self.paced = asyncio.Event()  # the burst spent: the announcement goes at the rate

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            self.sent.append((self._timer.now, int(request_data.parameters["chat_id"])))
            if len(self.sent) >= BURST + 10:
                self.paced.set()
        return await super().do_request(url, method, request_data)


async def _announce(services: Services) -> None:
    async with services.db.transaction() as conn:
        for r in RECIPIENTS:
            person = Person(r, TELEGRAM_CHANNEL, str(r), f"Dân {r}", datetime.now(UTC), "v1")
            notice = Notice("Thông báo lịch tiêm phòng")
            await notify(conn, person, notice, f"a:{r}", services.clock, bulk=True)


async def test_a_citizen_is_answered_before_the_announcement_waiting(services: Services) -> None:
    config = services.config
    fast = config.outbox.model_copy(update={"max_per_second": float(RATE)})
    services = Services(
        config=config.model_copy(update={"outbox": fast}), db=services.db, clock=services.clock
    )
    await sync_from_config(services.db, services.clock, services.config, TELEGRAM_CHANNEL)
    await _announce(services)
    timer = FakeTimer()
    request = TimedRequest(timer)
    app = build_application(services, request=request, timer=timer)
    async with app:
        chats = Chats(app, request)
        delivering = asyncio.ensure_future(app.bot_data.deliverer.deliver_due(len(RECIPIENTS)))
        await request.paced.wait()
        await chats.say(CITIZEN, "/start")
        sent = await delivering

    order = [chat for _, chat in request.sent]
    answered = order.index(CITIZEN)
    assert sent == len(RECIPIENTS), "the whole announcement went out"
    assert sorted(c for c in order if c in RECIPIENTS) == list(RECIPIENTS), "each once"
    assert answered < len(RECIPIENTS) // 2, "answered while most of the announcement waited"
    moments = [at for at, _ in request.sent]
    for first, at in enumerate(moments):
        within = sum(1 for later in moments[first:] if later < at + 1.0)
        assert within <= BURST + RATE, f"{within} messages in the second from {at}"
