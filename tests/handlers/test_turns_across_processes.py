"""Two processes on one PostgreSQL database, each a real Application: an update handed to both
is handled once, and one person's conversation goes on whichever process receives each step."""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Update

from bot.config import ZALO_TOKEN_ENV, Config, load_config
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.turns import TURN_TIMES, TurnTimes
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.services.turns import Turns
from handlers.telegram.context import App
from handlers.telegram.quarantine import QuarantiningBot
from handlers.telegram.webhook import SECRET_HEADER, TelegramWebhook
from handlers.wiring.application import build_application
from handlers.zalo.channel import PICK_UP_EVERY
from localapi.zalo import ZaloApiEmulator
from storage.backends import open_database
from storage.database import Database
from tests.conftest import ENVIRON, POSTGRESQL, POSTGRESQL_ONLY
from tests.handlers.test_casework_flow import CITIZEN as RATING_CITIZEN
from tests.handlers.test_casework_flow import resolved
from tests.handlers.test_citizen_flow import rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import Call, OfflineRequest
from tests.support.zalo import ZALO_TOKEN, zalo_channel

pytestmark = POSTGRESQL_ONLY
CITIZEN = 6201
CONTENT = "Đèn đường ngõ 5 thôn Đông tắt cả tuần, tối đi lại rất nguy hiểm."
SECRET = "bi-mat-cua-xa-123"
ZALO_CITIZEN = "zalo-dan-1"


@dataclass
class Process:
    app: App
    request: OfflineRequest
    chats: Chats


def receipts(*processes: Process) -> list[str]:
    return [
        str(call.params["text"])
        for process in processes
        for call in process.request.sent_to(CITIZEN)
        if "Mã hồ sơ:" in str(call.params.get("text", ""))
    ]


@pytest.fixture
async def processes(
    services: Services, reopen: Callable[[], Awaitable[Database]]
) -> AsyncIterator[tuple[Process, Process]]:
    """Two Applications on the same database, through handles of their own, both started
    before anyone writes: neither learns from memory what the other did."""
    await sync_from_config(services.db, services.clock, services.config, TELEGRAM_CHANNEL)
    other = await reopen()
    made = []
    for instance, db in (("a", services.db), ("b", other)):
        request = OfflineRequest()
        app = build_application(
            Services(config=services.config, db=db, clock=services.clock),
            request=request,
            timer=FakeTimer(),
            instance=instance,
        )
        made.append(Process(app, request, Chats(app, request)))
    try:
        async with made[0].app, made[1].app:
            yield made[0], made[1]
    finally:
        await other.close()


class TakingTurns:
    """One person whose every step reaches the next process in turn, as a load balancer
    spreads posts; buttons are pressed on the last message that had any, whoever sent it."""

    def __init__(self, processes: tuple[Process, ...]) -> None:
        self._next = itertools.cycle(processes)
        self._buttons: list[tuple[str, str]] = []

    async def say(self, text: str) -> list[Call]:
        process = next(self._next)
        return self._seen(await process.chats.say(CITIZEN, text))

    async def tap(self, label: str) -> list[Call]:
        data = next(data for shown, data in self._buttons if label in shown)
        process = next(self._next)
        return self._seen(await process.chats.press(CITIZEN, data))

    def _seen(self, sent: list[Call]) -> list[Call]:
        for call in sent:
            if buttons(call):
                self._buttons = buttons(call)
        return sent


async def test_a_conversation_goes_on_across_processes_step_by_step(
    processes: tuple[Process, Process], services: Services
) -> None:
    person = TakingTurns(processes)
    await person.say("/start")
    await person.tap("Đồng ý")
    await person.say("/guidon")
    await person.tap("Phản ánh")
    await person.tap("Giao thông")
    await person.say(CONTENT)
    asked = await person.tap("Không có ảnh")
    assert asked, "the step after the photo is asked by the other process"
    await person.say("bỏ qua")
    summary = await person.say("không cần")
    assert CONTENT in str(summary[-1].params["text"])
    receipt = await person.tap("Gửi")
    assert "SN-2026-00001" in str(receipt[-1].params["text"])
    assert await rows(services.config, "SELECT content, category_id FROM tickets") == [
        (CONTENT, "giao-thong")
    ]
    assert receipts(*processes) == [str(receipt[-1].params["text"])]
    assert await rows(services.config, "SELECT count(*) FROM turns") == [(0,)]


