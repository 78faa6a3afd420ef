"""When to remind: pure arithmetic of due dates, mornings and quiet hours in the commune's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkCalendar

DUE_SOON = "due_soon"
OVERDUE = "overdue"
DIGEST = "digest"
SESSION = "session"  # a reception session is near
BOOKINGS = "bookings"  # the host's list of bookings, the evening before


@dataclass(frozen=True, slots=True)
class Planned:
    key: str
    kind: str
    fire_at: datetime  # UTC


def at_local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def _working_day_on_or_before(day: date, cal: WorkCalendar) -> date:
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def deadline_plan(
    ticket_id: int,
    due_on: date,
    *,
    lead_days: list[int],
    morning: time,
    zone: ZoneInfo,
    cal: WorkCalendar,
    now: datetime,
) -> list[Planned]:
    """Reminders before a due date (on a working morning, never a Sunday), and the alert the
    morning after it. A reminder already in the past is not planned; the alert always is."""
    plans = []
    for days in sorted(set(lead_days), reverse=True):
        day = _working_day_on_or_before(due_on - timedelta(days=days), cal)
        fire_at = at_local(day, morning, zone)
        if fire_at > now:
            plans.append(Planned(f"due:{ticket_id}:{due_on}:{days}d", DUE_SOON, fire_at))
    overdue = at_local(due_on + timedelta(days=1), morning, zone)
    plans.append(Planned(f"overdue:{ticket_id}:{due_on}", OVERDUE, overdue))
    return plans


def next_digest(now: datetime, morning: time, zone: ZoneInfo, cal: WorkCalendar) -> Planned:
    """The next working morning's digest (today's, if its time has not come yet)."""
    today = now.astimezone(zone).date()
    day = today if at_local(today, morning, zone) > now else today + timedelta(days=1)
    day = cal.next_working_day(day)
    return Planned(f"digest:{day.isoformat()}", DIGEST, at_local(day, morning, zone))


def quiet_until(moment: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours around `moment` end, or None if `moment` is not in them.

    Quiet hours may run over midnight (21:00–06:30) or not (12:00–13:30).
    """
    local = moment.astimezone(zone)
    now = local.time()
    if start <= end:
        quiet = start <= now < end
        end_day = local.date()
    else:
        quiet = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    return at_local(end_day, end, zone) if quiet else None
