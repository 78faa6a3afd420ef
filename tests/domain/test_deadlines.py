"""Legal due dates per kind, on the real 2026 calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.domain.calendar import WorkCalendar
from bot.domain.deadlines import (
    DeadlineRules,
    Period,
    Unit,
    due_for_acceptance,
    due_for_acceptance_notice,
    due_for_resolution,
    extensions_allowed,
)
from bot.domain.tickets import Kind

RULES = DeadlineRules()
MONDAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize("kind", [Kind.FEEDBACK, Kind.PETITION])
def test_feedback_and_petition_take_ten_working_days(kind: Kind, cal: WorkCalendar) -> None:
    # Received Friday 6/3/2026: 9–13/3 and 16–20/3.
    assert due_for_resolution(kind, date(2026, 3, 6), RULES, cal) == date(2026, 3, 20)
    # Received just before Tết: the Tết week does not count.
    assert due_for_resolution(kind, date(2026, 2, 10), RULES, cal) == date(2026, 3, 3)
    assert due_for_acceptance(kind, date(2026, 3, 6), RULES, cal) is None


def test_complaint_is_accepted_within_ten_calendar_days(cal: WorkCalendar) -> None:
    assert due_for_acceptance(Kind.COMPLAINT, MONDAY, RULES, cal) == date(2026, 3, 12)


def test_calendar_deadline_ending_on_a_weekend_moves_to_monday(cal: WorkCalendar) -> None:
    # Received Wednesday 4/3: the 10th day is Saturday 14/3.
    assert due_for_acceptance(Kind.COMPLAINT, date(2026, 3, 4), RULES, cal) == date(2026, 3, 16)


def test_complaint_resolution_ordinary_and_complex(cal: WorkCalendar) -> None:
    assert due_for_resolution(Kind.COMPLAINT, MONDAY, RULES, cal) == date(2026, 4, 1)
    assert due_for_resolution(Kind.COMPLAINT, MONDAY, RULES, cal, complex=True) == date(2026, 4, 16)


def test_complaint_in_a_remote_area(cal: WorkCalendar) -> None:
    remote = replace(RULES, remote_area=True)
    assert due_for_resolution(Kind.COMPLAINT, MONDAY, remote, cal) == date(2026, 4, 16)
    # 60 days end on 1/5/2026, a holiday, followed by the weekend: due Monday 4/5.
    assert due_for_resolution(Kind.COMPLAINT, MONDAY, remote, cal, complex=True) == date(2026, 5, 4)


def test_denunciation_acceptance_and_notice_in_working_days(cal: WorkCalendar) -> None:
    # Received Thursday 12/2/2026: 13/2, then after Tết 23–27/2 and 2/3.
    assert due_for_acceptance(Kind.DENUNCIATION, date(2026, 2, 12), RULES, cal) == MONDAY
    assert due_for_acceptance_notice(Kind.DENUNCIATION, MONDAY, RULES, cal) == date(2026, 3, 9)
    assert due_for_acceptance_notice(Kind.COMPLAINT, MONDAY, RULES, cal) is None


def test_denunciation_resolution_with_extensions(cal: WorkCalendar) -> None:
    assert extensions_allowed(Kind.DENUNCIATION, RULES) == 2
    assert due_for_resolution(Kind.DENUNCIATION, MONDAY, RULES, cal) == date(2026, 4, 1)
    # 60 days end on 1/5 (holiday): due Monday 4/5.
    assert due_for_resolution(Kind.DENUNCIATION, MONDAY, RULES, cal, extensions=1) == date(
        2026, 5, 4
    )
    # 90 days end on Sunday 31/5, counted from 1/5 and not from the moved 4/5: due Monday 1/6.
    assert due_for_resolution(Kind.DENUNCIATION, MONDAY, RULES, cal, extensions=2) == date(
        2026, 6, 1
    )


def test_more_extensions_than_allowed_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="extensions"):
        due_for_resolution(Kind.DENUNCIATION, MONDAY, RULES, cal, extensions=3)
    with pytest.raises(ValueError, match="extensions"):
        due_for_resolution(Kind.DENUNCIATION, MONDAY, RULES, cal, extensions=-1)
    one = replace(RULES, denunciation_max_extensions=1)
    with pytest.raises(ValueError, match="extensions"):
        due_for_resolution(Kind.DENUNCIATION, MONDAY, one, cal, extensions=2)


@pytest.mark.parametrize("kind", [Kind.FEEDBACK, Kind.PETITION, Kind.COMPLAINT])
def test_only_denunciations_are_extended(kind: Kind, cal: WorkCalendar) -> None:
    assert extensions_allowed(kind, RULES) == 0
    with pytest.raises(ValueError, match="extensions"):
        due_for_resolution(kind, MONDAY, RULES, cal, extensions=1)


@pytest.mark.parametrize("kind", [Kind.FEEDBACK, Kind.PETITION, Kind.DENUNCIATION])
def test_only_complaints_have_a_complex_period(kind: Kind, cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="complex"):
        due_for_resolution(kind, MONDAY, RULES, cal, complex=True)


def test_the_unit_is_configurable(cal: WorkCalendar) -> None:
    working = replace(RULES, complaint_accept=Period(10, Unit.WORKING))
    assert due_for_acceptance(Kind.COMPLAINT, MONDAY, working, cal) == date(2026, 3, 16)
    calendar_days = replace(RULES, feedback_resolve=Period(10, Unit.CALENDAR))
    assert due_for_resolution(Kind.FEEDBACK, MONDAY, calendar_days, cal) == date(2026, 3, 12)


def test_a_deadline_respects_the_communes_extra_days_off() -> None:
    cal = WorkCalendar(extra_days_off=frozenset({date(2026, 3, 12)}))
    assert due_for_acceptance(Kind.COMPLAINT, MONDAY, RULES, cal) == date(2026, 3, 13)


def test_a_period_lasts_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        Period(0, Unit.CALENDAR)