async def summary_on(process: Process) -> dict[str, Any]:
    """The citizen, on one process, up to the summary; returns the press that sends it."""
    chats = process.chats
    await chats.say(CITIZEN, "/start")
    await chats.tap(CITIZEN, "Đồng ý")
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Giao thông")
    await chats.say(CITIZEN, CONTENT)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    summary = await chats.say(CITIZEN, "không cần")
    send = next(data for label, data in buttons(summary[-1]) if "Gửi" in label)
    return chats.press_update(CITIZEN, send)


async def test_one_update_handed_to_two_processes_at_once_is_handled_once(
    processes: tuple[Process, Process], services: Services
) -> None:
    first, second = processes
    press = await summary_on(first)
    payload = {"update_id": 880, **press}
    await asyncio.gather(
        *(p.app.process_update(Update.de_json(payload, p.app.bot)) for p in processes)
    )
    assert len(receipts(first, second)) == 1
    assert await rows(services.config, "SELECT code FROM tickets") == [("SN-2026-00001",)]
    assert await rows(
        services.config, "SELECT count(*) FROM processed_updates WHERE update_id = 880"
    ) == [(1,)]


async def test_a_turn_held_by_a_dead_process_lapses_and_is_taken_over(
    processes: tuple[Process, Process], services: Services, clock: FixedClock
) -> None:
    first, _ = processes
    # A process took the citizen's turn and was killed before giving it back.
    assert await Turns(services.db, clock, "killed").take(CITIZEN)
    start = Update.de_json({"update_id": 881, **first.chats.text_update(CITIZEN, "/start")}, None)
    handling = asyncio.create_task(first.app.process_update(start))
    await asyncio.sleep(0.2)
    assert not handling.done(), "the turn is held until it lapses, on a clock that stands"
    assert first.request.sent_to(CITIZEN) == []
    clock.advance(TURN_TIMES.lease)
    await handling
    assert first.request.sent_to(CITIZEN), "answered once the turn was taken over"
    assert await rows(services.config, "SELECT count(*) FROM turns") == [(0,)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_webhook_post_waiting_too_long_for_its_turn_is_answered_500(
    processes: tuple[Process, Process], services: Services, clock: FixedClock
) -> None:
    """Telegram posts again what is not answered 200; an update already handled is answered
    200 at once."""
    first, _ = processes
    telegram = services.config.telegram.model_copy(update={"mode": "webhook"})
    config = services.config.model_copy(update={"telegram": telegram})
    request = OfflineRequest()
    app = build_application(
        Services(config=config, db=services.db, clock=clock), request=request, instance="w"
    )
    app.bot_data.turns = Turns(
        services.db, clock, "w", TurnTimes(post_patience=timedelta(milliseconds=200))
    )
    port = free_port()
    webhook = TelegramWebhook(
        app.bot if isinstance(app.bot, QuarantiningBot) else pytest.fail("not quarantining"),
        app.update_queue,
        url=f"https://xa.example/telegram/{port}",
        secret=SECRET,
        listen="127.0.0.1",
        port=port,
    )
    holder = Turns(services.db, clock, "busy")
    payload = {"update_id": 882, **first.chats.text_update(CITIZEN, "/start")}
    async with app:
        await app.start()
        await webhook.start()
        try:
            async with aiohttp.ClientSession() as session:

                async def post() -> int:
                    async with session.post(
                        f"http://127.0.0.1:{port}/telegram/{port}",
                        json=payload,
                        headers={SECRET_HEADER: SECRET},
                    ) as answer:
                        return answer.status

                assert await holder.take(CITIZEN)
                assert await post() == 500
                assert request.sent_to(CITIZEN) == []
                await holder.give_back(CITIZEN)
                assert await post() == 200
                assert request.sent_to(CITIZEN), "handled when posted again"
                assert await post() == 200
        finally:
            await webhook.stop()
            await app.stop()
    assert await rows(
        services.config, "SELECT count(*) FROM processed_updates WHERE update_id = 882"
    ) == [(1,)]


@pytest.fixture
async def zalo_api() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=ZALO_TOKEN) as emu:
        yield emu


