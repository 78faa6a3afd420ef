"""Periods, typed ranges, percentiles and who may see reports: pure rules, checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import WorkCalendar
from bot.domain.figures import (
    BAD_FORMAT,
    IN_FUTURE,
    NO_SUCH_DAY,
    REVERSED,
    TOO_LONG,
    CaseFacts,
    Period,
    PeriodError,
    Preset,
    Timeliness,
    figures,
    may_see_reports,
    parse_period,
    percentile,
    preset_period,
    weeks,
)
from bot.domain.people import Officer, Role
from bot.domain.tickets import Kind, Status

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("preset", "today", "start", "end"),
    [
        (Preset.THIS_MONTH, TODAY, date(2026, 11, 1), date(2026, 11, 30)),
        (Preset.THIS_MONTH, date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
        (Preset.LAST_MONTH, TODAY, date(2026, 10, 1), date(2026, 10, 31)),
        (Preset.LAST_MONTH, date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        (Preset.LAST_MONTH, date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
        (Preset.THIS_QUARTER, TODAY, date(2026, 10, 1), date(2026, 12, 31)),
        (Preset.THIS_QUARTER, date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (Preset.THIS_QUARTER, date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30)),
        (Preset.THIS_YEAR, TODAY, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_presets(preset: Preset, today: date, start: date, end: date) -> None:
    assert preset_period(preset, today) == Period(start, end)


@pytest.mark.parametrize(
    "typed",
    [
        "01/01/2026 - 31/03/2026",
        "1/1/2026 đến 31/3/2026",
        "01/01/2026 31/03/2026",
        "Từ 1/1/2026 đến 31/3/2026",
        "tu 1.1.2026 toi 31.3.2026",
        "01-01-2026 – 31-03-2026",
        " 1/1/2026-31/3/2026 ",
    ],
)
def test_ranges_as_people_type_them(typed: str) -> None:
    assert parse_period(typed, TODAY) == Period(date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31/03/2026", BAD_FORMAT),
        ("2026-01-01 2026-03-31", BAD_FORMAT),
        ("01/01/2026 - 31/03/2026 - 01/04/2026", BAD_FORMAT),
        ("từ đầu năm 01/01/2026 đến 31/03/2026", BAD_FORMAT),
        ("31/02/2026 - 31/03/2026", NO_SUCH_DAY),
        ("01/13/2026 - 31/03/2026", NO_SUCH_DAY),
        ("31/03/2026 - 01/01/2026", REVERSED),
        ("29/11/2026 - 30/11/2026", IN_FUTURE),
        ("01/01/2020 - 31/12/2026", TOO_LONG),
    ],
)
def test_ranges_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(PeriodError) as refused:
        parse_period(typed, TODAY)
    assert refused.value.reason == reason


def test_a_period_may_end_after_today_and_be_one_day() -> None:
    assert parse_period("01/11/2026 - 31/12/2026", TODAY).days == 61
    assert parse_period("28/11/2026 28/11/2026", TODAY).days == 1


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 50, None),
        ([7], 50, 7),
        ([7], 90, 7),
        ([3, 1, 2], 50, 2),
        ([4, 1, 3, 2], 50, 2),  # nearest rank: ceil(2) = 2nd, the lower middle
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9),  # ceil(9) = 9th
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, 10),  # ceil(9.9) = 10th
        ([5, 5, 5, 100], 90, 100),
        ([2, 9], 100, 9),
    ],
)
def test_nearest_rank_percentile(values: list[int], q: float, expected: int | None) -> None:
    assert percentile(values, q) == expected


@pytest.mark.parametrize("q", [0, -1, 101])
def test_a_percentile_out_of_range_is_an_error(q: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile([1], q)


def officer(roles: set[Role], department: str | None = None) -> Officer:
    return Officer(1, "telegram", "1", "Cán bộ", "", department, frozenset(roles))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (officer({Role.LEADER}), True),
        (officer({Role.ADMIN}), True),
        (officer({Role.OFFICER, Role.RECEPTION}, "van-phong"), True),
        (officer({Role.OFFICER}, "kinh-te"), False),
        (officer({Role.RECEPTION}, "kinh-te"), False),
        (officer({Role.SUPERVISOR}), False),
        (officer({Role.SUPERVISOR}, "van-phong"), False),
    ],
)
def test_who_may_see_reports(who: Officer, allowed: bool) -> None:
    assert may_see_reports(who, "van-phong") is allowed


def case(
    received: date,
    status: Status,
    *,
    closed: date | None = None,
    due: date | None = None,
    accepted: date | None = None,
) -> CaseFacts:
    return CaseFacts(
        "SN-2026-00001", Kind.FEEDBACK, "khac", None, None, status, received, accepted, closed,
        due, None, None,
    )  # fmt: skip


def nov(day: int) -> date:
    return date(2026, 11, day)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (case(nov(2), Status.RESOLVED, closed=nov(16), due=nov(16)), Timeliness.ON_TIME),
        (case(nov(2), Status.RESOLVED, closed=nov(17), due=nov(16)), Timeliness.LATE),
        (case(nov(2), Status.REFUSED, closed=nov(30)), Timeliness.ON_TIME),
        (case(nov(2), Status.REOPENED, due=nov(3)), None),
    ],
)
def test_on_time_is_closed_no_later_than_due(facts: CaseFacts, expected: Timeliness | None) -> None:
    assert facts.timeliness is expected


def test_working_days_skip_weekends_and_holidays() -> None:
    # Received Friday 30/1/2026, accepted Monday 2/2 (1 day); resolved Monday 23/2/2026, after
    # the Tết days 16–20/2: 2, 3, 4, 5, 6, 9, 10, 11, 12, 13 and 23/2 are 11 working days.
    facts = case(
        date(2026, 1, 30), Status.RESOLVED, accepted=date(2026, 2, 2), closed=date(2026, 2, 23)
    )
    counted = figures([facts], TODAY, WorkCalendar())
    assert (counted.to_accept.median, counted.to_resolve.median) == (1, 11)


def test_no_cases_no_figures_but_every_week() -> None:
    counted = figures([], TODAY, WorkCalendar())
    assert counted.received == 0
    assert set(counted.by_kind.values()) == {0}
    assert counted.satisfaction_rate is None
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    mondays = [w.monday for w in weeks([], period)]
    assert mondays == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                       date(2026, 3, 23), date(2026, 3, 30)]  # fmt: skip
