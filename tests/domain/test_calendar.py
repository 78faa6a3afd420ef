"""The working calendar against real Vietnamese years, as the `holidays` package gives them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.calendar import WorkCalendar


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_tet_2026_week_is_off(cal: WorkCalendar) -> None:
    # Mùng 1 is Tuesday 17/2/2026; the office closes from Saturday 14/2 to Sunday 22/2.
    assert all(not cal.is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))


def test_tet_2027_days_off_around_a_saturday_new_year(cal: WorkCalendar) -> None:
    # Mùng 1 is Saturday 6/2/2027: the package gives 29 Tết and giao thừa before it, and mùng 3
    # to mùng 5 after it (the weekend days made up on weekdays).
    off = [
        date(2027, 2, 4),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
    ]
    assert all(not cal.is_working_day(d) for d in days(date(2027, 2, 4), date(2027, 2, 10)))
    assert all(cal.holiday_name(d) for d in off)
    assert cal.holiday_name(date(2027, 2, 6)) == "Tết Nguyên Đán"
    assert cal.is_working_day(date(2027, 2, 3))
    assert cal.is_working_day(date(2027, 2, 11))


def test_reunification_and_labour_day(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2026, 5, 1))
    # 1/5/2027 is a Saturday: made up on Monday 3/5.
    assert not cal.is_working_day(date(2027, 4, 30))
    assert not cal.is_working_day(date(2027, 5, 3))
    assert cal.is_working_day(date(2027, 5, 4))


def test_national_day_with_the_day_next_to_it(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2026, 9, 1))
    assert not cal.is_working_day(date(2026, 9, 2))
    assert cal.is_working_day(date(2026, 9, 3))
    assert not cal.is_working_day(date(2027, 9, 2))
    assert not cal.is_working_day(date(2027, 9, 3))


def test_hung_kings_day_and_its_substitute(cal: WorkCalendar) -> None:
    # 10/3 âm lịch is Sunday 26/4/2026: Monday 27/4 is the day off instead.
    assert cal.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.holiday_name(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not cal.is_working_day(date(2027, 4, 16))


def test_government_swap_known_to_the_package(cal: WorkCalendar) -> None:
    # 2026: Monday 31/8 off, worked back on Saturday 22/8.
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 29))
    # A swap across New Year: 31/12/2018 off, Saturday 5/1/2019 worked.
    assert not cal.is_working_day(date(2018, 12, 31))
    assert cal.is_working_day(date(2019, 1, 5))


def test_vietnam_culture_day_from_2026(cal: WorkCalendar) -> None:
    assert cal.holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2025, 11, 24))


def test_plain_weekdays_and_weekends(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 3, 2))
    assert not cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.holiday_name(date(2026, 3, 2)) is None


def test_any_year_works(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2031, 1, 1))
    assert not cal.is_working_day(date(2031, 9, 2))
    assert cal.is_working_day(date(2031, 3, 3))


def test_extra_days_off_and_working_saturday_from_config() -> None:
    cal = WorkCalendar(
        extra_days_off=frozenset({date(2027, 2, 3), date(2027, 2, 11)}),
        extra_working_days=frozenset({date(2027, 2, 20)}),
    )
    assert not cal.is_working_day(date(2027, 2, 3))
    assert not cal.is_working_day(date(2027, 2, 11))
    assert cal.is_working_day(date(2027, 2, 20))
    assert not cal.is_working_day(date(2027, 2, 27))
    assert cal.holiday_name(date(2027, 2, 3)) is None


def test_config_lists_win_over_the_package() -> None:
    cal = WorkCalendar(
        extra_days_off=frozenset({date(2026, 8, 22)}),
        extra_working_days=frozenset({date(2027, 2, 6)}),
    )
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2027, 2, 6))


def test_add_working_days_across_tet_2026(cal: WorkCalendar) -> None:
    # Received Tuesday 10/2/2026: 11, 12, 13/2, then Tết, then 23–27/2, 2/3 and 3/3.
    assert cal.add_working_days(date(2026, 2, 10), 10) == date(2026, 3, 3)
    assert cal.add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 23)
    assert cal.working_days_between(date(2026, 2, 10), date(2026, 3, 3)) == 10


def test_add_working_days_does_not_count_the_start(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    # Received on a Saturday: counting starts on Monday.
    assert cal.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert cal.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_add_working_days_backwards(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert cal.add_working_days(date(2026, 3, 3), -10) == date(2026, 2, 10)


def test_working_days_between_is_the_inverse(cal: WorkCalendar) -> None:
    start = date(2026, 12, 28)
    for n in range(60):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n
    assert cal.working_days_between(date(2026, 3, 3), date(2026, 3, 3)) == 0
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == -5


def test_weekly_session_on_a_holiday_moves_to_the_next_working_day(cal: WorkCalendar) -> None:
    # The chairman receives citizens every Tuesday; Tuesday 17/2/2026 is mùng 1 Tết.
    assert cal.next_working_day(date(2026, 2, 17)) == date(2026, 2, 23)
    # Thursday sessions: 30/4/2026 moves past 1/5 and the weekend.
    assert cal.next_working_day(date(2026, 4, 30)) == date(2026, 5, 4)
    # A working day stays put.
    assert cal.next_working_day(date(2026, 2, 24)) == date(2026, 2, 24)


def test_a_datetime_is_refused(cal: WorkCalendar) -> None:
    # A UTC timestamp's date can be the wrong local day; the caller must convert first.
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 3, 2, 20, tzinfo=UTC))
