"""Legal due dates of a case, per kind, counted on the commune's working calendar.

Why this is a pure module: the officer card shows the due date and the reminders fire on it, and
both must agree with the law to the day. Keeping the arithmetic apart from storage and chat lets it
be read against the statute and tested with real holidays.

The periods (defaults; every number and unit comes from config.toml [deadlines]):
- feedback (phản ánh), petition (kiến nghị): resolve within 10 working days of receipt (local
  practice after NĐ 20/2008; not a figure of a law).
- complaint (khiếu nại, Luật Khiếu nại 2011, first-instance): accept (thụ lý) or refuse within 10
  days of receipt (Art 27); decide within 30 days of acceptance, 45 if complex; in remote areas 45,
  or 60 if complex (Art 28).
- denunciation (tố cáo, Luật Tố cáo 2018): decide whether to accept within 7 working days of
  receipt (Art 24(1); up to 10 when checks are needed in several places, which the officer handles
  by hand); notify the denouncer within 5 working days of the acceptance decision (Art 29); resolve
  within 30 days of acceptance, extended for a complex case once and for a very complex case twice,
  30 days each, so 90 days at most (Art 30).
- question (câu hỏi): answer within 3 working days of receipt. No law sets it: a question about
  a procedure or a local matter should be answered faster than a case, or the citizen has
  already made the trip to the commune; a commune sets its own figure.

Units: the laws count complaints and denunciations in "ngày" (calendar days) and the steps above
marked "working days" in "ngày làm việc". So each period is a (count, unit) pair. A period is
counted from the day after its start (the start day itself does not count). A period in calendar
days whose last day is a weekend or holiday ends on the next working day: that is the common
practice, following the Civil Code's rule for periods (Bộ luật Dân sự 2015, Art 148(5)); a commune
that counts otherwise changes the unit in the config rather than the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.calendar import WorkCalendar
from bot.domain.tickets import Kind


class Unit(StrEnum):
    WORKING = "working"  # ngày làm việc
    CALENDAR = "calendar"  # ngày (theo lịch)


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time as the law states it: so many working days, or so many calendar days."""

    count: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a period lasts at least one day, not {self.count}")

    def last_day(self, start: date, cal: WorkCalendar) -> date:
        """The last day of the period, before the due date is moved off a day off."""
        if self.unit is Unit.WORKING:
            return cal.add_working_days(start, self.count)
        return start + timedelta(days=self.count)

    def end(self, start: date, cal: WorkCalendar) -> date:
        """The due date: the period's last day, or the next working day if that is a day off."""
        return cal.next_working_day(self.last_day(start, cal))


@dataclass(frozen=True, slots=True)
class DeadlineRules:
    """The periods of every kind; the defaults are the figures of the law (see the module)."""

    feedback_resolve: Period = Period(10, Unit.WORKING)
    petition_resolve: Period = Period(10, Unit.WORKING)
    complaint_accept: Period = Period(10, Unit.CALENDAR)
    complaint_resolve: Period = Period(30, Unit.CALENDAR)
    complaint_resolve_complex: Period = Period(45, Unit.CALENDAR)
    complaint_resolve_remote: Period = Period(45, Unit.CALENDAR)
    complaint_resolve_remote_complex: Period = Period(60, Unit.CALENDAR)
    denunciation_accept: Period = Period(7, Unit.WORKING)
    denunciation_notice: Period = Period(5, Unit.WORKING)
    denunciation_resolve: Period = Period(30, Unit.CALENDAR)
    denunciation_extension: Period = Period(30, Unit.CALENDAR)
    denunciation_max_extensions: int = 2
    question_resolve: Period = Period(3, Unit.WORKING)
    # Xã vùng sâu, vùng xa đi lại khó khăn: the longer complaint periods of Art 28.
    remote_area: bool = False


PERIOD_NAMES = (
    "feedback_resolve",
    "petition_resolve",
    "complaint_accept",
    "complaint_resolve",
    "complaint_resolve_complex",
    "complaint_resolve_remote",
    "complaint_resolve_remote_complex",
    "denunciation_accept",
    "denunciation_notice",
    "denunciation_resolve",
    "denunciation_extension",
    "question_resolve",
)
"""The DeadlineRules fields that are periods, in the order the config documents them."""


