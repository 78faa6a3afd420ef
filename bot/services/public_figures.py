"""Công khai: the commune's figures on the public page, over all cases.

Counts and durations name nobody, so every case counts, published or not. A year of a province
is 240,000 cases and its figures take ~8 s of CPU to make (make bench, publication), so they
are made when the site starts, kept for `FRESH`, and then made again in the background while
visitors still get the previous ones: nobody but a visitor in the first seconds waits, and the
cost is at most one making per `FRESH`, only while someone looks.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import Config, work_calendar
from bot.domain.figures import CaseFacts, Figures, figures
from storage import report_facts
from storage.database import Database

FRESH = timedelta(minutes=5)


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
    """The last figures made, handed out while fresh; once stale, still handed out while new
    ones are made in the background, so only the very first visitor waits for them."""

    def __init__(self, db: Database, config: Config, clock: Clock) -> None:
        self._db, self._config, self._clock = db, config, clock
        self._last: CommuneFigures | None = None
        self._making: asyncio.Task[CommuneFigures] | None = None

    def refresh(self) -> asyncio.Task[CommuneFigures]:
        """Start making new figures unless they are being made; the task making them."""
        if self._making is None or self._making.done():
            self._making = asyncio.create_task(self._make(), name="public-figures")
        return self._making

    async def _make(self) -> CommuneFigures:
        self._last = await commune_figures(self._db, self._config, self._clock)
        return self._last

    async def get(self) -> CommuneFigures:
        last = self._last
        if last is not None and self._clock.now() - last.made_at < FRESH:
            return last
        making = self.refresh()
        if last is not None:
            return last
        return await asyncio.shield(making)

    async def close(self) -> None:
        """Stop making figures (the site is stopping)."""
        if self._making is not None and not self._making.done():
            self._making.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._making
