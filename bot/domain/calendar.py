"""Working days of a Vietnamese commune office: what every deadline and session counts on.

Why a class of its own: legal deadlines for feedback and petitions, and the 5- and 7-day steps of
a denunciation, count "ngày làm việc" (working days), and a reception session that falls on a
public holiday moves to the next working day. Getting that wrong by a day makes a case look overdue
(or on time) when it is not, so the rule lives in one place and is tested against real years.

What counts as a day off:
- Saturdays and Sundays;
- the public holidays of the `holidays` package for Vietnam (`country_holidays("VN")`): Tết Dương
  lịch (1/1), Tết Nguyên Đán (the package's five weekdays around mùng 1, for example 16–20/2/2026
  and 4, 5, 8, 9, 10/2/2027, with a holiday falling on a weekend made up on the nearest weekday as
  the Labour Code requires), Giỗ Tổ Hùng Vương (10/3 âm lịch), 30/4, 1/5, Quốc khánh (2/9 and the
  day before or after), from 2026 Ngày Văn hóa Việt Nam (24/11), the "nghỉ bù" for a holiday on a
  weekend, and the day swaps the Government has already decided (for example Monday 31/8/2026 off,
  worked back on Saturday 22/8/2026; the package also names such Saturdays as working days);
- `extra_days_off` from the commune's config.

And what counts as a working day although it is a weekend: the Saturdays the package knows are
worked in exchange, and `extra_working_days` from the config.

Why the two extra lists: the Government announces each year's Tết and holiday swaps only months
ahead, and the package's dates for a year not yet decided are its estimate; a province or commune
may also close for a local reason (a storm, an election day). The IT officer writes what the
package does not know yet into config.toml instead of waiting for a new release. The extra lists
win over the package: a date in `extra_days_off` is never a working day, a date in
`extra_working_days` always is.

The calendar is pure: no clock, no I/O; each year's holidays are computed from the package the
first time a date of that year (or the next, since a swap can cross New Year) is asked about, so
any year works. Dates are the commune's local dates: convert a UTC timestamp to the commune's time
zone before asking, which is why a `datetime` is refused rather than silently compared as a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

import holidays

COUNTRY = "VN"
_LANGUAGE = "vi"
_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Year:
    """What the package says about one year: days off by name, and weekend days worked instead."""

    days_off: Mapping[date, str]
    weekend_workdays: frozenset[date]


def _load_year(year: int) -> _Year:
    found = holidays.country_holidays(COUNTRY, years=year, language=_LANGUAGE)
    return _Year(
        days_off=MappingProxyType(dict(found.items())),
        weekend_workdays=frozenset(found.weekend_workdays),
    )


def _plain_date(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError(
            "WorkCalendar takes local dates, not datetimes: use .astimezone(zone).date()"
        )
    return day


class WorkCalendar:
    """Working days in Vietnam for one commune: the package's holidays plus the config's changes."""

    __slots__ = ("_extra_days_off", "_extra_working_days", "_years")

    def __init__(
        self,
        *,
        extra_days_off: frozenset[date] = frozenset(),
        extra_working_days: frozenset[date] = frozenset(),
    ) -> None:
        self._extra_days_off = frozenset(extra_days_off)
        self._extra_working_days = frozenset(extra_working_days)
        self._years: dict[int, _Year] = {}

    @property
    def extra_days_off(self) -> frozenset[date]:
        return self._extra_days_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._extra_working_days

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = _load_year(year)
        return cached

    def _package_weekend_workday(self, day: date) -> bool:
        # A swap is filed under the year of the day off it pays for, which may be the year
        # before or after the Saturday worked (31/12/2018 off for 5/1/2019 worked).
        return any(
            day in self._year(year).weekend_workdays
            for year in (day.year - 1, day.year, day.year + 1)
        )

    def holiday_name(self, day: date) -> str | None:
        """The package's Vietnamese name of a public holiday or swapped day off, else None.

        For telling people why a session moved ("nghỉ Tết Nguyên Đán"); an extra day off from the
        config has no name here.
        """
        return self._year(_plain_date(day).year).days_off.get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether the commune office works on `day` (Monday–Friday unless a holiday, or a swap)."""
        day = _plain_date(day)
        if day in self._extra_days_off:
            return False
        if day in self._extra_working_days:
            return True
        if day in self._year(day.year).days_off:
            return False
        if day.weekday() >= _SATURDAY:
            return self._package_weekend_workday(day)
        return True

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it.

        This is where a reception session on a holiday moves to, and where a deadline counted in
        calendar days ends when its last day is a day off.
        """
        day = _plain_date(day)
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`, not counting `start` itself.

        So a case received on Friday with 10 working days is due on the 10th working day from the
        next Monday, and one received on a Saturday counts the same way. A negative `n` gives the
        n-th working day before `start` (for "remind two working days before the due date");
        `n == 0` gives `start` unchanged.
        """
        day = _plain_date(start)
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie after `a` up to and including `b`; negative when b < a.

        The inverse of `add_working_days`: `working_days_between(s, add_working_days(s, n)) == n`
        for n >= 0.
        Useful for "N working days left" and "overdue by N working days".
        """
        a, b = _plain_date(a), _plain_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count
