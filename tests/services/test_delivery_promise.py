"""Which notices come again when the bot dies while sending them, queued by the real services.

Each queued notice is cut short once in the middle of its send (the run is cancelled while the
platform holds it, as a `kill -9` would leave it), then a new run delivers: what someone waits
for (every notice of a case, the erasure request and its completion) is sent again, the same;
announcements and reminders are not.
"""

from __future__ import annotations

import asyncio
import contextlib

from bot.config import Config
from bot.messages import Notice
from bot.services import announcements, privacy
from bot.services.announcements import Content, ProgressMessage
from bot.services.outbox import INTERRUPTED, Deliverer
from bot.services.reminders import fire_due
from storage import outbox
from storage.database import Database
from tests.services.factories import CHANNEL, citizen, feedback, fetch
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    accept,
    ask,
    file,
    rate,
    resolve,
    step,
    world,
    writes,
)
from tests.services.test_outbox_delivery import FakeChannel
from tests.services.test_reminders_service import local
from tests.support.clock import FixedClock


async def cut_short_then_delivered(db: Database, clock: FixedClock) -> list[tuple[str, Notice]]:
    """Every due notice in turn: its send is cut off, then a new run takes it; returns what
    the new runs delivered."""
    delivered: list[tuple[str, Notice]] = []
    while await outbox.due(db.reader, clock.now(), 1):
        held = FakeChannel(gate=asyncio.Event())
        run = asyncio.create_task(Deliverer(db, clock, {CHANNEL: held}).deliver_due(limit=1))
        await held.entered.wait()
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run
        again = FakeChannel()
        await Deliverer(db, clock, {CHANNEL: again}).deliver_due(limit=1)
        delivered += again.delivered
        [(who, notice)] = held.attempts
        assert again.delivered in ([], [(who, notice)]), "the same notice, or nothing"
    return delivered


async def test_case_notices_come_again_announcements_and_reminders_do_not(
    db: Database, clock: FixedClock, config: Config
) -> None:
    clock.current = local(30, 11, 9)  # a Monday morning, outside the quiet hours
    w = await world(db, clock, config)
    reader = await citizen(db, clock, "9002", "Người đọc")
    await announcements.switch(db, clock, reader, True)
    ticket = await file(w, feedback("d-promise"))
    await file(w, feedback("d-forgotten", "Ổ gà trước cổng trường thôn Đoài."))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    await step(w, ticket.id, ask(w, ECONOMY, ticket.id, "Đèn ở cột số mấy?"))
    await step(w, ticket.id, writes(w, ticket.id, "Cột số 12."))
    await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã thay bóng đèn mới."))
    await step(w, ticket.id, rate(w, ticket.id, satisfied=False))
    await announcements.publish(
        db,
        clock,
        config,
        w.officer(CHAIRMAN),
        "ann-draft",
        Content("Lịch cắt điện thứ Hai 7/12/2026, thôn Đông."),
        ProgressMessage(CHAIRMAN, 1, "📣"),
    )
    leaving = await citizen(db, clock, "9003", "Người xin xóa")
    erasure, _ = await privacy.request_erasure(db, clock, config, leaving)
    waited = await cut_short_then_delivered(db, clock)

    clock.current = local(19, 12, 10)  # days after the open case's due date: it is overdue
    await fire_due(db, clock, config)
    reminded = await cut_short_then_delivered(db, clock)
    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), erasure.id)
    erased = await cut_short_then_delivered(db, clock)

    texts = [notice.text for _, notice in waited]
    assert [who for who, _ in waited].count(ECONOMY) >= 4, "card, reply, rating, reopened card"
    for words in (
        "Hồ sơ mới",
        "đã được thụ lý",
        "Đèn ở cột số mấy?",
        "Cột số 12.",
        "Đã thay bóng đèn mới.",
        "được mở lại",
        "yêu cầu xóa",
    ):
        assert any(words.lower() in text.lower() for text in texts), (words, texts)
    assert not any("Lịch cắt điện" in text for text in texts), "announcements: at most once"
    assert reminded == [], "reminders: at most once"
    assert await fetch(db, "SELECT 1 FROM outbox WHERE dedupe_key LIKE 'reminder:%'")
    assert len(erased) == 1, "the erasure done notice comes again"
    rows = await fetch(db, "SELECT dedupe_key, last_error FROM outbox WHERE failed_at IS NOT NULL")
    assert {row["last_error"] for row in rows} == {INTERRUPTED}
    failed = sorted(row["dedupe_key"].split(":")[0] for row in rows)
    assert set(failed) == {"announcement", "reminder"}, failed
