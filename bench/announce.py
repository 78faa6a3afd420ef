"""Announce: citizens filing while an announcement to thousands goes out.

The announcement's messages are queued (bulk, as `bot.services.announcements.publish` queues
them) before the citizens start, and the real Deliverer sends them as the bot's outbox job
does, at the [outbox] pace, through the same bot and rate limiter that carry the handlers'
replies. Every Bot API call takes `round_trip`, and the offline Bot API keeps Telegram's 30
sends and edits a second as the emulator does: what it would answer 429 is counted (the bench
expects none) but answered, so that a citizen's conversation goes on.

The citizens file as in the network part: every step of all of them arrives in one poll, and
each update is timed from that poll to the end of its handling, its replies sent: what the person
waits. The same citizens file once with nothing else going on, for comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.request import RequestData

from bench.configs import fresh, write_config
from bench.crowd import Crowd, Recorder
from bench.ingest import FIRST_CITIZEN, STEPS, _file_case
from bench.stats import latency
from bot.clock import SystemClock
from bot.config import load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.domain.people import Person
from bot.messages import Notice
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.services.outbox import Deliverer, notify
from handlers.wiring.application import build_application
from handlers.wiring.monitoring import OUTBOX_INTERVAL
from localapi import ApiError
from localapi.ratelimit import FloodLimit
from storage.backends import open_database
from storage.database import Database

FIRST_RECIPIENT = 50_000_001
TELEGRAM_LIMIT = 30  # sends and edits a second, as the emulator and Telegram keep it
HEAD_START = 2.0  # seconds the announcement goes out alone before the citizens start


class Metered(Recorder):
    """The offline Bot API with Telegram's flood limit, timing each announcement message."""

    def __init__(self, round_trip: float, recipients: range) -> None:
        super().__init__(round_trip)
        self._recipients = recipients
        self._flood = FloodLimit(TELEGRAM_LIMIT)
        self.too_many = 0
        self.announced: list[float] = []  # when each announcement message was accepted

    def arrived(self, method: str, request_data: RequestData | None) -> None:
        if not method.startswith(("send", "edit")):
            return
        try:
            self._flood.take()
        except ApiError:
            # Counted, not answered: a 429 would fail the step and stop the citizen.
            self.too_many += 1
        chat = int((request_data.parameters if request_data else {}).get("chat_id", 0))
        if chat in self._recipients:
            self.announced.append(time.monotonic())


def _rate(moments: list[float]) -> float:
    span = moments[-1] - moments[0] if len(moments) > 1 else 0.0
    return round((len(moments) - 1) / span, 2) if span else 0.0


async def _queue(db: Database, recipients: range) -> None:
    """The announcement as `publish` leaves it: one bulk notice per subscriber."""
    clock = SystemClock()
    now = clock.now().isoformat()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO people (channel, external_id, display_name, consent_at, "
            "consent_notice, created_at, updated_at) VALUES (?, ?, ?, ?, 'v1', ?, ?)",
            [(CHANNEL, str(r), f"Dân {r}", now, now, now) for r in recipients],
        )
        for r in recipients:
            person = Person(0, CHANNEL, str(r), f"Dân {r}", datetime.now(UTC), "v1")
            await notify(conn, person, Notice("Thông báo của xã"), f"a:1:{r}", clock, bulk=True)


async def _outbox_job(deliverer: Deliverer) -> None:
    """As the bot's outbox job: a run every OUTBOX_INTERVAL, the next at once after a full one."""
    while True:
        if deliverer.busy or await deliverer.deliver_due() < deliverer.batch:
            await asyncio.sleep(OUTBOX_INTERVAL.total_seconds())


async def _run(folder: Path, citizens: int, recipients: int, round_trip: float) -> dict[str, Any]:
    config = load_config(write_config(folder))
    db = await open_database(config.storage.path, config.storage.url)
    users = range(FIRST_CITIZEN, FIRST_CITIZEN + citizens)
    announced = range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients)
    request = Metered(round_trip, announced)
    try:
        services = Services(config=config, db=db, clock=SystemClock())
        await sync_from_config(db, services.clock, config, CHANNEL)
        await _queue(db, announced)
        app = build_application(services, request=request)
        async with app:
            await app.start()
            job = asyncio.create_task(_outbox_job(app.bot_data.deliverer))
            try:
                if recipients:
                    await asyncio.sleep(HEAD_START)
                crowd = Crowd(app, request)
                before = len(request.announced)
                start = time.perf_counter()
                for step in range(STEPS):
                    async with crowd.polled(at_once=True):
                        for user in users:
                            await _file_case(crowd, user, step)
                elapsed = time.perf_counter() - start
                during = len(request.announced) - before
            finally:
                job.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await job
            await app.stop()
    finally:
        await db.close()
    return {
        "citizens": citizens,
        "recipients": recipients,
        "round_trip_ms": round(round_trip * 1000),
        "updates": crowd.updates,
        "seconds": round(elapsed, 2),
        "wait": latency(crowd.stopwatch.samples),
        "announced_during": during,
        "announced_per_second": round(during / elapsed, 2) if elapsed else 0.0,
        "announced_in_all": len(request.announced),
        "announcement_per_second": _rate(request.announced),
        "too_many_requests": request.too_many,
        "invariants": {"no_429": request.too_many == 0},
    }


async def run_announce(
    folder: Path, citizens: int, recipients: int, round_trip: float
) -> dict[str, Any]:
    """The citizens' waits with nothing else going on, and during the announcement."""
    return {
        "quiet": await _run(fresh(folder / "quiet"), citizens, 0, round_trip),
        "announcement": await _run(fresh(folder / "announce"), citizens, recipients, round_trip),
    }
