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

import pytest

from bot.config import Config
from bot.messages import Delivery, Notice
from bot.services.intake import submit_case
from bot.services.officers import sync_from_config
from bot.services.outbox import (
    CLAIM_LEASE,
    INTERRUPTED,
    Deliverer,
    Limits,
    RetryLaterError,
    notify,
)
from bot.services.reminders import fire_due
from handlers.wiring.monitoring import OUTBOX_INTERVAL
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.services.factories import CHANNEL, citizen, feedback, fetch
from tests.services.test_outbox_limits import most_in_one_second, pending, rows, someone
from tests.services.test_reminders_service import local
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


@POSTGRESQL_ONLY
async def test_a_cleanly_stopped_process_leaves_what_it_claimed_to_the_others_at_once(
    db: Database, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    async with db.transaction() as conn:
        for chat in (1, 2, 3):
            await notify(conn, someone(chat), Notice(f"{chat}"), f"test:{chat}", clock)
    # The platform asks to wait at the first send: the run ends holding the other two claimed.
    stopping = Deliverer(db, clock, {CHANNEL: Busy()}, instance="stopping")
    assert await stopping.deliver_due() == 0
    await stopping.release()
    other = await reopen()
    survivor = Recorder()
    alive = Deliverer(other, clock, {CHANNEL: survivor}, instance="alive")
    try:
        assert await alive.deliver_due() == 2, "at once, not CLAIM_LEASE later"
        clock.advance(timedelta(seconds=2))  # the one the platform held back is due again
        assert await alive.deliver_due() == 1
    finally:
        await other.close()

    assert survivor.texts == ["2", "3", "1"]
    assert await pending(db) == 0


@POSTGRESQL_ONLY
@pytest.mark.parametrize("delivery", list(Delivery))
async def test_a_send_stalled_past_the_claim_lease_is_neither_taken_over_nor_settled_twice(
    db: Database, reopen: Callable[[], Awaitable[Database]], delivery: Delivery
) -> None:
    """A send that hangs for two leases (the platform slow to answer, the process frozen)
    keeps its claim: the other process, ticking all along, never sends the message too (an
    awaited result twice) nor fails it as interrupted while it is being sent (an announcement
    both sent and failed)."""
    # Both processes take part in moving the time: while the stalled one waits for the
    # platform it also sleeps until its next renewal, and the time moves on only once that
    # renewal is done, however long the database takes to answer it in real time.
    timer = VirtualTimer(parties=2, start=FixedClock().now().timestamp())
    clock = TimerClock(timer)
    async with db.transaction() as conn:
        await notify(conn, someone(1), Notice("Kết quả", delivery=delivery), "test:n", clock)
    log = Log(timer)
    stalled = StalledChannel(log)
    other = await reopen()
    slow = Deliverer(db, clock, {CHANNEL: stalled}, timer=timer, instance="slow")
    ticking = Deliverer(other, clock, {CHANNEL: log.channel("ticking")}, timer=timer, instance="t")
    stalled_until = timer.now + 2 * CLAIM_LEASE.total_seconds()

    async def ticking_process() -> None:
        try:
            await stalled.entered.wait()
            for until in (stalled_until, stalled_until + 2 * CLAIM_LEASE.total_seconds()):
                while timer.now < until:
                    await ticking.deliver_due()
                    await timer.sleep(TICK)
                stalled.answer.set()
        finally:
            timer.leave()

    async def stalled_process() -> None:
        try:
            await slow.deliver_due()
        finally:
            timer.leave()

    try:
        await asyncio.gather(stalled_process(), ticking_process())
    finally:
        await other.close()

    assert [(who, text) for _, who, _, text in log.sends] == [("slow", "Kết quả")], "once"
    [row] = (await rows(db)).values()
    assert row["sent_at"]
    assert row["failed_at"] is None


@POSTGRESQL_ONLY
async def test_a_chat_another_process_sent_to_lately_gets_its_new_message_once_it_may(
    db: Database, reopen: Callable[[], Awaitable[Database]]
) -> None:
    """Process "a" sends to a chat; "b" then queues another message for it (a person's update
    handled there) and delivers right after, as every process does: the message goes from "b"
    the moment the chat may be sent to again, not at "a"'s next outbox tick."""
    limits = Limits(max_per_second=30, per_chat_seconds=1.0)
    timer = VirtualTimer(parties=2, start=FixedClock().now().timestamp())
    clock = TimerClock(timer)
    async with db.transaction() as conn:
        await notify(conn, someone(1), Notice("Đã nhận"), "test:received", clock)
    other = await reopen()
    log = Log(timer)
    a, b = (
        Deliverer(
            handle, clock, {CHANNEL: log.channel(name)}, limits=limits, timer=timer, instance=name
        )
        for handle, name in ((db, "a"), (other, "b"))
    )
    a_sent = asyncio.Event()

    async def process_a() -> None:
        try:
            await a.deliver_due()
            a_sent.set()
            await timer.sleep(OUTBOX_INTERVAL.total_seconds())
            await a.deliver_due()
        finally:
            timer.leave()

    async def process_b() -> None:
        try:
            await a_sent.wait()
            async with other.transaction() as conn:
                await notify(conn, someone(1), Notice("Đã giao"), "test:assigned", clock)
            await b.deliver_due()
        finally:
            timer.leave()

    start = timer.now
    try:
        await asyncio.gather(process_a(), process_b())
    finally:
        await other.close()

    assert [(who, text) for _, who, _, text in log.sends] == [("a", "Đã nhận"), ("b", "Đã giao")]
    first, second = (at - start for at, _, _, _ in log.sends)
    assert first == 0
    assert abs(second - limits.per_chat_seconds) < EPSILON, "paced, and not a moment more"


@POSTGRESQL_ONLY
async def test_a_reminder_fired_by_the_scheduler_is_delivered_once_by_all_the_processes(
    db: Database, clock: FixedClock, config: Config, reopen: Callable[[], Awaitable[Database]]
) -> None:
    """Every process ticks its outbox; the scheduler fires the due reminders and delivers at
    once (serving._remind). Its role moves between the processes meanwhile, so both fire:
    still each notice goes once."""
    await sync_from_config(db, clock, config, CHANNEL)
    person = await citizen(db, clock, "9001")
    await submit_case(db, clock, config, person, feedback("d-1"))  # due_soon fires 8/12 07:00
    async with db.transaction() as conn:  # what filing queued is out of the way
        await conn.execute("UPDATE outbox SET sent_at = created_at")
    timer = VirtualTimer(parties=2, start=local(8, 12, 7, 0).timestamp())
    until = timer.now + 4 * TICK
    limits = Limits(max_per_second=30, per_chat_seconds=1.0)
    other = await reopen()
    log = Log(timer)

    async def process(handle: Database, name: str) -> None:
        deliverer = Deliverer(
            handle,
            TimerClock(timer),
            {CHANNEL: log.channel(name)},
            limits=limits,
            timer=timer,
            instance=name,
        )
        try:
            while timer.now < until:
                if await fire_due(handle, TimerClock(timer), config):
                    await deliverer.deliver_due()
                await deliverer.deliver_due()
                await timer.sleep(TICK)
        finally:
            timer.leave()

    try:
        await asyncio.gather(process(db, "a"), process(other, "b"))
    finally:
        await other.close()

    sent = Counter((recipient, text) for _, _, recipient, text in log.sends)
    queued = await fetch(
        db, "SELECT sent_at, failed_at FROM outbox WHERE dedupe_key LIKE 'reminder:%'"
    )
    assert any("đến hạn" in text for _, text in sent), "the reminder was due"
    assert set(sent.values()) == {1}, "each once"
    assert len(sent) == len(queued)
    assert all(r["sent_at"] and not r["failed_at"] for r in queued)


@dataclass
class StalledChannel:
    """A platform that takes a send and answers only when told."""

    log: Log
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    answer: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, recipient: str, notice: Notice) -> None:
        self.log.sends.append((self.log.timer.now, "slow", recipient, notice.text))
        self.entered.set()
        await self.answer.wait()


@dataclass
class Busy:
    """A platform that asks to wait at the first send."""

    async def send(self, recipient: str, notice: Notice) -> None:
        raise RetryLaterError(1, "Too Many Requests: retry after 1")
