"""Periodic reports: the cases received in a period, as they stand now, and their figures."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Config, work_calendar
from bot.domain.reports import CaseFacts, Period, Report, figures, weeks
from bot.services import reception
from storage import reports
from storage.database import Database
from storage.reports import CaseRecord


def _local(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _facts(record: CaseRecord, zone: ZoneInfo) -> CaseFacts:
    return CaseFacts(
        code=record.code,
        kind=record.kind,
        category_id=record.category_id,
        department_id=record.department_id,
        officer=record.officer_name,
        status=record.status,
        received_on=record.created_at.astimezone(zone).date(),
        accepted_on=_local(record.accepted_at, zone),
        closed_on=_local(record.closed_at, zone),
        due_on=record.due_on,
        rating=record.rating,
        sender=record.contact_name,
    )


async def build_report(db: Database, config: Config, clock: Clock, period: Period) -> Report:
    """The report of `period` (local dates, both included), made now.

    Sessions count as held once they have ended, so a report of the current month made in the
    morning does not count the afternoon's session; cancelled sessions are not in the schedule.
    """
    zone = config.commune.zone
    now = clock.now()
    today = now.astimezone(zone).date()
    start = datetime.combine(period.start, time(), tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=zone)
    records = await reports.received_between(db.reader, start, end)
    schedule = await reception.schedule_between(db, config, period.start, min(period.end, today))
    held = [s.key for s in schedule if s.ends_at(zone) <= now]
    bookings = await reports.booking_count(db.reader, held)

    def assemble() -> Report:
        cases = tuple(_facts(r, zone) for r in records)
        counted = figures(
            cases, today, work_calendar(config), sessions_held=len(held), bookings=bookings
        )
        return Report(period, today, now, counted, cases, tuple(weeks(cases, period)))

    # Many thousands of cases in a yearly report: the counting stays off the event loop.
    return await asyncio.to_thread(assemble)
