"""The commune's public figures count every case, and a stale set is handed out while the next
one is made, so visitors do not wait for a year of cases to be counted."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config
from bot.services.intake import submit_case
from bot.services.public_figures import FRESH, FiguresCache
from storage.database import Database
from tests.services.factories import citizen, complaint, feedback
from tests.support.clock import FixedClock


async def test_stale_figures_are_served_while_new_ones_are_made(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "8801")
    await submit_case(db, clock, config, person, feedback("fig-1"))
    cache = FiguresCache(db, config, clock)
    first = await cache.get()
    assert (first.month.received, first.year.received) == (1, 1)
    await submit_case(db, clock, config, person, complaint("fig-2"))
    assert await cache.get() is first  # fresh: kept
    clock.advance(FRESH + timedelta(seconds=1))
    assert await cache.get() is first  # stale: still handed out, new ones under way
    made = await cache.refresh()
    assert made.year.received == 2
    assert await cache.get() is made
    by_department = dict(made.departments)
    assert sum(f.received for f in by_department.values()) == 2
    await cache.close()