def due_for_acceptance(
    kind: Kind, received: date, rules: DeadlineRules, cal: WorkCalendar
) -> date | None:
    """By when the case must be formally accepted (thụ lý) or refused, counted from receipt.

    None for feedback, petitions and questions: they have no acceptance step, only an answer date.
    """
    match kind:
        case Kind.COMPLAINT:
            return rules.complaint_accept.end(received, cal)
        case Kind.DENUNCIATION:
            return rules.denunciation_accept.end(received, cal)
        case Kind.FEEDBACK | Kind.PETITION | Kind.QUESTION:
            return None
    raise ValueError(f"no acceptance rule for kind {kind!r}")


def due_for_acceptance_notice(
    kind: Kind, accepted: date, rules: DeadlineRules, cal: WorkCalendar
) -> date | None:
    """By when the denouncer must be told the case was accepted (Art 29), counted from acceptance.

    None for the other kinds, whose acceptance the law does not require to be notified separately.
    """
    if kind is Kind.DENUNCIATION:
        return rules.denunciation_notice.end(accepted, cal)
    return None


def extensions_allowed(kind: Kind, rules: DeadlineRules) -> int:
    """How many times the resolution period of `kind` may be extended (only denunciations)."""
    return rules.denunciation_max_extensions if kind is Kind.DENUNCIATION else 0


def due_for_resolution(
    kind: Kind,
    start: date,
    rules: DeadlineRules,
    cal: WorkCalendar,
    *,
    complex: bool = False,
    extensions: int = 0,
) -> date:
    """By when the case must be resolved.

    `start` is the receipt date for feedback and petitions and the acceptance date for complaints
    and denunciations, as the law counts them. `complex` picks a complaint's longer period; a
    denunciation's complexity is expressed by `extensions` instead, each adding one extension
    period to the end of the previous one (only the final date moves off a day off, so extensions
    never add more days than the law allows). Asking for complexity or extensions a kind does not
    have raises ValueError, rather than quietly giving a date the law does not support.
    """
    allowed = extensions_allowed(kind, rules)
    if not 0 <= extensions <= allowed:
        raise ValueError(f"{kind.value} allows 0 to {allowed} extensions, not {extensions}")
    if complex and kind is not Kind.COMPLAINT:
        raise ValueError(f"only a complaint has a longer period when complex, not {kind.value}")
    match kind:
        case Kind.FEEDBACK:
            return rules.feedback_resolve.end(start, cal)
        case Kind.PETITION:
            return rules.petition_resolve.end(start, cal)
        case Kind.QUESTION:
            return rules.question_resolve.end(start, cal)
        case Kind.COMPLAINT:
            return _complaint_period(rules, complex=complex).end(start, cal)
        case Kind.DENUNCIATION:
            last = rules.denunciation_resolve.last_day(start, cal)
            for _ in range(extensions):
                last = rules.denunciation_extension.last_day(last, cal)
            return cal.next_working_day(last)
    raise ValueError(f"no resolution rule for kind {kind!r}")


def _complaint_period(rules: DeadlineRules, *, complex: bool) -> Period:
    if rules.remote_area:
        return rules.complaint_resolve_remote_complex if complex else rules.complaint_resolve_remote
    return rules.complaint_resolve_complex if complex else rules.complaint_resolve


def due_on_receipt(kind: Kind, received: date, rules: DeadlineRules, cal: WorkCalendar) -> date:
    """The date a new case shows: acceptance for the kinds that have it, else resolution."""
    accept_by = due_for_acceptance(kind, received, rules, cal)
    return accept_by or due_for_resolution(kind, received, rules, cal)


def due_on_receipt_is_acceptance(kind: Kind) -> bool:
    """Whether the date a new case shows is the deadline to accept or refuse it, not to answer
    it: the citizen must not read it as the date the matter is settled."""
    return kind in (Kind.COMPLAINT, Kind.DENUNCIATION)


def due_on_acceptance(
    kind: Kind, accepted: date, current: date | None, rules: DeadlineRules, cal: WorkCalendar
) -> date | None:
    """Once accepted, complaints and denunciations run their resolution period from that day;
    feedback and petitions keep the date they were given on receipt."""
    if kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        return due_for_resolution(kind, accepted, rules, cal)
    return current
