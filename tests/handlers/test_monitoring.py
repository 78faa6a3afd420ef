"""What monitoring reports from the real parts: updates by outcome and the outbox's failed
sends in the Prometheus registry, and /healthz's 503 naming what is wrong (a stalled outbox,
a closed database)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Update

from bot.config import Config, MonitoringConfig
from bot.domain.chats import LOCAL_ID_BASE
from bot.services import Services
from bot.services.outbox import Deliverer
from handlers.telegram.metrics import FAILED, HANDLED, SKIPPED, Metrics
from handlers.wiring.monitoring import Monitoring
from handlers.wiring.roles import Roles
from storage.backends import open_database
from storage.database import Database
from tests.handlers.test_citizen_flow import agree
from tests.handlers.test_disk_full import CONTENT
from tests.services.factories import CHANNEL
from tests.services.test_outbox_delivery import FakeChannel, notice, person, queue
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock
from tests.support.missing_table import without_table

CITIZEN = 6201

FAILURES = "nghe_dan_outbox_send_failures_total"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_failed_sends_are_counted_by_channel_and_reason(
    db: Database, clock: FixedClock
) -> None:
    metrics = Metrics(local_channel="zalo")
    channel = FakeChannel(undeliverable={"601"}, broken={"602"}, retry_later={"603": (5, "429")})
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, failures=metrics)
    for who in ("601", "602", "603"):
        await queue(db, clock, await person(db, clock, who), notice("Tin"), who)

    await deliverer.deliver_due()
    await deliverer.deliver_due()

    counted = {
        reason: metrics.registry.get_sample_value(FAILURES, {"channel": CHANNEL, "reason": reason})
        for reason in ("undeliverable", "error", "retry_later")
    }
    assert counted == {"undeliverable": 1.0, "error": 1.0, "retry_later": 1.0}


@pytest.fixture
async def health(config: Config, clock: FixedClock) -> AsyncIterator[tuple[str, Metrics, Database]]:
    db = await open_database(config.storage.path, config.storage.url)
    metrics = Metrics(local_channel="zalo")
    port = free_port()
    services = Services(config=config, db=db, clock=clock)
    watched = Monitoring(services, metrics, Roles(services, "xa-1", []))
    await watched.start(MonitoringConfig(enabled=True, port=port))
    yield f"http://127.0.0.1:{port}/healthz", metrics, db
    await watched.stop()
    await db.close()


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_healthy_once_the_outbox_ticked(health: tuple[str, Metrics, Database]) -> None:
    url, metrics, _ = health
    status, body = await get(url)
    assert (status, body["status"], body["outbox"], body["database"]) == (
        503,
        "unhealthy",
        "stalled",
        "ok",
    )
    metrics.outbox_ticked()
    status, body = await get(url)
    assert (status, body["status"], body["instance"]) == (200, "ok", "xa-1")


async def test_a_closed_database_is_unhealthy(health: tuple[str, Metrics, Database]) -> None:
    url, metrics, db = health
    metrics.outbox_ticked()
    await db.close()
    status, body = await get(url)
    assert (status, body["database"], body["outbox"]) == (503, "unreachable", "ok")


UPDATES = "nghe_dan_updates_handled_total"


async def through_the_processor(chats: Chats, payload: dict[str, Any], update_id: int) -> None:
    """As the running bot handles an update: in the person's turn, counted once handled."""
    app = chats.app
    update = Update.de_json({"update_id": update_id, **payload}, app.bot)
    await app.update_processor.process_update(update, app.process_update(update))


def counted(chats: Chats, outcome: str) -> float | None:
    registry = chats.app.bot_data.metrics.registry
    return registry.get_sample_value(UPDATES, {"channel": "telegram", "outcome": outcome})


async def test_updates_are_counted_by_outcome(chats: Chats, db: Database) -> None:
    """Handled, delivered again after a restart, and failed: a broken database while filing."""
    await through_the_processor(chats, chats.text_update(CITIZEN, "/start"), 1)
    await through_the_processor(chats, chats.text_update(CITIZEN, "/start"), 1)
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, CONTENT)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    await chats.say(CITIZEN, "không cần")
    last = next(c for c in reversed(chats.sent(CITIZEN)) if buttons(c))
    send = next(d for text, d in buttons(last) if "Gửi" in text)
    async with without_table(db, "tickets"):
        await through_the_processor(chats, chats.press_update(CITIZEN, send), 2)

    assert (counted(chats, HANDLED), counted(chats, SKIPPED), counted(chats, FAILED)) == (
        1.0,
        1.0,
        1.0,
    )
    registry = chats.app.bot_data.metrics.registry
    assert registry.get_sample_value("nghe_dan_update_handling_seconds_count") == 3.0


async def test_a_zalo_persons_update_is_counted_on_zalo(chats: Chats) -> None:
    zalo_person = LOCAL_ID_BASE + 1  # a Zalo account's local id (bot.domain.chats)
    await through_the_processor(chats, chats.text_update(zalo_person, "/start"), 3)
    registry = chats.app.bot_data.metrics.registry
    assert registry.get_sample_value(UPDATES, {"channel": "zalo", "outcome": HANDLED}) == 1.0
    assert counted(chats, HANDLED) is None
