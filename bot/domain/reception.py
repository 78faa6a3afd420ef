"""The citizen-reception schedule (lịch tiếp công dân): which sessions happen on which days.

Why a module of its own: the law makes the chairman receive citizens on a fixed, publicly
announced schedule (Luật Tiếp công dân 2013, Art 15(2)(d)), and an Office officer usually receives
people every working day. People plan a trip to the commune hall around that schedule, so the bot
must show exactly the sessions that will happen: a session planned on a public holiday moves to
the next working day, a cancelled one disappears, a one-off one added by chat shows up.

The rules come from config (`[[reception]]`), the changes made by chat from storage; this module
only combines them. It is pure: no clock and no I/O, so "today" is always an argument and every
rule can be tested against real holidays (Tết, 30/4–1/5) through the `WorkCalendar`.

Each concrete session has a stable `key`, `"<rule id>:<planned date>"`, built from the date the
rule gives *before* any holiday move. Cancellations, bookings and reminders are stored under that
key, so they stay attached to the session when the office later learns of a holiday (a swap the
Government announces in autumn) and the session moves.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkCalendar

_ONE_DAY = timedelta(days=1)
# The rule id of sessions added by chat; their keys are "once-chat-<suffix>:<day>".
CHAT_RULE_ID = "chat"
DEFAULT_REMIND_BEFORE = (timedelta(days=1), timedelta(hours=2))
_LEAD = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_SUFFIX = re.compile(r"^[A-Za-z0-9_-]+$")


class Rule(StrEnum):
    """How a `[[reception]]` entry repeats."""

    WEEKLY = "weekly"  # on `weekday` every week (the chairman's day)
    MONTHLY = "monthly"  # on `day` of every month
    WORKDAYS = "workdays"  # every working day (the Office's regular reception)
    ONCE = "once"  # on the date `on` only


@dataclass(frozen=True, slots=True)
class SessionRule:
    """One `[[reception]]` entry: a recurring (or single) session as the commune announced it.

    `weekday` counts 1 = Monday .. 7 = Sunday, as Vietnamese weekday names do ("thứ Hai" is the
    first working day); `day` is a day of the month, and a month without it (31 in April) uses its
    last day, since "the 31st" is meant as "the end of the month". The field a rule needs is
    checked here too, so a rule built in code cannot silently produce no sessions.
    """

    id: str
    title: str
    place: str
    rule: Rule
    start: time
    end: time
    host: int | None = None  # telegram id of the hosting officer
    weekday: int | None = None
    day: int | None = None
    on: date | None = None
    remind_before: tuple[timedelta, ...] = DEFAULT_REMIND_BEFORE

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"reception rule {self.id!r}: start {self.start} is not before end")
        if self.rule is Rule.WEEKLY and not (self.weekday is not None and 1 <= self.weekday <= 7):
            raise ValueError(f"reception rule {self.id!r}: weekly needs weekday 1..7")
        if self.rule is Rule.MONTHLY and not (self.day is not None and 1 <= self.day <= 31):
            raise ValueError(f"reception rule {self.id!r}: monthly needs day 1..31")
        if self.rule is Rule.ONCE and self.on is None:
            raise ValueError(f"reception rule {self.id!r}: once needs a date")
        if any(lead <= timedelta(0) for lead in self.remind_before):
            raise ValueError(f"reception rule {self.id!r}: reminders must come before the start")


@dataclass(frozen=True, slots=True)
class Session:
    """One concrete session on one day, what a citizen sees in the schedule and can book.

    `key` names the session by its planned date (before any holiday move), so whatever is stored
    against it survives the move; `moved_from` is that planned date when the session moved, so the
    schedule can say why it is on an unusual day.
    """

    key: str
    rule_id: str
    title: str
    place: str
    host: int | None
    day: date
    start: time
    end: time
    moved_from: date | None
    remind_before: tuple[timedelta, ...] = DEFAULT_REMIND_BEFORE

    def starts_at(self, zone: ZoneInfo) -> datetime:
        """The start as an aware datetime in the commune's zone (reminders count back from it)."""
        return datetime.combine(self.day, self.start, tzinfo=zone)

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """The end as an aware datetime: a session stays "coming" for citizens until it ends."""
        return datetime.combine(self.day, self.end, tzinfo=zone)


def planned_day(key: str) -> date | None:
    """The date a session was planned on, read from its key; None for a key not of that form."""
    try:
        return date.fromisoformat(key.rsplit(":", 1)[-1])
    except ValueError:
        return None


def parse_lead(text: str) -> timedelta:
    """How long before a session a reminder goes: "1d", "2h", "30m" or combined, "1d12h".

    Written this way because it is short and readable in a TOML list; the units go from the
    largest down, each at most once, and the total must be positive. Anything else is a
    ValueError (the config check turns it into a Vietnamese message).
    """
    match = _LEAD.match(text.strip())
    if match is None or not any(match.groups()):
        raise ValueError(f"not a reminder lead like 1d, 2h, 30m or 1d12h: {text!r}")
    days, hours, minutes = (int(part) if part else 0 for part in match.groups())
    lead = timedelta(days=days, hours=hours, minutes=minutes)
    if lead <= timedelta(0):
        raise ValueError(f"a reminder lead must be positive: {text!r}")
    return lead


