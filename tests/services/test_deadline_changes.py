"""A denunciation extended (twice at most, each with its reason); a complaint made complex."""

from __future__ import annotations

import json

import pytest

from bot.config import Config
from bot.domain.tickets import Kind
from bot.services import casework
from bot.services.errors import CaseworkError
from bot.services.intake import submit_case
from bot.services.officers import find_officer, sync_from_config
from storage.database import Database
from tests.services.factories import citizen, complaint, fetch
from tests.support.clock import FixedClock

CHAIRMAN = "100000001"


async def test_a_denunciation_is_extended_twice_at_most(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "9100")
    draft = complaint("d-den").model_copy(update={"kind": Kind.DENUNCIATION})
    ticket = await submit_case(db, clock, config, person, draft)
    leader = await find_officer(db, "telegram", CHAIRMAN)
    assert leader is not None
    assert ticket.assignee_id == leader.person_id
    accepted = await casework.accept(db, clock, config, leader, ticket.id)
    # Accepted Saturday 28/11/2026: 30 days is Monday 28/12; +30 is 27/1/2027; +30 is 26/2/2027.
    assert str(accepted.due_on) == "2026-12-28"
    first = await casework.extend(
        db, clock, config, leader, ticket.id, "Cần xác minh thêm nhân chứng."
    )
    second = await casework.extend(db, clock, config, leader, ticket.id, "Chờ kết quả giám định.")
    assert (str(first.due_on), str(second.due_on)) == ("2027-01-27", "2027-02-26")
    with pytest.raises(CaseworkError) as refused:
        await casework.extend(db, clock, config, leader, ticket.id, "Lần ba.")
    assert refused.value.reason == "case.no_more_time"
    notes = await fetch(db, "SELECT note FROM ticket_events WHERE action = 'extend' ORDER BY id")
    assert [r["note"] for r in notes] == ["Cần xác minh thêm nhân chứng.", "Chờ kết quả giám định."]
    # The denouncer is told through their pseudonym (sealed), never by their own chat id.
    assert await fetch(db, "SELECT 1 FROM outbox WHERE recipient = '9100'") == []
    told = await fetch(db, "SELECT payload FROM outbox WHERE channel = 'sealed' ORDER BY id")
    assert "Hạn giải quyết mới: 26/02/2027" in json.loads(told[-1]["payload"])["text"]
    with pytest.raises(CaseworkError):
        await casework.mark_complex(db, clock, config, leader, ticket.id, "Không áp dụng.")


async def test_complex_only_once_and_only_after_acceptance(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "9101")
    ticket = await submit_case(db, clock, config, person, complaint("d-cx"))
    office = await find_officer(db, "telegram", "100000002")
    assert office is not None
    with pytest.raises(CaseworkError):
        await casework.mark_complex(db, clock, config, office, ticket.id, "Chưa thụ lý.")
    await casework.accept(db, clock, config, office, ticket.id)
    done = await casework.mark_complex(db, clock, config, office, ticket.id, "Nhiều bên liên quan.")
    assert str(done.due_on) == "2027-01-12"
    with pytest.raises(CaseworkError):
        await casework.mark_complex(db, clock, config, office, ticket.id, "Lần hai.")
    with pytest.raises(CaseworkError):
        await casework.extend(db, clock, config, office, ticket.id, "Khiếu nại không gia hạn.")
