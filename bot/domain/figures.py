"""Periodic reports (báo cáo định kỳ), the pure part: the period asked for and the figures about it.

Why the cohort rule: every figure is about the cases *received* in the period, as they stand at
report time. Counting "resolved in the period" next to "received in the period" would mix two
different sets of cases, and the per-case sheet of the Excel file would no longer add up to the
summary; a leader checking the file by hand must find the same numbers. A case received in March
and resolved in April therefore shows as resolved in a March report made in May.

Definitions a reader of the report may ask about:
- on time / late: for a closed case (resolved, or refused with reasons, both an answer to the
  citizen), the local date it was closed compared with its due date; closed on the due date is on
  time, and a case without a due date counts as on time;
- overdue now: still open, with a due date before the report's date;
- times in working days: `WorkCalendar.working_days_between(received, accepted)` (or resolved),
  so a case accepted the day it arrived took 0 days and one received on Friday and accepted on
  Monday took 1; only resolved cases count for the time to resolve;
- median and 90th percentile: nearest-rank, the smallest value with at least q% of the values at
  or below it (`percentile`), so they are always one of the observed whole numbers of days;
- satisfaction rate: satisfied ratings over all ratings the cases carry now.

Pure: no clock and no I/O; "today" and the sessions held are arguments.

Why one module of ~380 lines: the period, the facts and every figure follow the one cohort rule
above; they are kept together so that rule is read once, next to everything it governs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.calendar import WorkCalendar
from bot.domain.files import FileFacts
from bot.domain.guide import GuideFigures
from bot.domain.people import Officer, Role
from bot.domain.tickets import CASE_KINDS, Kind, Status
from bot.domain.workflow import AWAITING_ACCEPTANCE, CLOSED, OPEN, WORKING

# A period longer than this is surely a typo (1900 for 2019) and would only make a huge file.
MAX_DAYS = 5 * 366
SATISFIED = "satisfied"


class PeriodError(ValueError):
    """A period that cannot be reported on; `reason` names the text that explains why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# The reasons, as keys under [report.period_error] in the message catalog.
BAD_FORMAT = "bad_format"
NO_SUCH_DAY = "no_such_day"
REVERSED = "reversed"
IN_FUTURE = "in_future"
TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates in the commune's time zone, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError(REVERSED)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def this_month(cls, today: date) -> Period:
        return cls(today.replace(day=1), _month_end(today.year, today.month))

    @classmethod
    def last_month(cls, today: date) -> Period:
        last = today.replace(day=1) - timedelta(days=1)
        return cls(last.replace(day=1), last)

    @classmethod
    def this_quarter(cls, today: date) -> Period:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return cls(date(today.year, first_month, 1), _month_end(today.year, first_month + 2))

    @classmethod
    def this_year(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), date(today.year, 12, 31))

    @classmethod
    def checked(cls, start: date, end: date, today: date) -> Period:
        """A period someone typed: refused when reversed, starting after today, or too long."""
        period = cls(start, end)
        if start > today:
            raise PeriodError(IN_FUTURE)
        if period.days > MAX_DAYS:
            raise PeriodError(TOO_LONG)
        return period


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


class Preset(StrEnum):
    """The periods offered with one tap."""

    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"


def preset_period(preset: Preset, today: date) -> Period:
    period: Period = getattr(Period, preset.value)(today)
    return period


_DAY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
# What may stand around and between the two dates: "từ", "đến", "tới", dashes, commas.
_FILLER = re.compile(r"^(?:\s|[-–—,:;]|t[uừ]|đ[eế]n|den|t[oớ]i|toi)*$", re.IGNORECASE)


def parse_period(text: str, today: date) -> Period:
    """Two dates typed as dd/mm/yyyy, in any of the ways people write a range.

    "01/01/2026 - 31/03/2026", "1/1/2026 đến 31/3/2026", "từ 1.1.2026 tới 31.3.2026" and
    "01/01/2026 31/03/2026" all mean the first quarter of 2026. Anything else, an impossible
    day (31/02), or a range `Period.checked` refuses raises PeriodError.
    """
    found = list(_DAY.finditer(text))
    rest = _DAY.sub(" ", text)
    if len(found) != 2 or not _FILLER.match(rest):
        raise PeriodError(BAD_FORMAT)
    try:
        start, end = (date(int(m[3]), int(m[2]), int(m[1])) for m in found)
    except ValueError:
        raise PeriodError(NO_SUCH_DAY) from None
    return Period.checked(start, end, today)


