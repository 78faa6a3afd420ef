"""Publication on a real SQLite file, delivered by the real outbox within the real limits.

The Deliverer runs with the [outbox] limits of config.example.toml and `FakeTimer`, so two
thousand messages at 25 a second take no wall time; every assertion reads the times the
recording channel noted at each send.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from bot.config import Config
from bot.dialogs.announcements import starting_text
from bot.domain.people import Officer, Person
from bot.messages import Notice
from bot.services import Services
from bot.services.announcements import (
    Content,
    ProgressMessage,
    progress_due,
    progress_shown,
    publish,
    switch,
)
from bot.services.errors import CaseworkError
from bot.services.officers import find_officer, sync_from_config
from bot.services.outbox import Deliverer, Limits, notify
from storage import outbox
from storage.database import Database
from tests.conftest import SQLITE_ONLY
from tests.services.factories import CHANNEL, citizen, fetch
from tests.services.test_outbox_limits import RecordingChannel, most_in_one_second
from tests.support.clock import FakeTimer, FixedClock

TEXT = "Xã tổ chức tiêm phòng dại cho chó, mèo vào sáng Chủ Nhật 06/12/2026 tại nhà văn hóa."
CASE_NOTICE = "Hồ sơ SN-2026-00001 đã được thụ lý."
SUBSCRIBERS = 2000


async def officer(services: Services, telegram_id: int) -> Officer:
    await sync_from_config(services.db, services.clock, services.config, CHANNEL)
    found = await find_officer(services.db, CHANNEL, str(telegram_id))
    assert found is not None
    return found


async def people(db: Database, clock: FixedClock, first: int, count: int) -> list[Person]:
    return [await citizen(db, clock, str(first + n)) for n in range(count)]


def progress_at(chat: str = "100000001") -> ProgressMessage:
    return ProgressMessage(chat, 7, starting_text(SUBSCRIBERS))


async def pending(db: Database) -> int:
    [row] = await fetch(
        db, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
    )
    return int(row["n"])


@pytest.mark.slow
async def test_a_broadcast_to_two_thousand_subscribers_reaches_each_once_within_the_limits(
    services: Services, config: Config, db: Database, clock: FixedClock
) -> None:
    chairman = await officer(services, 100000001)
    subscribers = await people(db, clock, 300000, SUBSCRIBERS)
    for person in subscribers:
        await switch(db, clock, person, True)
    never = await people(db, clock, 400000, 40)
    left = await people(db, clock, 500000, 30)
    for person in left:
        await switch(db, clock, person, True)
        await switch(db, clock, person, False)
    blocked = {p.external_id for p in subscribers[::97]}
    timer = FakeTimer()
    channel = RecordingChannel(timer, blocked=blocked)
    limits = Limits(**config.outbox.model_dump())
    deliverer = Deliverer(db, clock, {CHANNEL: channel}, limits=limits, timer=timer)

    announcement = await publish(
        db, clock, config, chairman, "draft-1", Content(TEXT), progress_at()
    )
    replayed = await publish(db, clock, config, chairman, "draft-1", Content(TEXT), progress_at())

    assert replayed.id == announcement.id
    assert announcement.recipients == SUBSCRIBERS
    assert await pending(db) == SUBSCRIBERS, "published twice, queued once"

    # The first batch goes; then a case notice arrives and goes before the remaining bulk.
    first = await deliverer.deliver_due()
    assert 0 < first < SUBSCRIBERS
    [shown] = await progress_due(db)
    assert shown.changed
    assert not shown.done
    assert f"Còn lại: {SUBSCRIBERS - len(channel.sends):,}".replace(",", ".") in shown.text
    await progress_shown(db, clock, shown)
    assert await progress_due(db) == [], "nothing changed, nothing to edit"
    case_citizen = never[0]
    async with db.transaction() as conn:
        await notify(conn, case_citizen, Notice(CASE_NOTICE), "case:1:accepted", clock)
    before = len(channel.sends)
    await deliverer.deliver_due()
    assert channel.sends[before][2] == CASE_NOTICE

    texts = []
    runs = 0
    while await pending(db):
        runs += 1
        assert runs < 1000, "the outbox does not drain"
        await deliverer.deliver_due()
        for progress in await progress_due(db):
            texts.append(progress.text)
            await progress_shown(db, clock, progress)

    announced = [(at, chat) for at, chat, text in channel.sends if TEXT in text]
    assert Counter(chat for _, chat in announced) == Counter(p.external_id for p in subscribers)
    assert not {p.external_id for p in never + left} & {chat for _, chat in announced}
    assert most_in_one_second([at for at, _, _ in channel.sends]) <= limits.max_per_second
    tally = await outbox.tally(db.reader, f"announcement:{announcement.id}:")
    assert (tally.total, tally.sent, tally.failed, tally.remaining) == (
        SUBSCRIBERS,
        SUBSCRIBERS - len(blocked),
        len(blocked),
        0,
    )
    assert len(texts) == len(set(texts)), "each progress text shown once"
    final = texts[-1]
    assert "Đã gửi xong thông báo số 1" in final
    assert "Đã gửi: 1.979" in final
    assert "Không gửi được: 21" in final
    assert await progress_due(db) == [], "finished"
    [author] = await fetch(
        db, "SELECT recipient, payload FROM outbox WHERE dedupe_key = 'announcement-done:1'"
    )
    assert author["recipient"] == "100000001"
    assert Notice.from_json(author["payload"]).text == final


async def test_publishing_needs_a_leader_or_an_admin(
    services: Services, config: Config, db: Database, clock: FixedClock
) -> None:
    economy = await officer(services, 100000003)
    supervisor = await officer(services, 100000004)
    for person in await people(db, clock, 600000, 3):
        await switch(db, clock, person, True)
    for who in (economy, supervisor):
        with pytest.raises(CaseworkError):
            await publish(
                db, clock, config, who, f"d-{who.person_id}", Content(TEXT), progress_at()
            )
    assert await fetch(db, "SELECT * FROM announcements") == []
    assert await pending(db) == 0


async def test_each_choice_is_logged_once_with_its_time(db: Database, clock: FixedClock) -> None:
    person = await citizen(db, clock, "700001")
    assert await switch(db, clock, person, False) is False, "off by default"
    assert await switch(db, clock, person, True) is True
    clock.advance(timedelta(days=1))
    assert await switch(db, clock, person, True) is False
    assert await switch(db, clock, person, False) is True
    logged = await fetch(db, "SELECT subscribed, at FROM announcement_choices ORDER BY id")
    assert [tuple(r) for r in logged] == [
        (1, "2026-11-28T02:30:00.000000+00:00"),
        (0, "2026-11-29T02:30:00.000000+00:00"),
    ]


@SQLITE_ONLY
async def test_counting_an_announcements_messages_uses_the_key_index(db: Database) -> None:
    async with db.reader.execute(
        "EXPLAIN QUERY PLAN SELECT count(*), count(sent_at), count(failed_at) FROM outbox "
        "WHERE dedupe_key >= ? AND dedupe_key < ?",
        ("announcement:1:", "announcement:1;"),
    ) as cursor:
        plan = " ".join([str(row[3]) async for row in cursor])
    assert "USING INDEX sqlite_autoindex_outbox_1 (dedupe_key>? AND dedupe_key<?)" in plan


@SQLITE_ONLY
async def test_what_is_due_is_read_from_the_pending_index_bulk_last(db: Database) -> None:
    async with db.reader.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM outbox "
        "WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ? "
        "ORDER BY bulk, not_before, id LIMIT 10",
        ("2026-11-28",),
    ) as cursor:
        plan = " ".join([str(row[3]) async for row in cursor])
    assert "outbox_pending" in plan
    assert "TEMP B-TREE" not in plan, "no sort: the index gives the order"
