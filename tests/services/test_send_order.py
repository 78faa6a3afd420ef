"""Replies first: the moments to send under Telegram's 30 a second go to a waiting reply before
any waiting background send (the outbox's), and the rate and burst hold whoever sends.

Fake time (`FakeTimer`): only the order's own waits move it, so each send is seen at the very
moment it was given.
"""

from __future__ import annotations

import asyncio

from bot.services.send_order import SendOrder
from tests.support.clock import FakeTimer

RATE = 30
BURST = 20
RESERVE = 5


async def _send(order: SendOrder, urgent: bool, name: str, log: list[tuple[str, float]]) -> None:
    await order.turn(urgent)
    log.append((name, order_timer(order).now))


def order_timer(order: SendOrder) -> FakeTimer:
    return order._timer  # type: ignore[return-value]


async def test_a_reply_goes_before_the_background_sends_that_were_waiting() -> None:
    timer = FakeTimer()
    order = SendOrder(timer, RATE, burst=BURST, reserve=RESERVE)
    log: list[tuple[str, float]] = []
    bulk = [asyncio.ensure_future(_send(order, False, f"bulk {n}", log)) for n in range(60)]
    await asyncio.sleep(0)  # the outbox's share of the burst taken; the rest wait
    reply = asyncio.ensure_future(_send(order, True, "reply", log))
    await asyncio.gather(*bulk, reply)

    names = [name for name, _ in log]
    assert names.index("reply") == BURST - RESERVE, "right after the burst's share of the outbox"
    assert len(log) == 61


async def test_background_sends_leave_the_reserve_to_replies() -> None:
    timer = FakeTimer()
    order = SendOrder(timer, RATE, burst=BURST, reserve=RESERVE)
    log: list[tuple[str, float]] = []
    start = timer.now
    for n in range(BURST - RESERVE):  # the outbox's share of the burst, at once
        await _send(order, False, f"bulk {n}", log)
    for n in range(RESERVE):  # replies coming meanwhile find their moments at once
        await _send(order, True, f"reply {n}", log)

    assert [at for _, at in log] == [start] * BURST


async def test_no_second_holds_more_than_the_rate_and_the_burst() -> None:
    timer = FakeTimer()
    order = SendOrder(timer, RATE, burst=BURST, reserve=RESERVE)
    log: list[tuple[str, float]] = []
    sends = [asyncio.ensure_future(_send(order, n % 3 == 0, f"send {n}", log)) for n in range(200)]
    await asyncio.gather(*sends)

    moments = sorted(at for _, at in log)
    assert len(moments) == 200
    for first, at in enumerate(moments):
        within = sum(1 for later in moments[first:] if later < at + 1.0)
        assert within <= BURST + RATE, f"{within} sends in the second from {at}"
    # 200 sends: a burst of 20, then 30 a second.
    assert moments[-1] - moments[0] >= (200 - BURST) / RATE - 1e-6


async def test_on_a_shared_budget_background_waits_while_a_reply_waits_for_its_moment() -> None:
    timer = FakeTimer()
    order = SendOrder(timer, None)
    log: list[str] = []

    async def reply() -> None:
        async with order.urgent():
            await timer.sleep(1.0)  # its moment from the budget is a second away
            log.append("reply")

    async def outbox() -> None:
        await order.after_replies()
        log.append("bulk")

    replying = asyncio.ensure_future(reply())
    await asyncio.sleep(0)
    await asyncio.gather(outbox(), replying)

    assert log == ["reply", "bulk"]