def _month_day(year: int, month: int, day: int) -> date:
    """`day` of the month, or the month's last day when it is shorter (31 in April → 30)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _planned_dates(rule: SessionRule, first: date, last: date) -> Iterator[date]:
    """The dates the rule names within [first, last], before any holiday move."""
    if rule.rule is Rule.ONCE and rule.on is not None:
        if first <= rule.on <= last:
            yield rule.on
    elif rule.rule is Rule.WEEKLY and rule.weekday is not None:
        day = first + timedelta(days=(rule.weekday - first.isoweekday()) % 7)
        while day <= last:
            yield day
            day += timedelta(days=7)
    elif rule.rule is Rule.MONTHLY and rule.day is not None:
        for year, month in _months(first, last):
            day = _month_day(year, month, rule.day)
            if first <= day <= last:
                yield day
    elif rule.rule is Rule.WORKDAYS:  # every day; the caller keeps the working ones
        day = first
        while day <= last:
            yield day
            day += _ONE_DAY


def _earliest_planned(first: date, cal: WorkCalendar) -> date:
    """The earliest planned date that can move onto `first` or later.

    A day off moves to the next working day, so every planned date after the last working day
    before `first` ends on `first` or later, and none before it does. Counting back to that day
    (rather than a fixed margin) stays right for a long Tết or a run of extra days off.
    """
    day = first - _ONE_DAY
    while not cal.is_working_day(day):
        day -= _ONE_DAY
    return day + _ONE_DAY


def _rule_sessions(rule: SessionRule, first: date, last: date, cal: WorkCalendar) -> list[Session]:
    sessions = []
    for planned in _planned_dates(rule, _earliest_planned(first, cal), last):
        if cal.is_working_day(planned):
            day, moved_from = planned, None
        elif rule.rule is Rule.WORKDAYS:
            continue  # "every working day" has nothing to move: the day simply has no session
        else:
            day, moved_from = cal.next_working_day(planned), planned
        if first <= day <= last:
            sessions.append(
                Session(
                    key=f"{rule.id}:{planned.isoformat()}",
                    rule_id=rule.id,
                    title=rule.title,
                    place=rule.place,
                    host=rule.host,
                    day=day,
                    start=rule.start,
                    end=rule.end,
                    moved_from=moved_from,
                    remind_before=rule.remind_before,
                )
            )
    return sessions


def _sort_key(session: Session) -> tuple[date, time, str, str]:
    return (session.day, session.start, session.title, session.key)


def sessions_between(
    rules: Sequence[SessionRule],
    first: date,
    last: date,
    cal: WorkCalendar,
    *,
    extra: Sequence[Session] = (),
    cancelled: Collection[str] = (),
) -> list[Session]:
    """Every session whose (final) day lies in [first, last], sorted by day, start and title.

    - A planned date that is not a working day moves to the next working day (`moved_from` set),
      except for WORKDAYS, which skips it. A session planned a little before `first` that moves
      into the range is included; one planned inside it that moves past `last` is not.
    - Keys in `cancelled` are dropped, then two sessions of the same rule on the same day (a
      holiday pushed one onto the next) are one: the one planned for the latest date stays, which
      is the day's own session when there is one. Cancelling either therefore leaves the other.
    - `extra` (sessions added by chat) are merged as they are: a session someone chose a day for
      is not moved. Only those in the range and not cancelled are kept; a key seen twice counts
      once.
    """
    if last < first:
        return []
    dropped = set(cancelled)
    found: dict[tuple[str, date], Session] = {}
    for rule in rules:
        for session in _rule_sessions(rule, first, last, cal):
            if session.key in dropped:
                continue
            # Planned dates come in increasing order, so a later one replaces an earlier one.
            found[(session.rule_id, session.day)] = session
    sessions = list(found.values())
    keys = {s.key for s in sessions}
    for session in extra:
        if first <= session.day <= last and session.key not in dropped and session.key not in keys:
            sessions.append(session)
            keys.add(session.key)
    return sorted(sessions, key=_sort_key)


def upcoming(
    rules: Sequence[SessionRule],
    today: date,
    cal: WorkCalendar,
    *,
    count: int,
    horizon_days: int = 62,
    extra: Sequence[Session] = (),
    cancelled: Collection[str] = (),
) -> list[Session]:
    """The next `count` sessions from `today` (included) up to `horizon_days` ahead.

    The horizon keeps a rarely used rule from making the bot scan years ahead; two months covers
    a monthly session and the Tết break. Whether today's session has already ended is a question
    of the clock, so the caller filters that with `Session.ends_at`.
    """
    if count <= 0:
        return []
    last = today + timedelta(days=horizon_days)
    found = sessions_between(rules, today, last, cal, extra=extra, cancelled=cancelled)
    return found[:count]


def one_off(
    title: str,
    place: str,
    day: date,
    start: time,
    end: time,
    host: int | None,
    *,
    key_suffix: str,
) -> Session:
    """A session a leader or admin adds by chat, on exactly the day they chose.

    Its key, "once-chat-<suffix>:<day>", cannot clash with a config rule's (config ids are
    checked for duplicates, and the suffix, for example the time it was added, makes two chat
    sessions on one day distinct). It is not moved: whoever added it chose the day on purpose.
    """
    if start >= end:
        raise ValueError(f"a session must start before it ends: {start}–{end}")
    if not _SUFFIX.match(key_suffix):
        raise ValueError(f"a key suffix is letters, digits, '-' or '_': {key_suffix!r}")
    return Session(
        key=f"once-chat-{key_suffix}:{day.isoformat()}",
        rule_id=CHAT_RULE_ID,
        title=title,
        place=place,
        host=host,
        day=day,
        start=start,
        end=end,
        moved_from=None,
        remind_before=DEFAULT_REMIND_BEFORE,
    )


@dataclass(frozen=True, slots=True)
class Booked:
    """A coming session a citizen has a standing booking for, and what they want to raise."""

    session: Session
    topic: str
