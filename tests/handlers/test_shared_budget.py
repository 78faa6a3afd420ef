"""The bot's rate limiter on a database shared by two processes: their messages to chats
together keep Telegram's 30 a second, and a message the outbox reserved for counts once.

Two `Limiter`s, each with its own handle on the test's real PostgreSQL database, share a
`VirtualTimer` (time moves only when both wait), so each request is seen at the moment it was
paced to. The request itself is a stand-in that records that moment.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram.constants import FloodLimit

from bot.services.outbox import BUDGET_CHANNEL
from bot.services.send_budget import SendBudget, prepaid
from bot.services.send_order import SendOrder
from handlers.wiring.application import Limiter
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.services.factories import fetch
from tests.support.clock import FixedClock, VirtualTimer

EPSILON = 1e-6  # seconds since the epoch, as floats, are exact to about 2e-7
RATE = FloodLimit.MESSAGES_PER_SECOND


async def replies(limiter: Limiter, timer: VirtualTimer, sent: list[float], n: int) -> None:
    """`n` replies to chats, one after another, as a process's handlers send them."""

    async def call() -> bool:
        sent.append(timer.now)
        return True

    try:
        for k in range(n):
            data = {"chat_id": 1000 + k, "text": "Đã nhận phản ánh của bạn."}
            await limiter.process_request(call, (), {}, "sendMessage", data, None)
    finally:
        timer.leave()


@POSTGRESQL_ONLY
async def test_two_processes_replies_keep_one_rate_in_all(
    db: Database, reopen: Callable[[], Awaitable[Database]]
) -> None:
    timer = VirtualTimer(parties=2, start=FixedClock().now().timestamp())
    other = await reopen()
    sent: list[float] = []
    try:
        await asyncio.gather(
            *(
                replies(
                    Limiter(
                        SendOrder(timer, None),
                        budget=SendBudget(handle, BUDGET_CHANNEL, RATE, timer),
                    ),
                    timer,
                    sent,
                    90,
                )
                for handle in (db, other)
            )
        )
    finally:
        await other.close()

    assert len(sent) == 180
    times = sorted(sent)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1 / RATE - EPSILON
    assert times[-1] - times[0] > 5.9, "six seconds for both, not three each"


@POSTGRESQL_ONLY
async def test_a_message_the_outbox_reserved_for_is_not_counted_again(db: Database) -> None:
    timer = VirtualTimer(parties=1, start=FixedClock().now().timestamp())
    budget = SendBudget(db, BUDGET_CHANNEL, RATE, timer)
    limiter = Limiter(SendOrder(timer, None), budget=budget)

    async def call() -> Any:
        return True

    start = timer.now
    await budget.take()  # the outbox's reservation
    with prepaid():
        # A notice in two parts: the first was reserved for, the second is not.
        for part in ("Phần 1", "Phần 2"):
            await limiter.process_request(
                call, (), {}, "sendMessage", {"chat_id": 7, "text": part}, None
            )
    timer.leave()

    [row] = await fetch(db, "SELECT next_at FROM send_budget")
    assert row["next_at"] == pytest.approx(start + 1 / RATE, abs=EPSILON), (
        "two moments reserved for two sends"
    )