@pytest.fixture
def zalo_on_postgres(
    config_path: Path, zalo_api: ZaloApiEmulator, migrated_postgres_url: str, backend: str
) -> Config:
    """Zalo enabled, reached at the emulator, on the test's PostgreSQL database (the module
    runs on it only)."""
    assert backend == POSTGRESQL
    text = config_path.read_text(encoding="utf-8")
    text = text.replace("enabled = false", "enabled = true").replace(
        'base_url = "https://bot-api.zaloplatforms.com"', f'base_url = "{zalo_api.base_url}"'
    )
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path, environ={**ENVIRON, ZALO_TOKEN_ENV: ZALO_TOKEN})
    storage = config.storage.model_copy(update={"url": migrated_postgres_url})
    return config.model_copy(update={"storage": storage})


async def test_a_zalo_update_left_by_a_dead_process_is_picked_up_by_another(
    zalo_on_postgres: Config,
    zalo_api: ZaloApiEmulator,
    clock: FixedClock,
) -> None:
    """Zalo hands an update over once: the process that wrote it to the shared inbox dies
    before handling it, and another hands it over on its next round, once."""
    config = zalo_on_postgres
    url = config.storage.url
    first_db, second_db = await open_database(None, url), await open_database(None, url)
    apps = [
        build_application(
            Services(config=config, db=db, clock=clock),
            request=OfflineRequest(),
            timer=FakeTimer(),
            instance=name,
        )
        for name, db in (("a", first_db), ("b", second_db))
    ]
    try:
        async with apps[0], apps[1]:
            dying, survivor = zalo_channel(apps[0]), zalo_channel(apps[1])

            async def killed(_: object) -> None:
                raise KeyboardInterrupt

            zalo_api.user_sends_text(ZALO_CITIZEN, "/start")
            [update] = await dying.api.get_update()
            dying.feed = killed
            with pytest.raises(KeyboardInterrupt):
                await dying.receive(update)
            clock.advance(PICK_UP_EVERY)
            handed = asyncio.Event()

            async def feed(update: Update) -> None:
                await apps[1].process_update(update)
                handed.set()

            survivor.feed = feed
            stop = asyncio.Event()
            rounds = asyncio.create_task(survivor.pick_up(stop, every=timedelta(milliseconds=50)))
            await asyncio.wait(
                [rounds, asyncio.create_task(handed.wait())], return_when="FIRST_COMPLETED"
            )
            await asyncio.sleep(0.2)  # more rounds: the handled row is not handed over again
            stop.set()
            await rounds
            await dying.api.close()
            await survivor.api.close()
    finally:
        await first_db.close()
        await second_db.close()
    [consent] = [sent.text for sent in zalo_api.sent_to(ZALO_CITIZEN)]
    assert "Ông/bà có đồng ý không?" in (consent or "")
    assert await rows(config, "SELECT count(*) FROM processed_updates") == [(1,)]


async def test_a_rating_typed_on_another_process_answers_the_result_sent_by_the_first(
    processes: tuple[Process, Process], services: Services
) -> None:
    """The result notice's question is marked in the stored conversation, not only in the
    memory of the process that sent it: the citizen's "2" reaches the other process."""
    first, second = processes
    await resolved(first.chats)
    assert "hài lòng" in first.chats.last_text(RATING_CITIZEN).lower()
    await second.chats.say(RATING_CITIZEN, "2")
    assert await rows(services.config, "SELECT rating, status FROM tickets") == [
        ("unsatisfied", "reopened")
    ]
