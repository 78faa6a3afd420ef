"""Case work on a real SQLite file: each action's status, fields, audit row and outbox rows.

Officers come from config.example.toml through `sync_from_config`:
Nguyễn Văn An (chairman: leader, admin), Trần Thị Bình (Văn phòng: officer, reception),
Lê Văn Cường (Phòng Kinh tế: officer), Phạm Thị Dung (MTTQ: supervisor). Some tests add a vice
chairman or a second officer to a copy of the config. The outbox table is read directly.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.config import Config
from bot.config import Officer as OfficerEntry
from bot.domain.draft import Draft
from bot.domain.people import Officer, Person, Role
from bot.domain.tickets import Kind, Status, Ticket
from bot.services import casework, citizen_replies
from bot.services.errors import CaseworkError
from bot.services.intake import submit_case
from bot.services.officers import find_officer, sync_from_config
from storage import tickets
from storage.database import Database
from tests.services.factories import CHANNEL, citizen, complaint, feedback, fetch
from tests.support.clock import FixedClock

CHAIRMAN = "100000001"  # leader, admin; the chairman
OFFICE = "100000002"  # officer, reception; Văn phòng
ECONOMY = "100000003"  # officer; Phòng Kinh tế
SUPERVISOR = "100000004"  # supervisor
VICE = "100000005"  # leader, added to a copy of the config
ECONOMY_2 = "100000006"  # officer in Phòng Kinh tế, added to a copy of the config
OFFICE_2 = "100000007"  # officer in Văn phòng, added to a copy of the config

DENOUNCER = "Trần Văn Hùng"
DENOUNCER_PHONE = "0912345678"
DENOUNCER_ADDRESS = "Số 12, thôn Đoài, xã Sơn Ninh"


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


def with_officers(config: Config, *extra: OfficerEntry) -> Config:
    return config.model_copy(update={"officers": [*config.officers, *extra]})


def vice_chairman() -> OfficerEntry:
    return OfficerEntry(
        telegram_id=int(VICE), name="Đỗ Thị Vân", title="Phó Chủ tịch", roles=[Role.LEADER]
    )


def second_economist() -> OfficerEntry:
    return OfficerEntry(
        telegram_id=int(ECONOMY_2),
        name="Hoàng Văn Minh",
        title="Công chức Nông nghiệp",
        department="kinh-te",
        roles=[Role.OFFICER],
    )


def second_clerk() -> OfficerEntry:
    return OfficerEntry(
        telegram_id=int(OFFICE_2),
        name="Vũ Thị Hoa",
        title="Công chức Tư pháp",
        department="van-phong",
        roles=[Role.OFFICER],
    )


def denunciation(draft_id: str) -> Draft:
    """A complete denunciation, with the denouncer's name, phone and address."""
    return complaint(draft_id).model_copy(
        update={
            "kind": Kind.DENUNCIATION,
            "content": "Cán bộ địa chính nhận tiền để làm sổ đỏ sai quy định ở thôn Đông.",
        }
    )


@dataclass
class World:
    db: Database
    clock: FixedClock
    config: Config
    staff: dict[str, Officer]
    person: Person

    def officer(self, external_id: str) -> Officer:
        return self.staff[external_id]


async def world(
    db: Database, clock: FixedClock, config: Config, citizen_name: str = "Người dân"
) -> World:
    await sync_from_config(db, clock, config, CHANNEL)
    staff = {}
    for entry in config.officers:
        found = await find_officer(db, CHANNEL, str(entry.telegram_id))
        assert found is not None
        staff[str(entry.telegram_id)] = found
    person = await citizen(db, clock, "9001", citizen_name)
    return World(db, clock, config, staff, person)


async def file(w: World, draft: Draft) -> Ticket:
    w.clock.advance(timedelta(minutes=1))
    return await submit_case(w.db, w.clock, w.config, w.person, draft)


