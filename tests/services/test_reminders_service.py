"""Deadline reminders, overdue alerts and digests with a fake clock on a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.services import casework
from bot.services.intake import submit_case
from bot.services.officers import find_officer, sync_from_config
from bot.services.reminders import fire_due, plan_ahead
from storage.database import Database
from tests.services.factories import citizen, complaint, feedback, fetch
from tests.support.clock import FixedClock

ECONOMY = "100000003"
CHAIRMAN = "100000001"
OFFICE = "100000002"


async def texts_to(db: Database, external_id: str) -> list[str]:
    rows = await fetch(
        db, "SELECT payload FROM outbox WHERE recipient = ? ORDER BY id", (external_id,)
    )
    return [json.loads(r["payload"])["text"] for r in rows]


async def setup(db: Database, clock: FixedClock, config: Config) -> int:
    """A feedback case filed Saturday 28/11/2026 09:30 local: due Friday 11/12/2026."""
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "9001")
    ticket = await submit_case(db, clock, config, person, feedback("d-1"))
    assert str(ticket.due_on) == "2026-12-11"
    return ticket.id


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    """A Hà Nội wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


async def test_reminders_fire_once_at_the_right_morning(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await setup(db, clock, config)

    async def due_soon() -> list[str]:
        return [text for text in await texts_to(db, ECONOMY) if "đến hạn" in text]

    clock.current = local(8, 12, 6, 59)  # three days before: Tuesday 8/12, just before 07:00
    await fire_due(db, clock, config)
    assert await due_soon() == []
    clock.current = local(8, 12, 7, 0)
    await fire_due(db, clock, config)
    await fire_due(db, clock, config)
    assert await due_soon() == [
        "⏰ Hồ sơ SN-2026-00001 đến hạn trả lời ngày 11/12/2026 (còn 3 ngày)."
    ], "fires once, at 07:00"
    clock.current = local(10, 12, 7, 0)
    await fire_due(db, clock, config)
    assert "(còn 1 ngày)" in (await due_soon())[-1]


async def test_overdue_alerts_assignee_and_leaders_and_is_never_dropped(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await setup(db, clock, config)
    # The bot was down for a week after the due date: late reminders are dropped, the alert is not.
    clock.current = local(19, 12, 10, 0)
    await fire_due(db, clock, config)
    dropped = await fetch(db, "SELECT kind FROM reminders WHERE dropped_at IS NOT NULL")
    assert sorted(r["kind"] for r in dropped) == ["due_soon", "due_soon"]
    for officer in (ECONOMY, CHAIRMAN):
        assert any("đã quá hạn" in text for text in await texts_to(db, officer))
    assert not any("đã quá hạn" in text for text in await texts_to(db, OFFICE))
    again = await fetch(db, "SELECT count(*) AS n FROM outbox")
    await fire_due(db, clock, config)
    assert await fetch(db, "SELECT count(*) AS n FROM outbox") == again, "catch-up happens once"


async def test_a_closed_case_is_not_reminded(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket_id = await setup(db, clock, config)
    officer = await find_officer(db, "telegram", ECONOMY)
    assert officer is not None
    await casework.accept(db, clock, config, officer, ticket_id)
    await casework.resolve(db, clock, config, officer, ticket_id, "Đã xử lý xong.")
    assert await fetch(db, "SELECT * FROM reminders WHERE ticket_id IS NOT NULL") == []
    clock.current = local(20, 12, 7, 0)
    await fire_due(db, clock, config)
    assert all("đến hạn" not in t and "quá hạn" not in t for t in await texts_to(db, ECONOMY))


async def test_acceptance_moves_a_complaints_reminders(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "9002")
    ticket = await submit_case(db, clock, config, person, complaint("d-2"))
    before = {
        r["key"]
        for r in await fetch(db, "SELECT key FROM reminders WHERE ticket_id = ?", (ticket.id,))
    }
    officer = await find_officer(db, "telegram", OFFICE)
    assert officer is not None
    accepted = await casework.accept(db, clock, config, officer, ticket.id)
    after = {
        r["key"]
        for r in await fetch(db, "SELECT key FROM reminders WHERE ticket_id = ?", (ticket.id,))
    }
    assert str(accepted.due_on) == "2026-12-28"
    assert before.isdisjoint(after)
    assert f"overdue:{ticket.id}:2026-12-28" in after


async def test_morning_digests(db: Database, clock: FixedClock, config: Config) -> None:
    await setup(db, clock, config)
    await plan_ahead(db, clock, config)
    clock.current = local(30, 11, 7, 0)  # Monday morning
    await fire_due(db, clock, config)
    officer = [t for t in await texts_to(db, ECONOMY) if t.startswith("📋")]
    assert len(officer) == 1
    assert "SN-2026-00001" in officer[0]
    leader = [t for t in await texts_to(db, CHAIRMAN) if t.startswith("📋")]
    assert len(leader) == 1
    assert "1 hồ sơ đang mở" in leader[0]
    # The next digest is planned for tomorrow, once.
    planned = await fetch(
        db, "SELECT key FROM reminders WHERE kind = 'digest' AND fired_at IS NULL"
    )
    assert [r["key"] for r in planned] == ["digest:2026-12-01"]
