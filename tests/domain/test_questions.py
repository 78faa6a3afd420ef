"""Questions (❓ Hỏi xã) as pure rules: their deadline, their one action, the FAQ's matching and
masking, and their place in a report apart from the cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.calendar import WorkCalendar
from bot.domain.deadlines import DeadlineRules, Period, Unit, due_for_resolution, due_on_receipt
from bot.domain.faq import FaqEntry, closest, entry_text
from bot.domain.figures import CaseFacts, figures
from bot.domain.tickets import QUESTION_CATEGORY, Kind, Status, Ticket
from bot.domain.workflow import Action, applies_to, next_status

CAL = WorkCalendar()


def test_a_question_is_answered_within_three_working_days_of_receipt() -> None:
    # Received on a Saturday: Monday, Tuesday, Wednesday.
    assert due_on_receipt(Kind.QUESTION, date(2026, 11, 28), DeadlineRules(), CAL) == date(
        2026, 12, 2
    )
    # Received on Wednesday 29/04: 30/04 and 01/05 are public holidays, the weekend follows.
    assert due_on_receipt(Kind.QUESTION, date(2026, 4, 29), DeadlineRules(), CAL) == date(
        2026, 5, 6
    )


def test_the_commune_sets_the_question_period() -> None:
    rules = DeadlineRules(question_resolve=Period(5, Unit.CALENDAR))
    # 5 calendar days from Wednesday 25/11 is Monday 30/11.
    assert due_for_resolution(Kind.QUESTION, date(2026, 11, 25), rules, CAL) == date(2026, 11, 30)


def test_a_question_is_answered_not_accepted_nor_resolved() -> None:
    assert applies_to(Action.ANSWER, Kind.QUESTION)
    assert not applies_to(Action.ACCEPT, Kind.QUESTION)
    assert not applies_to(Action.RESOLVE, Kind.QUESTION)
    assert applies_to(Action.REASSIGN, Kind.QUESTION)
    assert not any(applies_to(Action.ANSWER, kind) for kind in Kind if kind is not Kind.QUESTION)
    assert next_status(Status.NEW, Action.ANSWER, accepted=False) is Status.RESOLVED
    assert next_status(Status.REOPENED, Action.ANSWER, accepted=False) is Status.RESOLVED


ENTRIES = [
    FaqEntry(1, "Làm giấy khai sinh cho con cần mang những giấy tờ gì?", "Mang giấy chứng sinh."),
    FaqEntry(2, "Đăng ký kết hôn ở đâu, mất bao lâu?", "Tại bộ phận một cửa, trong ngày."),
]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("lam giay khai sinh cho con can mang nhung giay to gi", 1),
        ("Làm giấy khai sinh cho con cần mang giấy tờ gì", 1),
        ("lam giay khai snh cho con can mang nhung giay to gi?", 1),
        ("dang ky ket hon o dau, mat bao lau", 2),
        ("mat bao lau dang ky ket hon o dau", 2),
        ("Xin hỏi lịch tiêm phòng cho trẻ em tháng này", None),
        ("khai sinh", None),
    ],
)
def test_a_typed_question_finds_the_entry_it_asks_again(typed: str, found: int | None) -> None:
    entry = closest(ENTRIES, typed)
    assert (entry.id if entry else None) == found


def test_no_entries_find_nothing() -> None:
    assert closest([], "lam giay khai sinh") is None


def test_an_entry_masks_the_askers_personal_data() -> None:
    ticket = Ticket(
        id=7,
        code="SN-2026-00007",
        kind=Kind.QUESTION,
        category_id=QUESTION_CATEGORY,
        status=Status.RESOLVED,
        content="Tôi là Nguyễn Thị Lan, số 0912345678, hỏi làm khai sinh cần gì?",
        created_at=datetime(2026, 11, 28, tzinfo=UTC),
        contact_name="Nguyễn Thị Lan",
        result="Bà Nguyễn Thị Lan mang giấy chứng sinh đến bộ phận một cửa.",
    )
    question, answer = entry_text(ticket, "***")
    assert "0912345678" not in question
    assert "Lan" not in question
    assert "Lan" not in answer
    assert "giấy chứng sinh" in answer


def _facts(code: str, kind: Kind, status: Status, closed: date | None) -> CaseFacts:
    return CaseFacts(
        code=code,
        kind=kind,
        category_id=QUESTION_CATEGORY if kind is Kind.QUESTION else "moi-truong",
        department_id="van-phong",
        officer=None,
        status=status,
        received_on=date(2026, 11, 2),
        accepted_on=None,
        closed_on=closed,
        due_on=date(2026, 11, 5),
        rating=None,
        sender=None,
    )


def test_a_report_counts_questions_apart_from_the_cases() -> None:
    cases = [
        _facts("A", Kind.FEEDBACK, Status.NEW, None),
        _facts("B", Kind.QUESTION, Status.RESOLVED, date(2026, 11, 4)),
        _facts("C", Kind.QUESTION, Status.RESOLVED, date(2026, 11, 9)),
        _facts("D", Kind.QUESTION, Status.NEW, None),
    ]
    counted = figures(cases, date(2026, 11, 30), CAL)
    assert counted.received == 1
    assert Kind.QUESTION not in counted.by_kind
    assert counted.closed == 0
    assert (counted.questions.received, counted.questions.answered) == (3, 2)
    assert (counted.questions.on_time, counted.questions.open) == (1, 1)
