"""Two processes delivering from one PostgreSQL outbox: each message sent once, each chat's in
order and paced, and both together within the one overall rate.

Each "process" is a Deliverer with its own instance name and its own handle on the test's real
PostgreSQL database. They share a `VirtualTimer`, whose time moves only when both sleep, so
every send is recorded at the very moment it was paced to, and the pace of both together is
measured exactly, without waiting in real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.messages import Delivery, Notice
from bot.services.outbox import CLAIM_LEASE, INTERRUPTED, Deliverer, Limits, notify
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.services.factories import CHANNEL
from tests.services.test_outbox_limits import most_in_one_second, pending, rows, someone
from tests.support.clock import FixedClock, TimerClock, VirtualTimer

EPSILON = 1e-5  # the claims' times are stored to the microsecond
TICK = 0.5  # how often a process that found nothing to send looks again (the outbox job)


@dataclass
class Log:
    """Every send of every process: (time, instance, recipient, text)."""

    timer: VirtualTimer
    sends: list[tuple[float, str, str, str]] = field(default_factory=list)

    def channel(self, instance: str) -> Channel:
        return Channel(self, instance)


@dataclass
class Channel:
    log: Log
    instance: str

    async def send(self, recipient: str, notice: Notice) -> None:
        self.log.sends.append((self.log.timer.now, self.instance, recipient, notice.text))


async def run_until_drained(deliverer: Deliverer, db: Database, timer: VirtualTimer) -> None:
    """One process's outbox job: deliver, and look again a tick later when nothing went."""
    try:
        while await pending(db):
            if await deliverer.deliver_due() == 0:
                await timer.sleep(TICK)
    finally:
        timer.leave()


@POSTGRESQL_ONLY
async def test_two_processes_send_each_message_once_in_order_within_one_rate(
    db: Database, reopen: Callable[[], Awaitable[Database]]
) -> None:
    limits = Limits(max_per_second=40, per_chat_seconds=1.0, batch=50)
    timer = VirtualTimer(parties=2, start=FixedClock().now().timestamp())
    clock = TimerClock(timer)
    chats = [chat for chat in range(1, 301) for _ in range(4)]
    random.Random(18).shuffle(chats)  # as they come: a chat's messages close or far apart
    seen: Counter[int] = Counter()
    messages = []
    for chat in chats:
        messages.append((chat, seen[chat]))
        seen[chat] += 1
    async with db.transaction() as conn:
        for chat, k in messages:
            await notify(conn, someone(chat), Notice(f"{chat}/{k}"), f"test:{chat}/{k}", clock)
    other = await reopen()
    log = Log(timer)
    try:
        await asyncio.gather(
            *(
                run_until_drained(
                    Deliverer(
                        handle,
                        clock,
                        {CHANNEL: log.channel(name)},
                        limits=limits,
                        timer=timer,
                        instance=name,
                    ),
                    handle,
                    timer,
                )
                for handle, name in ((db, "a"), (other, "b"))
            )
        )
    finally:
        await other.close()

    texts = [text for _, _, _, text in log.sends]
    assert Counter(texts) == Counter(f"{chat}/{k}" for chat, k in messages), "each once"
    assert all(r["sent_at"] and not r["failed_at"] for r in (await rows(db)).values())
    assert {instance for _, instance, _, _ in log.sends} == {"a", "b"}, "both delivered"
    by_chat: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for at, _, chat, text in log.sends:
        by_chat[chat].append((at, int(text.split("/")[1])))
    for chat, sent in by_chat.items():
        assert [k for _, k in sent] == [0, 1, 2, 3], f"chat {chat} in order"
        gaps = [b - a for (a, _), (b, _) in itertools.pairwise(sent)]
        assert min(gaps) >= limits.per_chat_seconds - EPSILON, f"chat {chat} paced"
    times = sorted(at for at, _, _, _ in log.sends)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1 / 40 - EPSILON
    assert most_in_one_second(times) <= 40


@POSTGRESQL_ONLY
async def test_a_dead_process_s_claims_lapse_and_its_sends_go_by_their_promise(
    db: Database, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    waited_for = Notice("Kết quả hồ sơ", delivery=Delivery.AT_LEAST_ONCE)
    announced = Notice("Thông báo cắt điện")
    async with db.transaction() as conn:
        await notify(conn, someone(1), waited_for, "test:result", clock)
        await notify(conn, someone(2), announced, "test:announcement", clock)
        await notify(conn, someone(1), Notice("Cảm ơn"), "test:thanks", clock)
    # Two processes die while sending: the first holds chat 1, the second then chat 2.
    for instance in ("dead-1", "dead-2"):
        held = HeldChannel()
        run = asyncio.create_task(
            Deliverer(db, clock, {CHANNEL: held}, instance=instance).deliver_due(limit=1)
        )
        await held.entered.wait()
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run
    other = await reopen()
    survivor = Recorder()
    alive = Deliverer(other, clock, {CHANNEL: survivor}, instance="alive")
    try:
        assert await alive.deliver_due() == 0, "nothing while the claims live"
        clock.advance(CLAIM_LEASE + timedelta(seconds=1))
        await alive.deliver_due()
    finally:
        await other.close()

    assert survivor.texts == ["Kết quả hồ sơ", "Cảm ơn"], "the result again, then the rest"
    found = await rows(db)
    assert found["result"]["sent_at"]
    assert found["result"]["attempts"] == 1
    assert found["announcement"]["failed_at"]
    assert found["announcement"]["last_error"] == INTERRUPTED
    assert found["thanks"]["sent_at"]
    assert await pending(db) == 0


@dataclass
class HeldChannel:
    """A platform that takes a send and never answers (the process is killed meanwhile)."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, recipient: str, notice: Notice) -> None:
        self.entered.set()
        await asyncio.Event().wait()


@dataclass
class Recorder:
    texts: list[str] = field(default_factory=list)

    async def send(self, recipient: str, notice: Notice) -> None:
        self.texts.append(notice.text)
