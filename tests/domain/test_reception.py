"""The reception schedule against real holidays: Tết 2026 (16–20/2 off), Giỗ Tổ's substitute
day 27/4/2026, and 30/4–1/5/2026 (a Thursday and a Friday)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import WorkCalendar
from bot.domain.reception import (
    CHAT_RULE_ID,
    Rule,
    Session,
    SessionRule,
    one_off,
    parse_lead,
    sessions_between,
    upcoming,
)

CAL = WorkCalendar()
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Phòng tiếp công dân, UBND xã"

CHAIRMAN = SessionRule(
    id="chu-tich",
    title="Chủ tịch tiếp công dân",
    place=PLACE,
    rule=Rule.WEEKLY,
    start=time(7, 30),
    end=time(11, 0),
    host=100000001,
    weekday=4,  # Thursday
)
OFFICE = SessionRule(
    id="thuong-xuyen",
    title="Tiếp công dân thường xuyên",
    place=PLACE,
    rule=Rule.WORKDAYS,
    start=time(14, 0),
    end=time(16, 30),
    host=100000002,
    remind_before=(),
)


def monthly(day: int) -> SessionRule:
    return SessionRule(
        id="hang-thang",
        title="Tiếp công dân hằng tháng",
        place=PLACE,
        rule=Rule.MONTHLY,
        start=time(8, 0),
        end=time(11, 0),
        day=day,
    )


def once(on: date) -> SessionRule:
    return SessionRule(
        id="dot-xuat",
        title="Tiếp công dân đột xuất",
        place=PLACE,
        rule=Rule.ONCE,
        start=time(8, 0),
        end=time(10, 0),
        on=on,
    )


def days(sessions: list[Session]) -> list[date]:
    return [s.day for s in sessions]


# --- weekly -------------------------------------------------------------------------------------


def test_weekly_thursdays_with_tet_moving_one_to_the_next_working_day() -> None:
    found = sessions_between([CHAIRMAN], date(2026, 2, 1), date(2026, 2, 28), CAL)
    # Thursday 19/2 is mùng ba Tết; Friday 20/2 is off too, then a weekend: Monday 23/2.
    assert days(found) == [
        date(2026, 2, 5),
        date(2026, 2, 12),
        date(2026, 2, 23),
        date(2026, 2, 26),
    ]
    moved = found[2]
    assert moved.moved_from == date(2026, 2, 19)
    assert moved.key == "chu-tich:2026-02-19"
    assert [s.moved_from for s in found if s is not moved] == [None, None, None]
    assert found[0] == Session(
        key="chu-tich:2026-02-05",
        rule_id="chu-tich",
        title="Chủ tịch tiếp công dân",
        place=PLACE,
        host=100000001,
        day=date(2026, 2, 5),
        start=time(7, 30),
        end=time(11, 0),
        moved_from=None,
        remind_before=(timedelta(days=1), timedelta(hours=2)),
    )


def test_weekly_on_30_april_moves_past_1_may_and_the_weekend() -> None:
    found = sessions_between([CHAIRMAN], date(2026, 4, 20), date(2026, 5, 10), CAL)
    assert days(found) == [date(2026, 4, 23), date(2026, 5, 4), date(2026, 5, 7)]
    assert found[1].moved_from == date(2026, 4, 30)
    assert found[1].key == "chu-tich:2026-04-30"


def test_new_year_on_a_thursday_moves_to_friday() -> None:
    found = sessions_between([CHAIRMAN], date(2026, 1, 1), date(2026, 1, 2), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 1, 2), date(2026, 1, 1))]


def test_a_session_moved_into_the_range_is_included_and_one_moved_out_is_not() -> None:
    # Planned before `first`, held on it.
    inside = sessions_between([CHAIRMAN], date(2026, 2, 23), date(2026, 2, 23), CAL)
    assert [s.key for s in inside] == ["chu-tich:2026-02-19"]
    # Planned inside the Tết week, held after it: not a session of that week.
    assert sessions_between([CHAIRMAN], date(2026, 2, 16), date(2026, 2, 22), CAL) == []


def test_keys_stay_the_same_when_a_late_day_off_moves_the_session() -> None:
    before = sessions_between([CHAIRMAN], date(2026, 12, 7), date(2026, 12, 13), CAL)
    # A local closure decided later: the Thursday session moves to Friday, the key stays.
    closed = WorkCalendar(extra_days_off=frozenset({date(2026, 12, 10)}))
    after = sessions_between([CHAIRMAN], date(2026, 12, 7), date(2026, 12, 13), closed)
    assert [(s.key, s.day, s.moved_from) for s in before] == [
        ("chu-tich:2026-12-10", date(2026, 12, 10), None)
    ]
    assert [(s.key, s.day, s.moved_from) for s in after] == [
        ("chu-tich:2026-12-10", date(2026, 12, 11), date(2026, 12, 10))
    ]
    # So a cancellation stored before the move still applies after it.
    cancelled = {"chu-tich:2026-12-10"}
    found = sessions_between(
        [CHAIRMAN], date(2026, 12, 7), date(2026, 12, 13), closed, cancelled=cancelled
    )
    assert found == []


def test_two_sessions_of_a_rule_on_one_day_after_a_move_are_one() -> None:
    # A week-long local closure from Thursday 3/12 to Wednesday 9/12/2026 pushes the 3/12
    # session onto Thursday 10/12, which has its own session.
    closed = WorkCalendar(
        extra_days_off=frozenset(date(2026, 12, 3) + timedelta(days=n) for n in range(7))
    )
    found = sessions_between([CHAIRMAN], date(2026, 11, 30), date(2026, 12, 13), closed)
    assert [(s.key, s.day, s.moved_from) for s in found] == [
        ("chu-tich:2026-12-10", date(2026, 12, 10), None)
    ]
    # Cancelling the day's own session leaves the one moved onto it.
    rest = sessions_between(
        [CHAIRMAN],
        date(2026, 11, 30),
        date(2026, 12, 13),
        closed,
        cancelled={"chu-tich:2026-12-10"},
    )
    assert [(s.key, s.day, s.moved_from) for s in rest] == [
        ("chu-tich:2026-12-03", date(2026, 12, 10), date(2026, 12, 3))
    ]


def test_a_sunday_weekly_session_moves_to_monday() -> None:
    sunday = SessionRule(
        id="chu-nhat",
        title="Tiếp công dân Chủ nhật",
        place=PLACE,
        rule=Rule.WEEKLY,
        start=time(8, 0),
        end=time(10, 0),
        weekday=7,
    )
    found = sessions_between([sunday], date(2026, 3, 3), date(2026, 3, 9), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 3, 9), date(2026, 3, 8))]


def test_a_swapped_saturday_is_a_working_day() -> None:
    # Saturday 22/8/2026 is worked in exchange for Monday 31/8/2026.
    saturday = SessionRule(
        id="thu-bay",
        title="Tiếp công dân thứ Bảy",
        place=PLACE,
        rule=Rule.WEEKLY,
        start=time(8, 0),
        end=time(10, 0),
        weekday=6,
    )
    found = sessions_between([saturday], date(2026, 8, 18), date(2026, 8, 24), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 8, 22), None)]


# --- monthly ------------------------------------------------------------------------------------


def test_monthly_31_uses_the_last_day_and_moves_off_holidays() -> None:
    found = sessions_between([monthly(31)], date(2026, 3, 1), date(2026, 6, 30), CAL)
    assert [(s.key, s.day, s.moved_from) for s in found] == [
        # February's session: 28/2/2026 is a Saturday, held on Monday 2/3.
        ("hang-thang:2026-02-28", date(2026, 3, 2), date(2026, 2, 28)),
        ("hang-thang:2026-03-31", date(2026, 3, 31), None),
        # April has 30 days; 30/4 and 1/5 are holidays, 2–3/5 a weekend.
        ("hang-thang:2026-04-30", date(2026, 5, 4), date(2026, 4, 30)),
        # 31/5 is a Sunday.
        ("hang-thang:2026-05-31", date(2026, 6, 1), date(2026, 5, 31)),
        # June has 30 days; Tuesday 30/6 is a working day.
        ("hang-thang:2026-06-30", date(2026, 6, 30), None),
    ]


def test_monthly_29_in_february_and_across_the_new_year() -> None:
    found = sessions_between([monthly(29)], date(2025, 12, 1), date(2026, 3, 5), CAL)
    assert [(s.day, s.moved_from) for s in found] == [
        # 29/11/2025 is a Saturday: November's session is held on Monday 1/12.
        (date(2025, 12, 1), date(2025, 11, 29)),
        (date(2025, 12, 29), None),
        (date(2026, 1, 29), None),
        # 2026 is not a leap year: 28/2, a Saturday, moves to Monday 2/3.
        (date(2026, 3, 2), date(2026, 2, 28)),
    ]


def test_monthly_during_tet() -> None:
    found = sessions_between([monthly(17)], date(2026, 2, 1), date(2026, 2, 28), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 2, 23), date(2026, 2, 17))]


# --- workdays -----------------------------------------------------------------------------------


def test_workdays_skip_tet_without_moving() -> None:
    found = sessions_between([OFFICE], date(2026, 2, 9), date(2026, 2, 27), CAL)
    expected = [date(2026, 2, d) for d in (9, 10, 11, 12, 13, 23, 24, 25, 26, 27)]
    assert days(found) == expected
    assert all(s.moved_from is None for s in found)
    assert found[0].key == "thuong-xuyen:2026-02-09"


def test_workdays_around_30_april() -> None:
    found = sessions_between([OFFICE], date(2026, 4, 24), date(2026, 5, 8), CAL)
    # 27/4 is Giỗ Tổ's substitute day; 30/4 and 1/5 are holidays.
    expected = [date(2026, 4, 24), date(2026, 4, 28), date(2026, 4, 29)]
    expected += [date(2026, 5, d) for d in (4, 5, 6, 7, 8)]
    assert days(found) == expected


# --- once ---------------------------------------------------------------------------------------


def test_once_on_a_working_day() -> None:
    found = sessions_between([once(date(2026, 5, 5))], date(2026, 5, 1), date(2026, 5, 31), CAL)
    assert [(s.key, s.day, s.moved_from) for s in found] == [
        ("dot-xuat:2026-05-05", date(2026, 5, 5), None)
    ]


def test_once_on_a_holiday_moves() -> None:
    found = sessions_between([once(date(2026, 4, 30))], date(2026, 4, 1), date(2026, 5, 31), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 5, 4), date(2026, 4, 30))]


def test_once_on_a_saturday_is_held_on_monday() -> None:
    found = sessions_between([once(date(2026, 6, 6))], date(2026, 6, 1), date(2026, 6, 30), CAL)
    assert [(s.day, s.moved_from) for s in found] == [(date(2026, 6, 8), date(2026, 6, 6))]


def test_once_outside_the_range() -> None:
    assert (
        sessions_between([once(date(2026, 7, 1))], date(2026, 5, 1), date(2026, 5, 31), CAL) == []
    )


# --- cancellations, extra sessions, ordering ------------------------------------------------------


def test_cancelled_keys_are_dropped() -> None:
    found = sessions_between(
        [CHAIRMAN],
        date(2026, 2, 1),
        date(2026, 2, 28),
        CAL,
        cancelled={"chu-tich:2026-02-12", "chu-tich:2026-02-19", "no-such:2026-02-05"},
    )
    assert days(found) == [date(2026, 2, 5), date(2026, 2, 26)]


def test_extra_sessions_are_merged_sorted_and_cancellable() -> None:
    early = one_off(
        "Lãnh đạo tiếp dân về đất đai",
        PLACE,
        date(2026, 3, 5),
        time(7, 0),
        time(8, 0),
        None,
        key_suffix="a",
    )
    same_start = one_off(
        "Bí thư tiếp công dân", PLACE, date(2026, 3, 5), time(7, 30), time(9, 0), 1, key_suffix="b"
    )
    on_a_holiday = one_off(
        "Tiếp công dân đột xuất",
        PLACE,
        date(2026, 4, 30),
        time(8, 0),
        time(9, 0),
        None,
        key_suffix="c",
    )
    outside = one_off(
        "Ngoài khoảng", PLACE, date(2026, 6, 1), time(8, 0), time(9, 0), None, key_suffix="d"
    )
    dropped = one_off(
        "Đã hủy", PLACE, date(2026, 3, 6), time(8, 0), time(9, 0), None, key_suffix="e"
    )
    found = sessions_between(
        [CHAIRMAN, OFFICE],
        date(2026, 3, 5),
        date(2026, 5, 4),
        CAL,
        extra=[on_a_holiday, outside, dropped, same_start, early, early],
        cancelled={dropped.key},
    )
    first_day = [(s.start, s.title) for s in found if s.day == date(2026, 3, 5)]
    assert first_day == [
        (time(7, 0), "Lãnh đạo tiếp dân về đất đai"),
        (time(7, 30), "Bí thư tiếp công dân"),  # "B" before "C": same start, sorted by title
        (time(7, 30), "Chủ tịch tiếp công dân"),
        (time(14, 0), "Tiếp công dân thường xuyên"),
    ]
    # A session added by chat stays on the day chosen, even a holiday.
    assert on_a_holiday in found
    assert outside not in found
    assert dropped not in found
    assert found.count(early) == 1
    assert found == sorted(found, key=lambda s: (s.day, s.start, s.title))


def test_empty_range() -> None:
    assert sessions_between([CHAIRMAN, OFFICE], date(2026, 3, 6), date(2026, 3, 5), CAL) == []


# --- upcoming -----------------------------------------------------------------------------------


def test_upcoming_counts_from_today_after_tet() -> None:
    found = upcoming([CHAIRMAN, OFFICE], date(2026, 2, 18), CAL, count=3)
    assert [(s.key, s.day) for s in found] == [
        ("chu-tich:2026-02-19", date(2026, 2, 23)),
        ("thuong-xuyen:2026-02-23", date(2026, 2, 23)),
        ("thuong-xuyen:2026-02-24", date(2026, 2, 24)),
    ]
    assert upcoming([CHAIRMAN, OFFICE], date(2026, 2, 18), CAL, count=0) == []


def test_upcoming_includes_today_and_stops_at_the_horizon() -> None:
    assert [s.day for s in upcoming([CHAIRMAN], date(2026, 3, 5), CAL, count=2)] == [
        date(2026, 3, 5),
        date(2026, 3, 12),
    ]
    far = once(date(2026, 9, 15))
    assert upcoming([far], date(2026, 5, 1), CAL, count=5) == []
    assert len(upcoming([far], date(2026, 5, 1), CAL, count=5, horizon_days=140)) == 1


def test_upcoming_with_changes() -> None:
    extra = one_off("Thêm", PLACE, date(2026, 3, 6), time(8, 0), time(9, 0), None, key_suffix="x")
    found = upcoming(
        [CHAIRMAN], date(2026, 3, 5), CAL, count=2, extra=[extra], cancelled={"chu-tich:2026-03-05"}
    )
    assert [s.key for s in found] == [extra.key, "chu-tich:2026-03-12"]


# --- the pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("1d", timedelta(days=1)),
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1d2h30m", timedelta(days=1, hours=2, minutes=30)),
        ("90m", timedelta(minutes=90)),
        (" 2h ", timedelta(hours=2)),
        ("0d2h", timedelta(hours=2)),
    ],
)
def test_parse_lead(text: str, lead: timedelta) -> None:
    assert parse_lead(text) == lead


@pytest.mark.parametrize(
    "text", ["", " ", "2", "h", "0h", "0d0h0m", "2x", "1.5h", "2h1d", "-1d", "1 d", "1d 2h", "1w"]
)
def test_parse_lead_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="lead"):
        parse_lead(text)


def test_starts_at_is_aware_local_time() -> None:
    session = sessions_between([CHAIRMAN], date(2026, 3, 5), date(2026, 3, 5), CAL)[0]
    starts = session.starts_at(ZONE)
    assert starts == datetime(2026, 3, 5, 7, 30, tzinfo=ZONE)
    assert starts.astimezone(UTC) == datetime(2026, 3, 5, 0, 30, tzinfo=UTC)
    assert session.ends_at(ZONE) == datetime(2026, 3, 5, 11, 0, tzinfo=ZONE)


def test_one_off() -> None:
    session = one_off(
        "Tiếp công dân đột xuất",
        PLACE,
        date(2026, 5, 5),
        time(8, 0),
        time(10, 0),
        100000001,
        key_suffix="20260501093000",
    )
    assert session == Session(
        key="once-chat-20260501093000:2026-05-05",
        rule_id=CHAT_RULE_ID,
        title="Tiếp công dân đột xuất",
        place=PLACE,
        host=100000001,
        day=date(2026, 5, 5),
        start=time(8, 0),
        end=time(10, 0),
        moved_from=None,
        remind_before=(timedelta(days=1), timedelta(hours=2)),
    )


@pytest.mark.parametrize(
    ("start", "end", "suffix"),
    [
        (time(10, 0), time(8, 0), "a"),
        (time(8, 0), time(8, 0), "a"),
        (time(8, 0), time(10, 0), ""),
        (time(8, 0), time(10, 0), "a:b"),
    ],
)
def test_one_off_refuses(start: time, end: time, suffix: str) -> None:
    with pytest.raises(ValueError, match=r"start|suffix"):
        one_off("Tiếp", PLACE, date(2026, 5, 5), start, end, None, key_suffix=suffix)


@pytest.mark.parametrize(
    "changes",
    [
        {"rule": Rule.WEEKLY},
        {"rule": Rule.WEEKLY, "weekday": 0},
        {"rule": Rule.WEEKLY, "weekday": 8},
        {"rule": Rule.MONTHLY},
        {"rule": Rule.MONTHLY, "day": 32},
        {"rule": Rule.ONCE},
        {"rule": Rule.WORKDAYS, "start": time(11, 0)},
        {"rule": Rule.WORKDAYS, "remind_before": (timedelta(0),)},
    ],
)
def test_a_rule_without_what_it_needs_is_refused(changes: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "id": "x",
        "title": "Tiếp",
        "place": PLACE,
        "start": time(8, 0),
        "end": time(11, 0),
    }
    with pytest.raises(ValueError, match="reception rule"):
        SessionRule(**(fields | changes))  # type: ignore[arg-type]
