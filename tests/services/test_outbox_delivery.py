"""Delivering the outbox on a real SQLite file, through a fake channel.

The only test double here is `FakeChannel`, a stand-in for the chat platform (what a real
`Sender` talks to); the outbox rows are queued with the real `notify` and read from the table.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.domain.choices import Option
from bot.domain.people import Person
from bot.messages import Delivery, Notice
from bot.services.citizens import give_consent
from bot.services.outbox import (
    INTERRUPTED,
    LONGEST_WAIT_BACKOFF,
    MAX_ATTEMPTS,
    Deliverer,
    RetryLaterError,
    UndeliverableError,
    backoff,
    notify,
)
from storage.database import Database
from tests.conftest import SQLITE_ONLY
from tests.services.factories import CHANNEL, fetch
from tests.support.clock import FixedClock


@dataclass
class FakeChannel:
    """Records what it is asked to send; fails for the recipients it is told to."""

    undeliverable: set[str] = field(default_factory=set)
    retry_later: dict[str, tuple[float, str]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # fails in a way the Sender does not promise
    gate: asyncio.Event | None = None  # when set up, every send waits for it
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    attempts: list[tuple[str, Notice]] = field(default_factory=list)
    delivered: list[tuple[str, Notice]] = field(default_factory=list)

    async def send(self, recipient: str, notice: Notice) -> None:
        self.attempts.append((recipient, notice))
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if recipient in self.undeliverable:
            raise UndeliverableError(f"{recipient} blocked the bot")
        if recipient in self.retry_later:
            seconds, reason = self.retry_later[recipient]
            raise RetryLaterError(seconds, reason)
        if recipient in self.broken:
            raise RuntimeError("the platform answered something unexpected")
        self.delivered.append((recipient, notice))

    def tries_for(self, recipient: str) -> int:
        return sum(1 for who, _ in self.attempts if who == recipient)


async def person(
    db: Database, clock: FixedClock, external_id: str, channel: str = CHANNEL
) -> Person:
    return await give_consent(db, clock, channel, external_id, f"Người {external_id}")


async def queue(
    db: Database, clock: FixedClock, who: Person, notice: Notice, key: str
) -> dict[str, Any]:
    async with db.transaction() as conn:
        await notify(conn, who, notice, key, clock)
    return await row(db, key)


async def row(db: Database, key: str) -> dict[str, Any]:
    [found] = await fetch(db, "SELECT * FROM outbox WHERE dedupe_key = ?", (key,))
    return dict(found)


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def notice(text: str) -> Notice:
    return Notice(text=text, ref="case.7", options=(Option("accept", "✅ Tiếp nhận"),))


async def test_delivered_messages_are_marked_sent_and_not_sent_again(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    first, second = await person(db, clock, "501"), await person(db, clock, "502")
    photo = Notice(text="Ảnh 1 của hồ sơ SN-2026-00001", photo="file-a")
    await queue(db, clock, first, notice("Hồ sơ mới SN-2026-00001"), "k1")
    await queue(db, clock, second, photo, "k2")
    await queue(db, clock, first, notice("Hồ sơ mới SN-2026-00002"), "k3")
    clock.advance(timedelta(seconds=1))

    assert await deliverer.deliver_due() == 3

    assert channel.delivered == [
        ("501", notice("Hồ sơ mới SN-2026-00001")),
        ("502", photo),
        ("501", notice("Hồ sơ mới SN-2026-00002")),
    ]
    for key in ("k1", "k2", "k3"):
        stored = await row(db, key)
        assert at(stored["sent_at"]) == clock.now()
        assert stored["failed_at"] is None
        assert stored["attempts"] == 0
    clock.advance(timedelta(days=1))
    assert await deliverer.deliver_due() == 0
    assert len(channel.attempts) == 3


async def test_only_what_is_due_and_only_up_to_the_limit(db: Database, clock: FixedClock) -> None:
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "511")
    for n in range(5):
        await queue(db, clock, who, notice(f"Tin {n}"), f"k{n}")

    assert await deliverer.deliver_due(limit=2) == 2
    assert [n.text for _, n in channel.delivered] == ["Tin 0", "Tin 1"]
    assert await deliverer.deliver_due(limit=10) == 3
    assert [n.text for _, n in channel.delivered] == [f"Tin {n}" for n in range(5)]


async def test_an_undeliverable_recipient_is_marked_failed_and_never_retried(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(undeliverable={"521"})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    gone, here = await person(db, clock, "521"), await person(db, clock, "522")
    await queue(db, clock, gone, notice("Cho người đã chặn bot"), "gone")
    await queue(db, clock, here, notice("Cho người còn dùng"), "here")

    assert await deliverer.deliver_due() == 1

    failed = await row(db, "gone")
    assert at(failed["failed_at"]) == clock.now()
    assert failed["sent_at"] is None
    assert failed["last_error"] == "521 blocked the bot"
    assert failed["attempts"] == 1
    assert (await row(db, "here"))["sent_at"] is not None
    for _ in range(3):
        clock.advance(timedelta(hours=1))
        assert await deliverer.deliver_due() == 0
    assert channel.tries_for("521") == 1


async def test_retry_later_postpones_by_the_platforms_wait_then_delivers(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(retry_later={"531": (30.0, "Too Many Requests: retry after 30")})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "531")
    await queue(db, clock, who, notice("Hồ sơ đã được thụ lý"), "busy")
    start = clock.now()

    assert await deliverer.deliver_due() == 0

    waiting = await row(db, "busy")
    assert at(waiting["not_before"]) == start + timedelta(seconds=30)  # 30 s > backoff(0) = 1 s
    assert waiting["attempts"] == 1
    assert waiting["last_error"] == "Too Many Requests: retry after 30"
    assert waiting["sent_at"] is None
    assert waiting["failed_at"] is None

    clock.advance(timedelta(seconds=29))
    assert await deliverer.deliver_due() == 0
    assert channel.tries_for("531") == 1, "not before its time"

    del channel.retry_later["531"]
    clock.advance(timedelta(seconds=1))
    assert await deliverer.deliver_due() == 1
    assert channel.delivered == [("531", notice("Hồ sơ đã được thụ lý"))]
    done = await row(db, "busy")
    assert at(done["sent_at"]) == start + timedelta(seconds=30)
    assert done["attempts"] == 1


async def test_a_short_wait_gives_way_to_the_growing_backoff(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(retry_later={"541": (0.5, "network down")})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "541")
    await queue(db, clock, who, notice("Tin"), "flaky")

    for attempts in range(4):
        before = clock.now()
        assert await deliverer.deliver_due() == 0
        stored = await row(db, "flaky")
        expected = max(timedelta(seconds=0.5), backoff(attempts))
        assert at(stored["not_before"]) == before + expected
        assert expected == timedelta(seconds=2**attempts)
        assert stored["attempts"] == attempts + 1
        clock.current = before + expected
    assert channel.tries_for("541") == 4


async def test_a_network_outage_of_any_length_never_gives_a_message_up(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(retry_later={"552": (5.0, "Bad Gateway")})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "552")
    await queue(db, clock, who, notice("Hồ sơ đã được giải quyết"), "outage")
    start = clock.now()

    for _ in range(3 * MAX_ATTEMPTS):
        assert await deliverer.deliver_due() == 0
        stored = await row(db, "outage")
        assert stored["failed_at"] is None
        when = at(stored["not_before"])
        assert when is not None
        assert when - clock.now() <= LONGEST_WAIT_BACKOFF, "asked again every half minute"
        clock.current = when
    assert clock.now() - start > timedelta(minutes=10)

    del channel.retry_later["552"]
    assert await deliverer.deliver_due() == 1
    assert await deliverer.deliver_due() == 0
    assert channel.delivered == [("552", notice("Hồ sơ đã được giải quyết"))]
    assert channel.tries_for("552") == 3 * MAX_ATTEMPTS + 1


async def test_after_max_attempts_a_broken_message_is_marked_failed(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(broken={"551"})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "551")
    await queue(db, clock, who, notice("Tin"), "hopeless")

    for _ in range(MAX_ATTEMPTS - 1):
        assert await deliverer.deliver_due() == 0
        stored = await row(db, "hopeless")
        assert stored["failed_at"] is None
        when = at(stored["not_before"])
        assert when is not None
        clock.current = when
    assert await deliverer.deliver_due() == 0

    failed = await row(db, "hopeless")
    assert at(failed["failed_at"]) == clock.now()
    assert failed["attempts"] == MAX_ATTEMPTS
    assert failed["last_error"] == "RuntimeError: the platform answered something unexpected"
    assert failed["sent_at"] is None
    assert channel.tries_for("551") == MAX_ATTEMPTS
    clock.advance(timedelta(days=1))
    assert await deliverer.deliver_due() == 0
    assert channel.tries_for("551") == MAX_ATTEMPTS


async def test_a_message_for_an_unknown_channel_is_marked_failed(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    zalo = await person(db, clock, "561", channel="zalo")
    telegram = await person(db, clock, "562")
    await queue(db, clock, zalo, notice("Qua Zalo"), "zalo")
    await queue(db, clock, telegram, notice("Qua Telegram"), "telegram")

    assert await deliverer.deliver_due() == 1

    failed = await row(db, "zalo")
    assert failed["channel"] == "zalo"
    assert at(failed["failed_at"]) == clock.now()
    assert failed["last_error"] == "no channel zalo"
    assert failed["sent_at"] is None
    assert channel.attempts == [("562", notice("Qua Telegram"))]
    clock.advance(timedelta(hours=1))
    assert await deliverer.deliver_due() == 0


async def test_two_concurrent_runs_never_send_a_message_twice(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(gate=asyncio.Event())
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    people = [await person(db, clock, f"57{n}") for n in range(4)]
    for n, who in enumerate(people):
        await queue(db, clock, who, notice(f"Tin {n}"), f"k{n}")

    first = asyncio.create_task(deliverer.deliver_due())
    await channel.entered.wait()  # the first run is in the middle of sending
    second = asyncio.create_task(deliverer.deliver_due())
    assert channel.gate is not None
    channel.gate.set()
    counts = await asyncio.gather(first, second)

    assert sorted(counts) == [0, 4]
    assert sorted(who for who, _ in channel.attempts) == ["570", "571", "572", "573"]
    rows = await fetch(db, "SELECT sent_at, attempts FROM outbox")
    assert all(r["sent_at"] is not None and r["attempts"] == 0 for r in rows)


async def test_many_concurrent_runs_share_the_work_without_duplicates(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "581")
    for n in range(12):
        await queue(db, clock, who, notice(f"Tin {n}"), f"k{n}")

    counts = await asyncio.gather(*(deliverer.deliver_due(limit=5) for _ in range(4)))

    assert sum(counts) == 12
    assert sorted(n.text for _, n in channel.delivered) == sorted(f"Tin {n}" for n in range(12))
    assert len(channel.attempts) == 12


async def test_notify_with_the_same_key_queues_one_message(db: Database, clock: FixedClock) -> None:
    who = await person(db, clock, "591")
    first = await queue(db, clock, who, notice("Lần đầu"), "event:7:591")
    clock.advance(timedelta(minutes=1))
    again = await queue(db, clock, who, notice("Lần hai"), "event:7:591")

    assert again == first
    rows = await fetch(db, "SELECT recipient, payload FROM outbox")
    assert len(rows) == 1
    assert rows[0]["recipient"] == "591"
    assert Notice.from_json(rows[0]["payload"]) == notice("Lần đầu")

    channel = FakeChannel()
    assert await Deliverer(db, clock, {CHANNEL: channel}).deliver_due() == 1
    assert channel.delivered == [("591", notice("Lần đầu"))]


async def test_a_message_queued_in_a_failed_transaction_is_never_sent(
    db: Database, clock: FixedClock
) -> None:
    """The change and its message commit together or not at all."""
    who = await person(db, clock, "595")
    with contextlib.suppress(LookupError):
        async with db.transaction() as conn:
            await notify(conn, who, notice("Không bao giờ gửi"), "rolled-back", clock)
            raise LookupError("the change it belonged to failed")

    assert await fetch(db, "SELECT * FROM outbox") == []
    channel = FakeChannel()
    assert await Deliverer(db, clock, {CHANNEL: channel}).deliver_due() == 0
    assert channel.attempts == []


async def test_one_message_failing_unexpectedly_does_not_block_the_others(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel(broken={"599"})
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    poison, fine = await person(db, clock, "599"), await person(db, clock, "598")
    await queue(db, clock, poison, notice("Tin lỗi"), "poison")
    await queue(db, clock, fine, notice("Tin bình thường"), "fine")

    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            await deliverer.deliver_due()
        clock.advance(timedelta(minutes=10))

    assert (await row(db, "fine"))["sent_at"] is not None
    assert (await row(db, "poison"))["attempts"] > 0


@SQLITE_ONLY
async def test_a_message_sent_but_not_recorded_is_not_sent_again(
    db: Database, clock: FixedClock
) -> None:
    """The database refuses to record a send (a full disk, say): the message is remembered as
    sent, nothing else goes until the record is written, and it is never sent twice."""
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "581")
    await queue(db, clock, who, notice("Hồ sơ đã được tiếp nhận"), "first")
    await queue(db, clock, who, notice("Hồ sơ đã được giải quyết"), "second")
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TRIGGER no_room BEFORE UPDATE OF sent_at ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )

    for _ in range(3):
        with pytest.raises(sqlite3.IntegrityError, match="full"):
            await deliverer.deliver_due()
        clock.advance(timedelta(minutes=1))
    assert channel.delivered == [("581", notice("Hồ sơ đã được tiếp nhận"))]
    assert (await row(db, "first"))["sent_at"] is None

    async with db.transaction() as conn:
        await conn.execute("DROP TRIGGER no_room")
    assert await deliverer.deliver_due() == 1
    assert channel.delivered == [
        ("581", notice("Hồ sơ đã được tiếp nhận")),
        ("581", notice("Hồ sơ đã được giải quyết")),
    ]
    assert (await row(db, "first"))["sent_at"] is not None
    assert (await row(db, "second"))["sent_at"] is not None


async def crash_while_sending(db: Database, clock: FixedClock) -> list[tuple[str, Notice]]:
    """A run is cut off (the process dies) while the platform holds the message's send: the
    row stays in flight. Returns what the platform was asked to send."""
    channel = FakeChannel(gate=asyncio.Event())
    run = asyncio.create_task(Deliverer(db, clock, {CHANNEL: channel}).deliver_due())
    entered = asyncio.create_task(channel.entered.wait())
    await asyncio.wait((run, entered), return_when=asyncio.FIRST_COMPLETED)
    entered.cancel()
    run.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await run
    return channel.attempts


def result_notice() -> Notice:
    return Notice(
        text="Hồ sơ SN-2026-00009 đã được giải quyết: đã thu dọn. Ông/bà có hài lòng không?",
        ref="rate.9",
        options=(Option("satisfied", "😊 Hài lòng"), Option("unsatisfied", "😞 Chưa hài lòng")),
        delivery=Delivery.AT_LEAST_ONCE,
    )


async def test_a_notice_someone_waits_for_is_sent_again_after_a_crash_mid_send(
    db: Database, clock: FixedClock
) -> None:
    """The case result was being sent when the bot died: it may or may not have arrived, so
    it goes again after the restart, the same text with the same buttons."""
    who = await person(db, clock, "601")
    await queue(db, clock, who, result_notice(), "event:9:601")
    assert await crash_while_sending(db, clock) == [("601", result_notice())]

    channel = FakeChannel()
    assert await Deliverer(db, clock, {CHANNEL: channel}).deliver_due() == 1

    assert channel.delivered == [("601", result_notice())]
    stored = await row(db, "event:9:601")
    assert stored["sent_at"] is not None
    assert stored["failed_at"] is None
    assert stored["attempts"] == 1, "the interrupted try is counted"


async def test_an_announcement_interrupted_mid_send_is_not_sent_again(
    db: Database, clock: FixedClock
) -> None:
    who = await person(db, clock, "602")
    await queue(db, clock, who, Notice("Lịch cắt điện thứ Hai"), "announcement:3:602")
    await crash_while_sending(db, clock)

    channel = FakeChannel()
    assert await Deliverer(db, clock, {CHANNEL: channel}).deliver_due() == 0

    assert channel.attempts == []
    stored = await row(db, "announcement:3:602")
    assert stored["last_error"] == INTERRUPTED
    assert stored["failed_at"] is not None


async def test_a_notice_that_kills_the_bot_every_time_is_given_up_after_max_attempts(
    db: Database, clock: FixedClock
) -> None:
    """At least once, but not forever: a notice whose send crashes the bot each time would
    otherwise take it down at every start."""
    who = await person(db, clock, "603")
    await queue(db, clock, who, result_notice(), "event:9:603")
    for _ in range(MAX_ATTEMPTS):
        await crash_while_sending(db, clock)

    channel = FakeChannel()
    assert await Deliverer(db, clock, {CHANNEL: channel}).deliver_due() == 0

    assert channel.attempts == []
    stored = await row(db, "event:9:603")
    assert stored["failed_at"] is not None
    assert stored["last_error"] == INTERRUPTED
    assert stored["attempts"] == MAX_ATTEMPTS


async def test_a_row_nobody_can_read_does_not_block_the_others(
    db: Database, clock: FixedClock
) -> None:
    channel = FakeChannel()
    deliverer = Deliverer(db, clock, {CHANNEL: channel})
    who = await person(db, clock, "604")
    await queue(db, clock, who, notice("Tin hỏng"), "broken")
    await queue(db, clock, who, notice("Tin bình thường"), "fine")
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET payload = '{\"text\": 1' WHERE dedupe_key = 'broken'")

    for _ in range(MAX_ATTEMPTS):
        await deliverer.deliver_due()
        clock.advance(timedelta(minutes=10))

    assert channel.delivered == [("604", notice("Tin bình thường"))]
    broken = await row(db, "broken")
    assert broken["failed_at"] is not None
    assert "JSONDecodeError" in broken["last_error"]
