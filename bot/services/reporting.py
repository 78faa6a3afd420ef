"""Periodic reports: the cases received in a period, as they stand now, and their figures."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.config import Config, work_calendar
from bot.domain.figures import Period, Report, figures, weeks
from bot.services import guide, reception
from storage import report_facts
from storage.database import Database


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
    cases = tuple(await report_facts.received_between(db.reader, start, end, zone))
    files = tuple(await report_facts.files_between(db.reader, start, end))
    schedule = await reception.schedule_between(db, config, period.start, min(period.end, today))
    held = [s.key for s in schedule if s.ends_at(zone) <= now]
    bookings = await report_facts.booking_count(db.reader, held)
    looked_up = await guide.figures_between(db, start, end)

    def assemble() -> Report:
        counted = figures(
            cases, today, work_calendar(config), sessions_held=len(held), bookings=bookings
        )
        return Report(
            period, today, now, counted, cases, tuple(weeks(cases, period)), files, looked_up
        )

    # Many thousands of cases in a yearly report: the counting stays off the event loop.
    return await asyncio.to_thread(assemble)
