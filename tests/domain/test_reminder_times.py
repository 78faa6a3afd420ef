"""When reminders fire: working mornings in the commune's zone, quiet hours respected."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkCalendar
from bot.domain.reminders import DUE_SOON, OVERDUE, deadline_plan, next_digest, quiet_until

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()
MORNING = time(7, 0)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZONE)


def test_reminders_fall_on_working_mornings() -> None:
    # Due Monday 14/12/2026: "1 day before" is Sunday, so Friday 11/12; "3 days before" Friday too.
    plans = deadline_plan(
        7,
        date(2026, 12, 14),
        lead_days=[3, 1],
        morning=MORNING,
        zone=ZONE,
        cal=CAL,
        now=local(2026, 12, 1),
    )
    assert [(p.kind, p.fire_at.astimezone(ZONE)) for p in plans] == [
        (DUE_SOON, local(2026, 12, 11, 7)),
        (DUE_SOON, local(2026, 12, 11, 7)),
        (OVERDUE, local(2026, 12, 15, 7)),
    ]
    assert len({p.key for p in plans}) == 3
    assert all(p.fire_at.tzinfo == UTC for p in plans)


def test_reminders_skip_tet_and_the_past() -> None:
    # Due Monday 23/2/2026, right after Tết (16-20/2 off): one day before is Friday 13/2.
    plans = deadline_plan(
        1,
        date(2026, 2, 23),
        lead_days=[1, 3, 30],
        morning=MORNING,
        zone=ZONE,
        cal=CAL,
        now=local(2026, 2, 1),
    )
    days = sorted(p.fire_at.astimezone(ZONE).date() for p in plans if p.kind == DUE_SOON)
    assert days == [date(2026, 2, 13), date(2026, 2, 13)]


def test_the_overdue_alert_is_planned_even_when_late() -> None:
    plans = deadline_plan(
        2,
        date(2026, 1, 5),
        lead_days=[3, 1],
        morning=MORNING,
        zone=ZONE,
        cal=CAL,
        now=local(2026, 3, 1),
    )
    assert [p.kind for p in plans] == [OVERDUE]


def test_next_digest_is_the_next_working_morning() -> None:
    assert next_digest(local(2026, 11, 27, 6, 59), MORNING, ZONE, CAL).key == "digest:2026-11-27"
    assert next_digest(local(2026, 11, 27, 7, 0), MORNING, ZONE, CAL).key == "digest:2026-11-30"
    assert next_digest(local(2026, 2, 13, 9), MORNING, ZONE, CAL).key == "digest:2026-02-23"


def test_quiet_hours_over_midnight_and_within_a_day() -> None:
    start, end = time(21, 0), time(6, 30)
    assert quiet_until(local(2026, 12, 1, 20, 59), start, end, ZONE) is None
    assert quiet_until(local(2026, 12, 1, 21, 0), start, end, ZONE) == local(2026, 12, 2, 6, 30)
    assert quiet_until(local(2026, 12, 2, 3, 0), start, end, ZONE) == local(2026, 12, 2, 6, 30)
    assert quiet_until(local(2026, 12, 2, 6, 30), start, end, ZONE) is None
    noon = (time(12, 0), time(13, 30))
    assert quiet_until(local(2026, 12, 2, 12, 15), *noon, ZONE) == local(2026, 12, 2, 13, 30)
    assert quiet_until(local(2026, 12, 2, 14, 0), *noon, ZONE) is None
