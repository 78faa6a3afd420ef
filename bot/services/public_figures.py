"""Công khai: the commune's figures on the public page, over all cases.

Counts and durations name nobody, so every case counts, published or not. A year of a large
commune is hundreds of thousands of cases, so the figures are kept for `FRESH` and made again
by one request at a time; a visitor sees them at most that old.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import Config, work_calendar
from bot.domain.figures import CaseFacts, Figures, figures
from storage import report_facts
from storage.database import Database

FRESH = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class CommuneFigures:
    """This month's and this year's figures of cases received, and the year's per department."""

    made_at: datetime
    today: date
    month: Figures
    year: Figures
    departments: tuple[tuple[str, Figures], ...]  # (department id, its year), by config order


async def commune_figures(db: Database, config: Config, clock: Clock) -> CommuneFigures:
    zone = config.commune.zone
    now = clock.now()
    today = now.astimezone(zone).date()
    start = datetime.combine(today.replace(month=1, day=1), time(), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    cases = await report_facts.received_between(db.reader, start, end, zone)
    calendar = work_calendar(config)
    month_start = today.replace(day=1)

    def count(chosen: list[CaseFacts]) -> Figures:
        return figures(chosen, today, calendar)

    def assemble() -> CommuneFigures:
        by_department = tuple(
            (d.id, count([c for c in cases if c.department_id == d.id])) for d in config.departments
        )
        month = count([c for c in cases if c.received_on >= month_start])
        return CommuneFigures(now, today, month, count(cases), by_department)

    return await asyncio.to_thread(assemble)


class FiguresCache:
    """The last figures made, handed out while fresh; one request makes new ones at a time."""

    def __init__(self, db: Database, config: Config, clock: Clock) -> None:
        self._db, self._config, self._clock = db, config, clock
        self._last: CommuneFigures | None = None
        self._making = asyncio.Lock()

    def _fresh(self) -> CommuneFigures | None:
        last = self._last
        if last is not None and self._clock.now() - last.made_at < FRESH:
            return last
        return None

    async def get(self) -> CommuneFigures:
        if (fresh := self._fresh()) is not None:
            return fresh
        async with self._making:
            if (fresh := self._fresh()) is not None:
                return fresh
            self._last = await commune_figures(self._db, self._config, self._clock)
            return self._last
