"""Ingest: citizens filing complete cases through the real handlers, storage and outbox.

Every citizen goes through the whole conversation (10 updates: /start, consent, the menu, kind,
category, content, no photo, no place, no contact, send). The citizens are interleaved step by
step, so all of them have a draft open at once. The updates are handed to `process_update` one
after another, as the floor's are, so the two compare the work per update.

The bot itself handles different people's updates at once (handlers.telegram.update_order): that
gains nothing when Bot API calls cost no time, as here, and much over a real network, where each
call waits for its round trip; `run_network` measures that.

Two ways: `paced`, the bot as deployed, whose AIORateLimiter keeps every request (replies
included) under Telegram's 30 a second, so the run measures that limit more than the bot; and
unpaced, the same limiter with the overall rate lifted, which measures what the handlers,
storage and outbox themselves cost, to compare with the floor.

The outbox is the real Deliverer with the [outbox] limits, on a timer that does not wait, so the
cards to officers and the receipts go out during the run instead of trickling out afterwards:
more work inside the measured time than the bot does in a burst, never less.

The backend is the config's, as the bot's is: `[storage] path` (SQLite) or, with `storage_url`,
`[storage] url` (PostgreSQL), each compared with its own floor.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.configs import fresh, write_config
from bench.crowd import Crowd, Recorder, unpaced
from bench.stats import latency
from bot.clock import SystemClock
from bot.config import Config, load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from handlers.wiring.application import build_application
from storage.backends import open_database
from storage.database import Database
from tests.support.clock import FakeTimer

FIRST_CITIZEN = 40_000_001
RECEIPT = "Đã gửi đơn thành công"
STEPS = 10
POLL_BATCH = 100  # the most one getUpdates returns


def case_step(user: int, step: int) -> tuple[bool, str]:
    """Step `step` of one citizen's conversation, as a person would do it: (a tap, the button's
    label) or (not a tap, what they type)."""
    typed = {
        0: "/start",
        5: f"Rác thải đổ trộm ở đầu ngõ {user}, thôn Đông, đã một tuần nay.",
        7: "Bỏ qua",
    }
    if step in typed:
        return False, typed[step]
    labels = {
        1: "Đồng ý",
        2: "Gửi phản ánh",
        3: "Phản ánh",
        4: "Môi trường",
        6: "Không có ảnh",
        8: "Không cần",
        9: "Gửi",
    }
    return True, labels[step]


async def _file_case(crowd: Crowd, user: int, step: int) -> None:
    tap, words = case_step(user, step)
    await (crowd.tap(user, words) if tap else crowd.say(user, words))


async def _open(config: Config) -> Database:
    """The bot's database, as the config names it."""
    return await open_database(config.storage.path, config.storage.url)


async def _count(db: Database, sql: str) -> int:
    rows = list(await db.reader.execute_fetchall(sql))
    return int(rows[0][0]) if rows else 0


async def run_ingest(
    folder: Path,
    citizens: int,
    *,
    paced: bool = False,
    batch: int | None = None,
    at_once: bool = True,
    round_trip: float = 0.0,
    storage_url: str | None = None,
) -> dict[str, Any]:
    """Updates go to `process_update` one by one, as the floor's do; with `batch`, that many
    citizens' updates at a time arrive as one batch of polling, handled through the bot's own
    queue (different people at once) or, not `at_once`, one after another as PTB does by
    default. `round_trip`: the seconds each Bot API call takes. `storage_url`: a PostgreSQL
    database instead of a SQLite file in `folder`."""
    config = load_config(write_config(folder, storage_url=storage_url))
    db = await _open(config)
    users = range(FIRST_CITIZEN, FIRST_CITIZEN + citizens)
    try:
        services = Services(config=config, db=db, clock=SystemClock())
        await sync_from_config(db, services.clock, config, CHANNEL)
        request = Recorder(round_trip)
        limiter = None if paced else unpaced()
        app = build_application(services, request=request, timer=FakeTimer(), rate_limiter=limiter)
        async with app:
            await app.start()
            crowd = Crowd(app, request)
            start = time.perf_counter()
            for step in range(STEPS):
                if batch is None:
                    for user in users:
                        await _file_case(crowd, user, step)
                    continue
                for first in range(0, citizens, batch):
                    async with crowd.polled(at_once=at_once):
                        for user in users[first : first + batch]:
                            await _file_case(crowd, user, step)
            elapsed = time.perf_counter() - start
            await app.stop()  # waits for the deliveries the updates started
            while await app.bot_data.deliverer.deliver_due():
                pass
        stored = await _count(db, "SELECT count(*) FROM tickets")
        filers = await _count(db, "SELECT count(DISTINCT citizen_id) FROM tickets")
        pending = await _count(
            db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        )
        failed = await _count(db, "SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL")
        queued = await _count(db, "SELECT count(*) FROM outbox")
    finally:
        await db.close()
    # As each chat reads at the end: a receipt may have been edited into the pressed message.
    receipts = [
        sum(RECEIPT in shown.text for shown in request.chats[user].values()) for user in users
    ]
    return {
        "backend": "sqlite" if storage_url is None else "postgresql",
        "citizens": citizens,
        "paced": paced,
        "batch": batch,
        "at_once": at_once,
        "round_trip_ms": round(round_trip * 1000),
        "updates": crowd.updates,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(crowd.updates / elapsed, 1),
        "cases_per_second": round(citizens / elapsed, 1),
        "latency": latency(crowd.stopwatch.samples),
        "outbox_messages": queued,
        "sends": request.sends,
        "invariants": {
            "all_cases_stored": stored == citizens and filers == citizens,
            "one_receipt_each": receipts == [1] * citizens,
            "outbox_drained": pending == 0 and failed == 0,
        },
    }


async def run_network(folder: Path, citizens: int, round_trip: float) -> dict[str, Any]:
    """Citizens filing at once, as deployed (Telegram's pace), with every Bot API call taking
    `round_trip`: handled one after another, each waits for everyone's round trips before it;
    handled as the bot does, different people at once, it waits for its own."""
    runs = {}
    for name, at_once in (("one_by_one", False), ("at_once", True)):
        runs[name] = await run_ingest(
            fresh(folder / name),
            citizens,
            paced=True,
            batch=POLL_BATCH,
            at_once=at_once,
            round_trip=round_trip,
        )
    return runs
