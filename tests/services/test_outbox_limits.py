"""The outbox's pace, on a real SQLite file: Telegram's limits kept, nothing sent twice or lost.

`FakeTimer` is the Deliverer's time source: its sleep moves its time instead of waiting, so ten
thousand messages at a few thousand a second take seconds of test time. Every assertion reads
the times `RecordingChannel` recorded at each send, never the wall clock.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import TOKEN_ENV, Config, ConfigError, OutboxConfig, load_config
from bot.domain.people import Person
from bot.messages import Notice
from bot.services.outbox import (
    INTERRUPTED,
    LONGEST_WAIT_IN_RUN,
    Deliverer,
    Limits,
    RetryLaterError,
    UndeliverableError,
    backoff,
    notify,
)
from storage.database import Database
from tests.conftest import TOKEN
from tests.services.factories import CHANNEL, fetch
from tests.support.clock import FakeTimer, FixedClock

EPSILON = 1e-9  # float sums of 1/rate: a send exactly one second later is not "within" it


@dataclass
class RecordingChannel:
    """Records (time, recipient, text) of every send; fails as told."""

    timer: FakeTimer
    sends: list[tuple[float, str, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)  # texts refused on their own
    busy: dict[str, float] = field(default_factory=dict)  # text -> a 429's retry_after, once
    after_send: Callable[[], None] | None = None

    async def send(self, recipient: str, notice: Notice) -> None:
        self.sends.append((self.timer.monotonic(), recipient, notice.text))
        if recipient in self.blocked:
            raise UndeliverableError("Forbidden: bot was blocked by the user")
        if notice.text in self.refused:
            raise UndeliverableError("Bad Request: wrong file", whole_chat=False)
        if notice.text in self.busy:
            seconds = self.busy.pop(notice.text)
            raise RetryLaterError(seconds, f"Too Many Requests: retry after {seconds:g}")
        if self.after_send is not None:
            self.after_send()

    def texts(self) -> list[str]:
        return [text for _, _, text in self.sends]


def someone(n: int) -> Person:
    return Person(n, CHANNEL, str(n), f"Người {n}", None, None)


async def queue_all(db: Database, clock: FixedClock, messages: list[tuple[int, str]]) -> None:
    """Queue (chat, text) messages in one transaction, keyed by their text."""
    async with db.transaction() as conn:
        for chat, text in messages:
            await notify(conn, someone(chat), Notice(text), f"test:{text}", clock)


async def rows(db: Database) -> dict[str, dict[str, Any]]:
    found = await fetch(db, "SELECT * FROM outbox ORDER BY id")
    return {dict(r)["dedupe_key"].removeprefix("test:"): dict(r) for r in found}


async def pending(db: Database) -> int:
    [row] = await fetch(
        db, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
    )
    return int(row["n"])


async def drain(deliverer: Deliverer, db: Database, clock: FixedClock) -> int:
    """Run deliveries until nothing waits; moves the database clock when only retries do."""
    runs = 0
    while await pending(db):
        runs += 1
        assert runs < 10_000, "the outbox does not drain"
        if await deliverer.deliver_due() == 0:
            [row] = await fetch(
                db,
                "SELECT min(not_before) AS at FROM outbox "
                "WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            clock.current = max(clock.current, datetime.fromisoformat(row["at"]))
    return runs


def most_in_one_second(times: list[float]) -> int:
    """The most sends in any window [t, t + 1 s), t being a send."""
    ordered = sorted(times)
    return max(bisect_left(ordered, t + 1 - EPSILON) - i for i, t in enumerate(ordered))


def closest_per_chat(sends: list[tuple[float, str, str]]) -> float:
    by_chat: dict[str, list[float]] = defaultdict(list)
    for at, chat, _ in sends:
        by_chat[chat].append(at)
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    return min(gaps)


@pytest.mark.slow
async def test_ten_thousand_messages_drain_within_the_limits_exactly_once(
    db: Database, clock: FixedClock
) -> None:
    limits = Limits(max_per_second=2000, per_chat_seconds=1.0, batch=200)
    timer = FakeTimer()
    channel = RecordingChannel(timer)
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)
    messages = [(chat, f"{chat}/{k}") for chat in range(1, 2001) for k in range(5)]
    random.Random(7).shuffle(messages)  # as they come: a chat's messages spread over the queue
    await queue_all(db, clock, messages)

    await drain(deliverer, db, clock)

    assert len(channel.sends) == 10_000
    assert Counter(channel.texts()) == Counter(text for _, text in messages)
    assert all(r["sent_at"] and not r["failed_at"] for r in (await rows(db)).values())
    times = [at for at, _, _ in channel.sends]
    assert most_in_one_second(times) <= limits.max_per_second
    assert closest_per_chat(channel.sends) >= limits.per_chat_seconds - EPSILON
    # Nobody waits for a few busy chats while other chats could take a message: the queue
    # goes at nearly the overall limit (sleeping for the chats of a batch made it 200 a second).
    achieved = len(times) / (times[-1] - times[0])
    assert achieved > 0.9 * limits.max_per_second, achieved


async def test_a_chat_sent_to_too_recently_waits_while_other_chats_go(
    db: Database, clock: FixedClock
) -> None:
    limits = Limits(max_per_second=10, per_chat_seconds=1.0)
    timer = FakeTimer()
    channel = RecordingChannel(timer)
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)
    await queue_all(db, clock, [(1, "A1"), (1, "A2"), (1, "A3"), (2, "B1"), (3, "C1")])

    assert await deliverer.deliver_due() == 5

    assert channel.texts() == ["A1", "B1", "C1", "A2", "A3"]
    start = channel.sends[0][0]
    assert [round(at - start, 6) for at, _, _ in channel.sends] == [0, 0.1, 0.2, 1.0, 2.0]


async def test_a_crash_between_send_and_mark_never_sends_twice(
    db: Database, clock: FixedClock
) -> None:
    """The process dies right after the platform accepted the 23rd message, before it was
    marked: the next process does not send it again (it may have arrived) but records why, and
    sends every other exactly once."""
    limits = Limits(max_per_second=100, per_chat_seconds=1.0)
    timer = FakeTimer()
    messages = [(chat, f"{chat}/{k}") for k in range(5) for chat in range(1, 11)]
    await queue_all(db, clock, messages)
    channel = RecordingChannel(timer)

    def die_after_the_23rd() -> None:
        if len(channel.sends) == 23:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # lands at the next await: the transaction that marks it sent

    channel.after_send = die_after_the_23rd
    first = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)
    with pytest.raises(asyncio.CancelledError):
        await first.deliver_due()
    crashed = channel.texts()[-1]
    stored = await rows(db)
    assert [k for k, r in stored.items() if r["sent_at"]] == channel.texts()[:22]
    assert stored[crashed]["sent_at"] is None

    channel.after_send = None
    again = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)  # new process
    await drain(again, db, clock)

    counts = Counter(channel.texts())
    assert set(counts.values()) == {1}, "nothing twice"
    assert set(counts) == {text for _, text in messages}, "none lost"
    stored = await rows(db)
    assert stored[crashed]["sent_at"] is None
    assert stored[crashed]["last_error"] == INTERRUPTED
    assert all(r["sent_at"] for k, r in stored.items() if k != crashed)


async def test_a_blocked_chat_is_tried_once_and_all_its_messages_fail(
    db: Database, clock: FixedClock
) -> None:
    timer = FakeTimer()
    channel = RecordingChannel(timer, blocked={"2"})
    limits = Limits(max_per_second=100, per_chat_seconds=1.0)
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)
    await queue_all(db, clock, [(2, "B1"), (1, "A1"), (2, "B2"), (2, "B3"), (1, "A2")])

    await drain(deliverer, db, clock)

    assert channel.texts() == ["B1", "A1", "A2"]
    stored = await rows(db)
    for key, attempts in (("B1", 1), ("B2", 0), ("B3", 0)):
        assert stored[key]["failed_at"] is not None
        assert stored[key]["sent_at"] is None
        assert stored[key]["attempts"] == attempts
        assert stored[key]["last_error"] == "Forbidden: bot was blocked by the user"
    assert stored["A1"]["sent_at"]
    assert stored["A2"]["sent_at"]
    clock.advance(timedelta(days=1))
    assert await deliverer.deliver_due() == 0
    assert len(channel.sends) == 3


async def test_a_refused_message_fails_alone(db: Database, clock: FixedClock) -> None:
    timer = FakeTimer()
    channel = RecordingChannel(timer, refused={"A2"})
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=Limits(100, 1.0), timer=timer)
    await queue_all(db, clock, [(1, "A1"), (1, "A2"), (1, "A3")])

    assert await deliverer.deliver_due() == 2

    stored = await rows(db)
    assert stored["A2"]["failed_at"] is not None
    assert stored["A1"]["sent_at"]
    assert stored["A3"]["sent_at"]


async def test_a_429_postpones_the_message_and_pauses_every_send(
    db: Database, clock: FixedClock
) -> None:
    timer = FakeTimer()
    channel = RecordingChannel(timer, busy={"B1": 3.0})
    limits = Limits(max_per_second=100, per_chat_seconds=1.0)
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)
    await queue_all(db, clock, [(1, "A1"), (2, "B1"), (3, "C1"), (4, "D1")])
    start = clock.now()

    assert await deliverer.deliver_due() == 1, "the run stops at the 429"

    refused_at = channel.sends[-1][0]
    stored = await rows(db)
    assert datetime.fromisoformat(stored["B1"]["not_before"]) == start + timedelta(seconds=3)
    assert stored["B1"]["attempts"] == 1
    assert stored["C1"]["attempts"] == stored["D1"]["attempts"] == 0, "the rest untouched"

    assert await deliverer.deliver_due() == 2
    assert channel.texts() == ["A1", "B1", "C1", "D1"]
    assert channel.sends[2][0] >= refused_at + 3.0, "nothing sent before the wait is over"

    await drain(deliverer, db, clock)
    assert channel.texts() == ["A1", "B1", "C1", "D1", "B1"]
    assert all(r["sent_at"] for r in (await rows(db)).values())


async def test_a_long_wait_is_not_sat_out_inside_a_run(db: Database, clock: FixedClock) -> None:
    """A run never sleeps through a long flood wait (shutting down would wait for it)."""
    timer = FakeTimer()
    wait = LONGEST_WAIT_IN_RUN + 25
    channel = RecordingChannel(timer, busy={"A1": wait})
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=Limits(25, 1.0), timer=timer)
    await queue_all(db, clock, [(1, "A1"), (2, "B1")])

    assert await deliverer.deliver_due() == 0
    refused_at = timer.now
    assert await deliverer.deliver_due() == 0
    assert timer.now == refused_at, "returned at once, without sleeping"
    assert channel.texts() == ["A1"]

    timer.now += wait
    assert await deliverer.deliver_due() == 1
    assert channel.texts() == ["A1", "B1"]
    clock.advance(backoff(0) + timedelta(seconds=wait))
    assert await deliverer.deliver_due() == 1
    assert channel.texts() == ["A1", "B1", "A1"]


def test_the_limits_come_from_the_outbox_section(config: Config, config_path: Path) -> None:
    assert config.outbox == OutboxConfig(max_per_second=25, per_chat_seconds=1.0, batch=200)
    text = config_path.read_text(encoding="utf-8").replace(
        "max_per_second = 25", "max_per_second = 40"
    )
    config_path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config_path, environ={TOKEN_ENV: TOKEN})
    assert [p.path for p in caught.value.problems] == ["outbox.max_per_second"]