async def ticket_row(db: Database, ticket_id: int) -> dict[str, Any]:
    [row] = await fetch(db, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return dict(row)


async def event_rows(db: Database, ticket_id: int) -> list[dict[str, Any]]:
    rows = await fetch(
        db,
        "SELECT id, actor_id, action, from_status, to_status, note FROM ticket_events "
        "WHERE ticket_id = ? ORDER BY id",
        (ticket_id,),
    )
    return [dict(r) for r in rows]


async def outbox_rows(db: Database, after: int = 0) -> list[dict[str, Any]]:
    rows = await fetch(
        db,
        "SELECT id, dedupe_key, channel, recipient, payload FROM outbox WHERE id > ? ORDER BY id",
        (after,),
    )
    return [{**dict(r), "text": json.loads(r["payload"])["text"]} for r in rows]


async def last_outbox_id(db: Database) -> int:
    [row] = await fetch(db, "SELECT coalesce(max(id), 0) FROM outbox")
    return int(row[0])


def by_recipient(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["recipient"], []).append(row["text"])
    return found


@dataclass
class Snapshot:
    tickets: list[dict[str, Any]]
    events: list[dict[str, Any]]
    outbox: list[dict[str, Any]]


async def snapshot(db: Database) -> Snapshot:
    return Snapshot(
        [dict(r) for r in await fetch(db, "SELECT * FROM tickets ORDER BY id")],
        [dict(r) for r in await fetch(db, "SELECT * FROM ticket_events ORDER BY id")],
        [dict(r) for r in await fetch(db, "SELECT * FROM outbox ORDER BY id")],
    )


@dataclass
class Step:
    """One action and what it wrote: the ticket, its new events and its new outbox rows."""

    ticket: Ticket
    events: list[dict[str, Any]]
    outbox: list[dict[str, Any]]


async def step(w: World, ticket_id: int, action: Callable[[], Awaitable[Ticket | None]]) -> Step:
    w.clock.advance(timedelta(minutes=1))
    seen_events = len(await event_rows(w.db, ticket_id))
    seen_outbox = await last_outbox_id(w.db)
    await action()
    current = await tickets.get(w.db.reader, ticket_id)
    assert current is not None
    return Step(
        current,
        (await event_rows(w.db, ticket_id))[seen_events:],
        await outbox_rows(w.db, seen_outbox),
    )


def accept(w: World, officer: str, ticket_id: int) -> Callable[[], Awaitable[Ticket]]:
    return lambda: casework.accept(w.db, w.clock, w.config, w.officer(officer), ticket_id)


def ask(w: World, officer: str, ticket_id: int, text: str) -> Callable[[], Awaitable[Ticket]]:
    return lambda: casework.ask(w.db, w.clock, w.config, w.officer(officer), ticket_id, text)


def resolve(w: World, officer: str, ticket_id: int, text: str) -> Callable[[], Awaitable[Ticket]]:
    return lambda: casework.resolve(w.db, w.clock, w.config, w.officer(officer), ticket_id, text)


def refuse(w: World, officer: str, ticket_id: int, text: str) -> Callable[[], Awaitable[Ticket]]:
    return lambda: casework.refuse(w.db, w.clock, w.config, w.officer(officer), ticket_id, text)


def reassign(
    w: World, officer: str, ticket_id: int, target: str, text: str, subject: int | None = None
) -> Callable[[], Awaitable[Ticket]]:
    return lambda: casework.reassign(
        w.db, w.clock, w.config, w.officer(officer), ticket_id, target, text, subject_id=subject
    )


def writes(w: World, ticket_id: int, text: str) -> Callable[[], Awaitable[Ticket]]:
    return lambda: citizen_replies.citizen_writes(
        w.db, w.clock, w.config, w.person, ticket_id, text
    )


def rate(w: World, ticket_id: int, satisfied: bool) -> Callable[[], Awaitable[Ticket]]:
    return lambda: citizen_replies.rate(w.db, w.clock, w.config, w.person, ticket_id, satisfied)


def comment(w: World, ticket_id: int, text: str) -> Callable[[], Awaitable[None]]:
    return lambda: citizen_replies.comment_rating(
        w.db, w.clock, w.config, w.person, ticket_id, text
    )


async def refused_without_a_trace(
    w: World, action: Callable[[], Awaitable[object]], reason: str
) -> None:
    w.clock.advance(timedelta(minutes=1))
    before = await snapshot(w.db)
    with pytest.raises(CaseworkError) as raised:
        await action()
    assert raised.value.reason == reason
    assert await snapshot(w.db) == before


async def resolved_feedback(w: World) -> Ticket:
    ticket = await file(w, feedback("draft-resolved"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    done = await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã thay bóng đèn mới."))
    return done.ticket


def event(
    actor: int, action: str, before: str | None, after: str | None, note: str | None
) -> dict[str, Any]:
    return {
        "actor_id": actor,
        "action": action,
        "from_status": before,
        "to_status": after,
        "note": note,
    }


def without_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


# --------------------------------------------------------------------------------------------
# Filing: who is told
# --------------------------------------------------------------------------------------------


async def test_a_feedback_card_goes_to_the_departments_officer_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-feedback"))

    assert ticket.assignee_id == w.officer(ECONOMY).person_id
    assert ticket.department_id == "kinh-te"
    [card] = await outbox_rows(db)
    assert card["recipient"] == ECONOMY
    assert card["channel"] == CHANNEL
    assert f"Hồ sơ mới {ticket.code}" in card["text"]
    assert "Đèn đường thôn Đông" in card["text"]


async def test_a_complaint_is_carded_to_every_leader_and_its_reception_officer(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, vice_chairman(), second_economist()))
    ticket = await file(w, complaint("draft-complaint"))

    assert ticket.assignee_id == w.officer(OFFICE).person_id  # complaints go to reception
    cards = by_recipient(await outbox_rows(db))
    assert set(cards) == {OFFICE, CHAIRMAN, VICE}
    for recipient in (OFFICE, CHAIRMAN, VICE):
        # The card, its three photos and its map point.
        assert len(cards[recipient]) == 5
        assert f"Hồ sơ mới {ticket.code}" in cards[recipient][0]
        assert DENOUNCER_PHONE in cards[recipient][0], "a complaint's sender is not secret"


async def test_a_denunciation_is_carded_to_every_leader_and_nobody_else(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, vice_chairman()), DENOUNCER)
    ticket = await file(w, denunciation("draft-denunciation"))

    assert ticket.assignee_id in {w.officer(CHAIRMAN).person_id, w.officer(VICE).person_id}
    cards = by_recipient(await outbox_rows(db))
    assert set(cards) == {CHAIRMAN, VICE}
    for recipient in (CHAIRMAN, VICE):
        # The identity is sealed: a queued card never holds it; the leader opens it in the chat.
        card = cards[recipient][0]
        assert "Xem danh tính" in card
        assert DENOUNCER not in card
        assert DENOUNCER_PHONE not in card
        assert DENOUNCER_ADDRESS not in card


# --------------------------------------------------------------------------------------------
# Accept
# --------------------------------------------------------------------------------------------


async def test_accepting_a_feedback(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-accept"))
    assert ticket.due_on == date(2026, 12, 11)  # ten working days from Saturday 28/11/2026

    done = await step(w, ticket.id, accept(w, ECONOMY, ticket.id))

    assert done.ticket.status is Status.ACCEPTED
    assert done.ticket.accepted_at == clock.now()
    assert done.ticket.due_on == date(2026, 12, 11), "feedback keeps the date set on receipt"
    assert done.ticket.closed_at is None
    assert without_id(done.events) == [
        event(w.officer(ECONOMY).person_id, "accept", "new", "accepted", None)
    ]
    [notice] = done.outbox
    assert notice["recipient"] == "9001"
    assert notice["channel"] == CHANNEL
    assert notice["dedupe_key"] == f"event:{done.events[0]['id']}:{w.person.id}"
    assert ticket.code in notice["text"]
    assert "đã được thụ lý" in notice["text"]
    assert "11/12/2026" in notice["text"]


async def test_accepting_a_complaint_gives_it_thirty_calendar_days(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-complaint-due"))
    assert ticket.due_on == date(2026, 12, 8)  # ten calendar days to accept

    clock.current = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 30/11, 09:00 local
    done = await step(w, ticket.id, accept(w, OFFICE, ticket.id))

    assert done.ticket.due_on == date(2026, 12, 30)  # a Wednesday: no need to move it
    assert (await ticket_row(db, ticket.id))["due_on"] == "2026-12-30"
    [notice] = done.outbox
    assert notice["recipient"] == "9001"
    assert "30/12/2026" in notice["text"]


async def test_a_complaint_due_on_new_years_day_is_due_the_next_working_day(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-complaint-holiday"))

    # 18:00 UTC on Tuesday 1/12 is already Wednesday 2/12 in Việt Nam: the day of acceptance.
    clock.current = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    done = await step(w, ticket.id, accept(w, OFFICE, ticket.id))

    # 2/12 + 30 days = Friday 1/1/2027, New Year's Day; then a weekend: Monday 4/1/2027.
    assert done.ticket.due_on == date(2027, 1, 4)
    assert "04/01/2027" in done.outbox[0]["text"]


async def test_accepting_a_denunciation_gives_it_thirty_calendar_days(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, denunciation("draft-denunciation-due"))
    clock.current = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    done = await step(w, ticket.id, accept(w, CHAIRMAN, ticket.id))
    assert done.ticket.due_on == date(2026, 12, 30)


async def test_passing_an_accepted_complaint_on_does_not_restart_its_legal_period(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, second_clerk()))
    ticket = await file(w, complaint("draft-complaint-passed"))
    clock.current = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    await step(w, ticket.id, accept(w, OFFICE, ticket.id))
    moved = await step(
        w, ticket.id, reassign(w, OFFICE, ticket.id, "van-phong", "Chuyển công chức tư pháp.")
    )
    assert moved.ticket.assignee_id == w.officer(OFFICE_2).person_id
    assert moved.ticket.due_on == date(2026, 12, 30)

    clock.current = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    again = await step(w, ticket.id, accept(w, OFFICE_2, ticket.id))

    assert again.ticket.due_on == date(2026, 12, 30)


# --------------------------------------------------------------------------------------------
# Ask and the citizen's answer
# --------------------------------------------------------------------------------------------


async def test_asking_the_citizen(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-ask"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))

    question = "  Đèn hỏng ở cột số mấy?  "
    done = await step(w, ticket.id, ask(w, ECONOMY, ticket.id, question))

    assert done.ticket.status is Status.WAITING_CITIZEN
    assert without_id(done.events) == [
        event(
            w.officer(ECONOMY).person_id,
            "ask",
            "accepted",
            "waiting_citizen",
            "Đèn hỏng ở cột số mấy?",
        )
    ]
    [notice] = done.outbox
    assert notice["recipient"] == "9001"
    assert "«Đèn hỏng ở cột số mấy?»" in notice["text"]
    assert ticket.code in notice["text"]
    payload = json.loads(notice["payload"])
    assert payload["ref"] == f"reply.{ticket.id}"
    assert payload["options"] == [["answer", "✍️ Trả lời"]]


async def test_the_citizens_answer_goes_back_to_work_and_to_the_officer(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-answer"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    await step(w, ticket.id, ask(w, ECONOMY, ticket.id, "Cột số mấy?"))

    done = await step(w, ticket.id, writes(w, ticket.id, "Cột số 12, gần cổng làng."))

    assert done.ticket.status is Status.IN_PROGRESS
    assert without_id(done.events) == [
        event(
            w.person.id,
            "citizen_reply",
            "waiting_citizen",
            "in_progress",
            "Cột số 12, gần cổng làng.",
        )
    ]
    [notice] = done.outbox
    assert notice["recipient"] == ECONOMY
    assert "Người dân trả lời" in notice["text"]
    assert "«Cột số 12, gần cổng làng.»" in notice["text"]


async def test_an_answer_before_acceptance_leaves_the_case_awaiting_acceptance(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-early-answer"))
    await step(w, ticket.id, ask(w, ECONOMY, ticket.id, "Ở thôn nào?"))

    done = await step(w, ticket.id, writes(w, ticket.id, "Thôn Đông."))

    assert done.ticket.status is Status.NEW
    assert done.ticket.accepted_at is None
    assert [e["to_status"] for e in done.events] == ["new"]


async def test_information_added_unasked_keeps_the_status(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-add"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))

    done = await step(w, ticket.id, writes(w, ticket.id, "Tối qua đèn lại tắt tiếp."))

    assert done.ticket.status is Status.ACCEPTED
    assert without_id(done.events) == [
        event(w.person.id, "add_info", "accepted", "accepted", "Tối qua đèn lại tắt tiếp.")
    ]
    [notice] = done.outbox
    assert notice["recipient"] == ECONOMY
    assert "Người dân bổ sung thông tin" in notice["text"]
    assert "Tối qua đèn lại tắt tiếp." in notice["text"]


# --------------------------------------------------------------------------------------------
# Resolve and refuse
# --------------------------------------------------------------------------------------------


async def test_resolving(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-resolve"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))

    done = await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã thay bóng đèn mới."))

    assert done.ticket.status is Status.RESOLVED
    assert done.ticket.result == "Đã thay bóng đèn mới."
    assert done.ticket.closed_at == clock.now()
    assert done.ticket.rating is None
    assert without_id(done.events) == [
        event(
            w.officer(ECONOMY).person_id, "resolve", "accepted", "resolved", "Đã thay bóng đèn mới."
        )
    ]
    [notice] = done.outbox
    assert notice["recipient"] == "9001"
    assert "đã được giải quyết" in notice["text"]
    assert "Kết quả: Đã thay bóng đèn mới." in notice["text"]
    payload = json.loads(notice["payload"])
    assert payload["ref"] == f"rate.{ticket.id}"
    assert [key for key, _ in payload["options"]] == ["satisfied", "unsatisfied"]


async def test_refusing_before_acceptance(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-refuse"))

    reason = "Việc này thuộc thẩm quyền của Điện lực huyện."
    done = await step(w, ticket.id, refuse(w, ECONOMY, ticket.id, reason))

    assert done.ticket.status is Status.REFUSED
    assert done.ticket.result == reason
    assert done.ticket.closed_at == clock.now()
    assert done.ticket.accepted_at is None
    assert without_id(done.events) == [
        event(w.officer(ECONOMY).person_id, "refuse", "new", "refused", reason)
    ]
    [notice] = done.outbox
    assert notice["recipient"] == "9001"
    assert "không được thụ lý" in notice["text"]
    assert f"Lý do: {reason}" in notice["text"]


# --------------------------------------------------------------------------------------------
# Reassign
# --------------------------------------------------------------------------------------------


async def test_passing_a_case_to_another_department(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-pass"))

    reason = "Đèn do Văn phòng quản lý hợp đồng."
    done = await step(w, ticket.id, reassign(w, ECONOMY, ticket.id, "van-phong", reason))

    assert done.ticket.status is Status.REASSIGNED
    assert done.ticket.department_id == "van-phong"
    assert done.ticket.assignee_id == w.officer(OFFICE).person_id
    assert without_id(done.events) == [
        event(w.officer(ECONOMY).person_id, "reassign", "new", "reassigned", reason)
    ]
    sent = by_recipient(done.outbox)
    assert set(sent) == {OFFICE, "9001"}
    [card] = sent[OFFICE]
    assert f"Hồ sơ {ticket.code} được chuyển đến" in card
    [notice] = sent["9001"]
    assert "được chuyển sang Văn phòng HĐND và UBND" in notice


async def test_a_case_passed_within_the_department_skips_the_one_passing_it(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, second_economist()))
    ticket = await file(w, feedback("draft-pass-within"))
    assert ticket.assignee_id == w.officer(ECONOMY).person_id

    done = await step(w, ticket.id, reassign(w, ECONOMY, ticket.id, "kinh-te", "Việc nông nghiệp."))

    assert done.ticket.assignee_id == w.officer(ECONOMY_2).person_id
    assert ECONOMY not in by_recipient(done.outbox)


async def test_a_case_passed_back_to_a_one_person_department_goes_to_triage_not_back(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-pass-back"))

    done = await step(
        w, ticket.id, reassign(w, ECONOMY, ticket.id, "kinh-te", "Tôi đang nghỉ phép.")
    )

    assert done.ticket.assignee_id == w.officer(OFFICE).person_id
    assert done.ticket.department_id == "kinh-te", "it stays in the queue it was sent to"
    assert set(by_recipient(done.outbox)) == {OFFICE, "9001"}


async def test_passing_a_case_to_an_unknown_department_writes_nothing(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-pass-nowhere"))
    await refused_without_a_trace(
        w, reassign(w, ECONOMY, ticket.id, "thue", "Chuyển."), "case.unknown_department"
    )


async def test_a_conduct_case_never_reaches_the_officer_it_is_about(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-conduct", content="Cán bộ Cường quát nạt người dân."))
    economist = w.officer(ECONOMY).person_id
    seen = await last_outbox_id(db)

    done = await step(
        w,
        ticket.id,
        reassign(w, OFFICE, ticket.id, casework.CONDUCT, "Phản ánh thái độ.", economist),
    )

    assert done.ticket.category_id == "thai-do-can-bo"
    assert done.ticket.subject_id == economist
    assert done.ticket.department_id is None
    assert done.ticket.assignee_id == w.officer(CHAIRMAN).person_id
    assert without_id(done.events) == [
        event(w.officer(OFFICE).person_id, "reassign", "new", "reassigned", "Phản ánh thái độ.")
    ]
    sent = by_recipient(done.outbox)
    assert set(sent) == {CHAIRMAN, "9001"}
    assert "lãnh đạo UBND xã" in sent["9001"][0]

    # The rest of the case's life: still nothing for the officer it is about.
    await step(w, ticket.id, accept(w, CHAIRMAN, ticket.id))
    await step(w, ticket.id, ask(w, CHAIRMAN, ticket.id, "Việc xảy ra hôm nào?"))
    await step(w, ticket.id, writes(w, ticket.id, "Sáng thứ Hai."))
    await step(w, ticket.id, resolve(w, CHAIRMAN, ticket.id, "Đã nhắc nhở, kiểm điểm cán bộ."))
    await step(w, ticket.id, rate(w, ticket.id, False))
    assert ECONOMY not in {row["recipient"] for row in await outbox_rows(db, seen)}
    final = await tickets.get(db.reader, ticket.id)
    assert final is not None
    assert final.assignee_id != economist


async def test_a_reopened_conduct_case_about_a_leader_does_not_go_to_that_leader(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, vice_chairman()))
    ticket = await file(w, feedback("draft-conduct-leader", content="Phó Chủ tịch hẹn rồi bỏ."))
    vice = w.officer(VICE).person_id
    moved = await step(
        w, ticket.id, reassign(w, OFFICE, ticket.id, casework.CONDUCT, "Về lãnh đạo.", vice)
    )
    assert moved.ticket.assignee_id == w.officer(CHAIRMAN).person_id  # the chairman takes it
    # The Fatherland Front is told of it, by its code and dates only.
    [told] = by_recipient(moved.outbox)[SUPERVISOR]
    assert moved.ticket.code in told
    assert "Ngày nhận: 28/11/2026" in told
    assert "Phó Chủ tịch" not in told
    assert "Người dân" not in told
    assert "9001" not in told
    assert VICE not in by_recipient(moved.outbox)
    await step(w, ticket.id, accept(w, CHAIRMAN, ticket.id))
    await step(w, ticket.id, resolve(w, CHAIRMAN, ticket.id, "Đã làm việc với Phó Chủ tịch."))

    reopened = await step(w, ticket.id, rate(w, ticket.id, False))

    assert reopened.ticket.status is Status.REOPENED
    assert reopened.ticket.assignee_id != vice


# --------------------------------------------------------------------------------------------
# Rate and comment
# --------------------------------------------------------------------------------------------


async def test_a_satisfied_rating(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)

    done = await step(w, ticket.id, rate(w, ticket.id, True))

    assert done.ticket.status is Status.RESOLVED
    assert done.ticket.rating == "satisfied"
    assert done.ticket.closed_at == ticket.closed_at
    assert without_id(done.events) == [
        event(w.person.id, "rate", "resolved", "resolved", "satisfied")
    ]
    [notice] = done.outbox
    assert notice["recipient"] == ECONOMY
    assert "hài lòng với kết quả" in notice["text"]
    assert "chưa hài lòng" not in notice["text"]


async def test_rating_twice_is_refused_and_writes_nothing(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)
    await step(w, ticket.id, rate(w, ticket.id, True))

    await refused_without_a_trace(w, rate(w, ticket.id, False), "case.already_rated")
    await refused_without_a_trace(w, rate(w, ticket.id, True), "case.already_rated")


async def test_an_unsatisfied_rating_reopens_the_case_and_alerts_the_leaders(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, vice_chairman()))
    ticket = await resolved_feedback(w)

    done = await step(w, ticket.id, rate(w, ticket.id, False))

    assert done.ticket.status is Status.REOPENED
    assert done.ticket.rating == "unsatisfied"
    assert done.ticket.closed_at is None
    assert done.ticket.result == "Đã thay bóng đèn mới.", "the earlier result stays on record"
    assert done.ticket.assignee_id == w.officer(ECONOMY).person_id
    assert without_id(done.events) == [
        event(w.person.id, "rate", "resolved", "resolved", "unsatisfied"),
        event(w.person.id, "reopen", "resolved", "reopened", "unsatisfied"),
    ]
    sent = by_recipient(done.outbox)
    # The citizen is answered in the chat, before the comment question; no notice follows it.
    assert set(sent) == {ECONOMY, CHAIRMAN, VICE}
    for leader in (CHAIRMAN, VICE):
        [card] = sent[leader]
        assert f"Hồ sơ {ticket.code} được mở lại" in card
    assert any("chưa hài lòng" in text for text in sent[ECONOMY])
    assert any("được mở lại" in text for text in sent[ECONOMY])


async def test_a_reopened_case_resolved_again_can_be_rated_again(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)
    await step(w, ticket.id, rate(w, ticket.id, False))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã thay cả bộ đèn và dây."))

    done = await step(w, ticket.id, rate(w, ticket.id, True))

    assert done.ticket.rating == "satisfied"


async def test_a_reopened_denunciation_goes_back_to_a_leader(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, DENOUNCER)
    ticket = await file(w, denunciation("draft-denunciation-reopen"))
    await step(w, ticket.id, accept(w, CHAIRMAN, ticket.id))
    await step(w, ticket.id, resolve(w, CHAIRMAN, ticket.id, "Đã xác minh, không có sai phạm."))

    done = await step(w, ticket.id, rate(w, ticket.id, False))

    assert done.ticket.assignee_id == w.officer(CHAIRMAN).person_id


async def test_a_comment_after_the_rating(db: Database, clock: FixedClock, config: Config) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)
    await step(w, ticket.id, rate(w, ticket.id, True))

    done = await step(w, ticket.id, comment(w, ticket.id, "Cảm ơn các anh chị."))

    assert done.ticket.status is Status.RESOLVED
    assert (await ticket_row(db, ticket.id))["rating_comment"] == "Cảm ơn các anh chị."
    assert without_id(done.events) == [
        event(w.person.id, "rating_comment", "resolved", "resolved", "Cảm ơn các anh chị.")
    ]
    [notice] = done.outbox
    assert notice["recipient"] == ECONOMY
    assert "«Cảm ơn các anh chị.»" in notice["text"]


async def test_a_comment_without_a_rating_is_refused_and_writes_nothing(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)
    await refused_without_a_trace(w, comment(w, ticket.id, "Góp ý."), "case.not_allowed")


# --------------------------------------------------------------------------------------------
# Refusals: nothing written
# --------------------------------------------------------------------------------------------

Build = Callable[[World, Ticket], Callable[[], Awaitable[object]]]
# (how far the case got, the action tried) for actions illegal in that status.
ILLEGAL: dict[str, tuple[str, Build]] = {
    "accept twice": ("accepted", lambda w, t: accept(w, ECONOMY, t.id)),
    "refuse after acceptance": ("accepted", lambda w, t: refuse(w, ECONOMY, t.id, "Không.")),
    "resolve before acceptance": ("new", lambda w, t: resolve(w, ECONOMY, t.id, "Xong.")),
    "ask while waiting": ("waiting", lambda w, t: ask(w, ECONOMY, t.id, "Còn gì nữa?")),
    "accept while waiting": ("waiting", lambda w, t: accept(w, ECONOMY, t.id)),
    "reassign a closed case": (
        "resolved",
        lambda w, t: reassign(w, ECONOMY, t.id, "van-phong", "Chuyển."),
    ),
    "resolve a closed case": ("resolved", lambda w, t: resolve(w, ECONOMY, t.id, "Lại xong.")),
    "ask on a closed case": ("resolved", lambda w, t: ask(w, ECONOMY, t.id, "Hỏi thêm?")),
    "write to a closed case": ("resolved", lambda w, t: writes(w, t.id, "Thêm thông tin.")),
    "rate an open case": ("accepted", lambda w, t: rate(w, t.id, True)),
    "rate a refused case": ("refused", lambda w, t: rate(w, t.id, False)),
}


async def bring_to(w: World, stage: str) -> Ticket:
    ticket = await file(w, feedback(f"draft-{stage}"))
    if stage == "refused":
        await step(w, ticket.id, refuse(w, ECONOMY, ticket.id, "Không thuộc thẩm quyền."))
    if stage in ("accepted", "waiting", "resolved"):
        await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    if stage == "waiting":
        await step(w, ticket.id, ask(w, ECONOMY, ticket.id, "Ở đâu?"))
    if stage == "resolved":
        await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã xử lý."))
    current = await tickets.get(w.db.reader, ticket.id)
    assert current is not None
    return current


@pytest.mark.parametrize("name", list(ILLEGAL))
async def test_an_illegal_step_is_refused_and_writes_nothing(
    db: Database, clock: FixedClock, config: Config, name: str
) -> None:
    stage, build = ILLEGAL[name]
    w = await world(db, clock, config)
    ticket = await bring_to(w, stage)
    await refused_without_a_trace(w, build(w, ticket), "case.not_now")


# (how far the case got, who tries what) for people who may not do it.
UNAUTHORIZED: dict[str, tuple[str, Build]] = {
    "a colleague of another department accepts": ("new", lambda w, t: accept(w, OFFICE, t.id)),
    "the supervisor resolves": ("accepted", lambda w, t: resolve(w, SUPERVISOR, t.id, "Xong.")),
    "another officer refuses": ("new", lambda w, t: refuse(w, OFFICE, t.id, "Không.")),
    "another officer asks": ("accepted", lambda w, t: ask(w, OFFICE, t.id, "Hỏi?")),
    "a non-reception officer passes someone else's case": (
        "new",
        lambda w, t: reassign(w, ECONOMY_2, t.id, "van-phong", "Chuyển."),
    ),
    "the supervisor accepts an illegal step": (
        "resolved",
        lambda w, t: accept(w, SUPERVISOR, t.id),
    ),
}


@pytest.mark.parametrize("name", list(UNAUTHORIZED))
async def test_an_unauthorized_actor_is_refused_and_writes_nothing(
    db: Database, clock: FixedClock, config: Config, name: str
) -> None:
    stage, build = UNAUTHORIZED[name]
    w = await world(db, clock, with_officers(config, second_economist()))
    ticket = await bring_to(w, stage)
    assert ticket.assignee_id == w.officer(ECONOMY).person_id
    await refused_without_a_trace(w, build(w, ticket), "case.not_allowed")


async def test_another_citizen_may_not_write_rate_or_comment(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await resolved_feedback(w)
    stranger = await citizen(db, clock, "9002", "Hàng xóm")
    await refused_without_a_trace(
        w,
        lambda: citizen_replies.rate(db, clock, config, stranger, ticket.id, False),
        "case.not_allowed",
    )
    await step(w, ticket.id, rate(w, ticket.id, True))
    await refused_without_a_trace(
        w,
        lambda: citizen_replies.comment_rating(db, clock, config, stranger, ticket.id, "Chê."),
        "case.not_allowed",
    )
    open_case = await file(w, feedback("draft-open"))
    await refused_without_a_trace(
        w,
        lambda: citizen_replies.citizen_writes(
            db, clock, config, stranger, open_case.id, "Xen vào."
        ),
        "case.not_allowed",
    )


async def test_empty_words_and_unknown_cases_write_nothing(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, feedback("draft-empty"))
    await refused_without_a_trace(w, refuse(w, ECONOMY, ticket.id, "   "), "case.empty_text")
    await refused_without_a_trace(w, writes(w, ticket.id, "\n"), "case.empty_text")
    await refused_without_a_trace(w, accept(w, ECONOMY, ticket.id + 100), "case.not_found")


async def test_reception_may_not_move_a_denunciation_off_the_leaders_desk(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, DENOUNCER)
    ticket = await file(w, denunciation("draft-denunciation-grab"))
    await refused_without_a_trace(
        w, reassign(w, OFFICE, ticket.id, "kinh-te", "Chuyển về phòng."), "case.not_allowed"
    )


# --------------------------------------------------------------------------------------------
# A denouncer's identity in the outbox
# --------------------------------------------------------------------------------------------


def shows_identity(text: str) -> bool:
    return any(part in text for part in (DENOUNCER, DENOUNCER_PHONE, DENOUNCER_ADDRESS))


async def test_a_denouncers_identity_reaches_leaders_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, with_officers(config, vice_chairman()), DENOUNCER)
    ticket = await file(w, denunciation("draft-denunciation-privacy"))
    assignee = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)
    leader = assignee.external_id

    # A leader sends it to the department to check the facts; the officer works on it.
    await step(w, ticket.id, accept(w, leader, ticket.id))
    moved = await step(
        w, ticket.id, reassign(w, leader, ticket.id, "kinh-te", "Phòng Kinh tế xác minh.")
    )
    assert moved.ticket.assignee_id == w.officer(ECONOMY).person_id
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    await step(w, ticket.id, ask(w, ECONOMY, ticket.id, "Việc xảy ra khi nào?"))
    await step(w, ticket.id, writes(w, ticket.id, "Tháng 10 năm nay."))
    await step(w, ticket.id, writes(w, ticket.id, "Có thêm người làm chứng."))
    await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã chuyển cơ quan có thẩm quyền."))
    await step(w, ticket.id, rate(w, ticket.id, False))

    sent = by_recipient(await outbox_rows(db))
    assert ECONOMY in sent, "the officer did get cards and updates"
    assert any("người tố cáo (bảo mật)" in text for text in sent[ECONOMY])
    for recipient in (CHAIRMAN, VICE):
        assert any("Xem danh tính" in text for text in sent[recipient]), recipient
    # Sealed: no queued message holds the identity, the leaders' included, and the messages to
    # the denouncer (the question, the result, the reopening) name a pseudonym, not "9001".
    rows = await outbox_rows(db)
    for row in rows:
        assert not shows_identity(row["payload"]), row["dedupe_key"]
        assert row["recipient"] != "9001", row["dedupe_key"]
    to_denouncer = [row for row in rows if row["channel"] == "sealed"]
    assert any("Việc xảy ra khi nào?" in row["payload"] for row in to_denouncer)


async def test_a_denunciation_with_no_leader_to_take_it_hides_the_denouncer(
    db: Database, clock: FixedClock, config: Config
) -> None:
    leaderless = config.model_copy(
        update={
            "officers": [o for o in config.officers if Role.LEADER not in o.roles],
            "routing": config.routing.model_copy(update={"chairman": 0}),
        }
    )
    w = await world(db, clock, leaderless, DENOUNCER)
    ticket = await file(w, denunciation("draft-denunciation-leaderless"))

    assert ticket.assignee_id == w.officer(ECONOMY).person_id
    rows = await outbox_rows(db)
    assert {row["recipient"] for row in rows} == {ECONOMY}
    assert "người tố cáo (bảo mật)" in rows[0]["text"]
    assert not any(shows_identity(row["payload"]) for row in rows)
