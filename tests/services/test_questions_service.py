"""Questions and the FAQ on a real database (SQLite and PostgreSQL): filed like a case, answered,
proposed for the FAQ, approved or rejected by a leader; every forged or early step refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.config import Config
from bot.dialogs.questions import question_draft
from bot.domain.faq import FaqStatus
from bot.domain.tickets import QUESTION_CATEGORY, Kind, Status, Ticket
from bot.services import casework, faq
from bot.services.errors import CaseworkError
from bot.services.intake import submit_case
from storage.database import Database
from tests.services.factories import feedback, fetch
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    World,
    event_rows,
    outbox_rows,
    world,
)
from tests.support.clock import FixedClock

QUESTION = "Làm giấy khai sinh cho con cần mang những giấy tờ gì? Số tôi 0912345678."
ANSWER = "Mang giấy chứng sinh và căn cước của cha hoặc mẹ đến bộ phận một cửa."


async def ask(w: World, draft_id: str = "q1", text: str = QUESTION) -> Ticket:
    w.clock.advance(timedelta(minutes=1))
    return await submit_case(w.db, w.clock, w.config, w.person, question_draft(draft_id, text))


async def answered(w: World, draft_id: str = "q1") -> Ticket:
    ticket = await ask(w, draft_id)
    return await casework.answer(w.db, w.clock, w.config, w.officer(OFFICE), ticket.id, ANSWER)


async def test_a_question_is_filed_like_a_case_to_the_office(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await ask(w)
    assert ticket.kind is Kind.QUESTION
    assert ticket.category_id == QUESTION_CATEGORY
    assert ticket.status is Status.NEW
    assert ticket.department_id == "van-phong"
    assert ticket.assignee_id == w.officer(OFFICE).person_id
    assert ticket.due_on == date(2026, 12, 2)  # received Saturday 28/11: 3 working days
    assert not ticket.public
    cards = [r for r in await outbox_rows(db) if r["recipient"] == OFFICE]
    card = json.loads(cards[0]["payload"])
    assert "Câu hỏi" in card["text"]
    assert card["options"][0][0] == "answer"
    # The same "Gửi" again files nothing more.
    again = await submit_case(db, clock, config, w.person, question_draft("q1", QUESTION))
    assert again.id == ticket.id


async def test_the_answer_is_the_result_the_citizen_rates(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await ask(w)
    with pytest.raises(CaseworkError, match=r"case\.not_now"):
        await casework.accept(db, clock, config, w.officer(OFFICE), ticket.id)
    with pytest.raises(CaseworkError, match=r"case\.not_allowed"):
        await casework.answer(db, clock, config, w.officer(ECONOMY), ticket.id, ANSWER)
    done = await casework.answer(db, clock, config, w.officer(OFFICE), ticket.id, ANSWER)
    assert (done.status, done.result) == (Status.RESOLVED, ANSWER)
    assert [e["action"] for e in await event_rows(db, ticket.id)] == ["submitted", "answer"]
    told = [r for r in await outbox_rows(db) if r["recipient"] == "9001"]
    notice = json.loads(told[-1]["payload"])
    assert ANSWER in notice["text"]
    assert notice["ref"] == f"rate.{ticket.id}"
    with pytest.raises(CaseworkError, match=r"case\.not_now"):
        await casework.resolve(db, clock, config, w.officer(OFFICE), ticket.id, ANSWER)


async def test_a_case_is_never_answered_as_a_question(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    case = await submit_case(db, clock, config, w.person, feedback("f1"))
    with pytest.raises(CaseworkError, match=r"case\.not_now"):
        await casework.answer(db, clock, config, w.officer(ECONOMY), case.id, ANSWER)


async def test_an_answered_question_is_proposed_masked_and_leaders_get_a_card(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    unanswered = await ask(w, "q0")
    with pytest.raises(CaseworkError, match=r"faq\.not_answered"):
        await faq.propose(db, clock, w.officer(OFFICE), unanswered.id)
    ticket = await answered(w)
    with pytest.raises(CaseworkError, match=r"case\.not_allowed"):
        await faq.propose(db, clock, w.officer(ECONOMY), ticket.id)
    before = len(await outbox_rows(db))
    proposal, code = await faq.propose(db, clock, w.officer(OFFICE), ticket.id)
    assert code == ticket.code
    assert proposal.status is FaqStatus.PROPOSED
    assert "0912345678" not in proposal.question
    assert proposal.answer == ANSWER
    cards = [json.loads(r["payload"]) for r in await outbox_rows(db, before)]
    assert [c["ref"] for c in cards] == [f"faqd.{proposal.id}"]  # the chairman, the one leader
    assert [o[0] for o in cards[0]["options"]] == ["approve", "reject"]
    with pytest.raises(CaseworkError, match=r"faq\.already"):
        await faq.propose(db, clock, w.officer(OFFICE), ticket.id)
    assert "faq_proposed" in [e["action"] for e in await event_rows(db, ticket.id)]


async def test_only_a_leader_approves_and_then_the_next_asker_finds_it(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await answered(w)
    proposal, _ = await faq.propose(db, clock, w.officer(OFFICE), ticket.id)
    assert await faq.find(db, "lam giay khai sinh cho con can mang nhung giay to gi") is None
    for forger in (OFFICE, ECONOMY):
        with pytest.raises(CaseworkError, match=r"faq\.leaders_only"):
            await faq.decide(db, clock, w.officer(forger), proposal.id, approve=True)
    [row] = await fetch(db, "SELECT status FROM faq_entries WHERE id = ?", (proposal.id,))
    assert row["status"] == "proposed"
    decided, code = await faq.decide(db, clock, w.officer(CHAIRMAN), proposal.id, approve=True)
    assert decided.status is FaqStatus.APPROVED
    assert decided.decided_by == w.officer(CHAIRMAN).person_id
    assert decided.decided_at == clock.now()
    assert code == ticket.code
    with pytest.raises(CaseworkError, match=r"faq\.decided"):
        await faq.decide(db, clock, w.officer(CHAIRMAN), proposal.id, approve=False)
    found = await faq.find(db, "lam giay khai sinh cho con can mang nhung giay to gi")
    assert found is not None
    assert (found.id, found.answer) == (proposal.id, ANSWER)
    assert [e.id for e in await faq.approved(db)] == [proposal.id]
    actions = [e["action"] for e in await event_rows(db, ticket.id)]
    assert actions[-2:] == ["faq_proposed", "faq_approved"]
    told = [json.loads(r["payload"])["text"] for r in await outbox_rows(db)]
    assert any("đã duyệt" in text and ticket.code in text for text in told)


async def test_a_rejected_proposal_is_never_given_to_citizens(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await answered(w)
    proposal, _ = await faq.propose(db, clock, w.officer(OFFICE), ticket.id)
    decided, _ = await faq.decide(db, clock, w.officer(CHAIRMAN), proposal.id, approve=False)
    assert decided.status is FaqStatus.REJECTED
    assert await faq.approved(db) == []
    assert await faq.find(db, QUESTION) is None
    with pytest.raises(CaseworkError, match=r"faq\.not_found"):
        await faq.decide(db, clock, w.officer(CHAIRMAN), proposal.id + 99, approve=True)


async def test_a_leader_withdraws_an_entry_and_citizens_are_no_longer_answered_from_it(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await answered(w)
    proposal, _ = await faq.propose(db, clock, w.officer(OFFICE), ticket.id)
    with pytest.raises(CaseworkError, match=r"faq\.entry_not_found"):
        await faq.withdraw(db, clock, w.officer(CHAIRMAN), proposal.id)  # not approved yet
    await faq.decide(db, clock, w.officer(CHAIRMAN), proposal.id, approve=True)
    asked_again = "lam giay khai sinh cho con can mang nhung giay to gi"
    assert await faq.find(db, asked_again) is not None
    for forger in (OFFICE, ECONOMY):
        with pytest.raises(CaseworkError, match=r"faq\.leaders_only"):
            await faq.withdraw(db, clock, w.officer(forger), proposal.id)
    assert [e.id for e in await faq.approved(db)] == [proposal.id]
    before = len(await outbox_rows(db))
    clock.advance(timedelta(days=30))
    assert await faq.withdraw(db, clock, w.officer(CHAIRMAN), proposal.id) == ticket.code
    assert await faq.approved(db) == []
    assert await faq.find(db, asked_again) is None
    [row] = await fetch(
        db,
        "SELECT status, decided_by, withdrawn_by, withdrawn_at FROM faq_entries WHERE id = ?",
        (proposal.id,),
    )
    chairman = w.officer(CHAIRMAN).person_id
    assert (row["status"], row["decided_by"], row["withdrawn_by"]) == (
        "approved",
        chairman,
        chairman,
    )
    assert row["withdrawn_at"]
    assert [e["action"] for e in await event_rows(db, ticket.id)][-1] == "faq_withdrawn"
    told = [
        (r["recipient"], json.loads(r["payload"])["text"]) for r in await outbox_rows(db, before)
    ]
    assert told == [
        (OFFICE, f"Lãnh đạo đã gỡ câu trả lời cho câu hỏi {ticket.code} khỏi mục hỏi đáp.")
    ]
    with pytest.raises(CaseworkError, match=r"faq\.withdrawn_already"):
        await faq.withdraw(db, clock, w.officer(CHAIRMAN), proposal.id)
    with pytest.raises(CaseworkError, match=r"faq\.entry_not_found"):
        await faq.withdraw(db, clock, w.officer(CHAIRMAN), proposal.id + 99)