def may_see_reports(officer: Officer, triage_department: str) -> bool:
    """Leaders, admins and the Office's own officers, who compile the periodic reports."""
    return (
        officer.has(Role.LEADER)
        or officer.has(Role.ADMIN)
        or (officer.department_id == triage_department and officer.has(Role.OFFICER))
    )


def percentile(values: Sequence[int], q: float) -> int | None:
    """Nearest-rank percentile: the ceil(q/100 · n)-th smallest value; None without values.

    The median is `percentile(values, 50)`, which for an even count is the lower middle value.
    """
    if not 0 < q <= 100:
        raise ValueError(f"a percentile is above 0 and at most 100: {q}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(q / 100 * len(ordered)) - 1]


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"


class StatusGroup(StrEnum):
    """Statuses as a leader groups them on the chart."""

    WAITING = "waiting"  # not yet accepted
    WORKING = "working"
    RESOLVED = "resolved"
    REFUSED = "refused"


def status_group(status: Status) -> StatusGroup:
    if status in AWAITING_ACCEPTANCE:
        return StatusGroup.WAITING
    if status in WORKING:
        return StatusGroup.WORKING
    return StatusGroup.RESOLVED if status is Status.RESOLVED else StatusGroup.REFUSED


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """One case as the report sees it, with the commune's local dates.

    `sender` is the contact name the citizen gave, if any; whoever shows it decides whether it
    may be shown (never for a denunciation).
    """

    code: str
    kind: Kind
    category_id: str
    department_id: str | None
    officer: str | None
    status: Status
    received_on: date
    accepted_on: date | None
    closed_on: date | None
    due_on: date | None
    rating: str | None
    sender: str | None

    @property
    def timeliness(self) -> Timeliness | None:
        """On time or late once closed; None while open."""
        if self.status not in CLOSED or self.closed_on is None:
            return None
        if self.due_on is None or self.closed_on <= self.due_on:
            return Timeliness.ON_TIME
        return Timeliness.LATE

    def overdue(self, today: date) -> bool:
        return self.status in OPEN and self.due_on is not None and self.due_on < today


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and 90th percentile of a duration in working days, over `count` cases."""

    count: int
    median: int | None
    p90: int | None

    @classmethod
    def of(cls, values: Sequence[int]) -> Spread:
        return cls(len(values), percentile(values, 50), percentile(values, 90))


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    """Citizens' questions (❓ Hỏi xã), counted apart: they are no đơn thư, and their short
    deadline would flatter the cases' on-time rate."""

    received: int = 0
    answered: int = 0
    on_time: int = 0  # answered by their due date
    open: int = 0


def question_figures(questions: Sequence[CaseFacts]) -> QuestionFigures:
    answered = [q for q in questions if q.status is Status.RESOLVED]
    return QuestionFigures(
        received=len(questions),
        answered=len(answered),
        on_time=sum(q.timeliness is Timeliness.ON_TIME for q in answered),
        open=sum(q.status in OPEN for q in questions),
    )


@dataclass(frozen=True, slots=True)
class Figures:
    received: int
    by_kind: dict[Kind, int]
    by_category: dict[str, int]
    by_department: dict[str | None, int]
    by_status: dict[Status, int]
    closed: int
    on_time: int
    late: int
    open: int
    overdue: int
    to_accept: Spread
    to_resolve: Spread
    rated: int
    satisfied: int
    sessions_held: int
    bookings: int
    questions: QuestionFigures = QuestionFigures()

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


class _WorkdayCount:
    """Working days between dates, from one running count over the span the cases cover.

    `WorkCalendar.working_days_between` walks day by day; a yearly report of many cases asks
    it thousands of times over the same days, so the days are counted once here.
    """

    def __init__(self, cal: WorkCalendar, first: date, last: date) -> None:
        self._first = first
        running = [0]
        day = first
        while day < last:
            day += timedelta(days=1)
            running.append(running[-1] + cal.is_working_day(day))
        self._running = running

    def between(self, a: date, b: date) -> int:
        return self._running[(b - self._first).days] - self._running[(a - self._first).days]


def _durations(cases: Sequence[CaseFacts], cal: WorkCalendar) -> tuple[list[int], list[int]]:
    """Working days to accept (every accepted case) and to resolve (every resolved case)."""
    accepted = [(c.received_on, c.accepted_on) for c in cases if c.accepted_on is not None]
    resolved = [
        (c.received_on, c.closed_on)
        for c in cases
        if c.status is Status.RESOLVED and c.closed_on is not None
    ]
    days = [d for pair in accepted + resolved for d in pair]
    if not days:
        return [], []
    count = _WorkdayCount(cal, min(days), max(days))
    # A date recorded before receipt would be a clock fault; it counts as the same day.
    return (
        [max(0, count.between(a, b)) for a, b in accepted],
        [max(0, count.between(a, b)) for a, b in resolved],
    )


def figures(
    cases: Sequence[CaseFacts],
    today: date,
    cal: WorkCalendar,
    *,
    sessions_held: int = 0,
    bookings: int = 0,
) -> Figures:
    """Every figure of the report, from the cases received in the period (the cohort); the
    questions among them are counted apart (QuestionFigures)."""
    asked = [c for c in cases if c.kind is Kind.QUESTION]
    cases = [c for c in cases if c.kind is not Kind.QUESTION]
    timeliness = Counter(c.timeliness for c in cases)
    statuses = Counter(c.status for c in cases)
    kinds = Counter(c.kind for c in cases)
    to_accept, to_resolve = _durations(cases, cal)
    ratings = [c.rating for c in cases if c.rating is not None]
    return Figures(
        received=len(cases),
        by_kind={kind: kinds[kind] for kind in CASE_KINDS},
        by_category=dict(Counter(c.category_id for c in cases)),
        by_department=dict(Counter(c.department_id for c in cases)),
        by_status={status: statuses[status] for status in Status},
        closed=sum(statuses[s] for s in CLOSED),
        on_time=timeliness[Timeliness.ON_TIME],
        late=timeliness[Timeliness.LATE],
        open=sum(statuses[s] for s in OPEN),
        overdue=sum(c.overdue(today) for c in cases),
        to_accept=Spread.of(to_accept),
        to_resolve=Spread.of(to_resolve),
        rated=len(ratings),
        satisfied=sum(r == SATISFIED for r in ratings),
        sessions_held=sessions_held,
        bookings=bookings,
        questions=question_figures(asked),
    )


@dataclass(frozen=True, slots=True)
class Week:
    """Cases received in one week (Monday first), by status group now, and how many closed on
    time; the chart's bars and line."""

    monday: date
    by_group: dict[StatusGroup, int] = field(default_factory=dict)
    closed: int = 0
    on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None


def weeks(cases: Iterable[CaseFacts], period: Period) -> list[Week]:
    """Every week the period touches, empty ones included, so the chart's axis has no gaps;
    questions are not cases and are left out."""
    first = period.start - timedelta(days=period.start.weekday())
    mondays = [first + timedelta(weeks=n) for n in range((period.end - first).days // 7 + 1)]
    groups: dict[date, Counter[StatusGroup]] = {m: Counter() for m in mondays}
    closed: Counter[date] = Counter()
    on_time: Counter[date] = Counter()
    for case in cases:
        monday = case.received_on - timedelta(days=case.received_on.weekday())
        if monday not in groups or case.kind is Kind.QUESTION:
            continue
        groups[monday][status_group(case.status)] += 1
        if case.timeliness is not None:
            closed[monday] += 1
            on_time[monday] += case.timeliness is Timeliness.ON_TIME
    return [Week(m, {g: groups[m][g] for g in StatusGroup}, closed[m], on_time[m]) for m in mondays]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a report shows; built once, then written as text, a workbook and a chart.

    `as_of` is the local date the cases' statuses stand at; `made_at` the instant it was built.
    """

    period: Period
    as_of: date
    made_at: datetime
    figures: Figures
    cases: tuple[CaseFacts, ...]
    weeks: tuple[Week, ...]
    files: tuple[FileFacts, ...] = ()  # the cases' attachments, in the cases' order
    guide: GuideFigures = field(default_factory=GuideFigures)  # the period's procedure look-ups
