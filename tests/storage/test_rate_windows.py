"""The shared message window on PostgreSQL decides as the in-memory one does, message by
message, over arbitrary sequences of message times."""

from __future__ import annotations

import itertools
from itertools import accumulate

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.limits import RateWindow
from storage import rate_windows
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY

PERIOD = 60.0
_PEOPLE = itertools.count(9_000_001)  # a person of their own for each example


@POSTGRESQL_ONLY
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(min_value=1, max_value=6),
    st.lists(st.floats(min_value=0, max_value=90, allow_nan=False), max_size=40),
)
async def test_the_shared_window_decides_as_the_one_in_memory(
    db: Database, limit: int, gaps: list[float]
) -> None:
    person = next(_PEOPLE)
    memory = RateWindow(limit, PERIOD)
    for moment in accumulate(gaps, initial=1_764_900_000.25):
        shared = await rate_windows.hit(db.reader, person, moment, limit, PERIOD)
        assert shared is memory.hit(moment), moment


@POSTGRESQL_ONLY
async def test_idle_windows_are_forgotten_and_live_ones_kept(db: Database) -> None:
    start = 1_764_900_000.0
    await rate_windows.hit(db.reader, 8_000_001, start, 3, PERIOD)
    await rate_windows.hit(db.reader, 8_000_002, start + 50, 3, PERIOD)
    for moment in (start, start + 1, start + 2, start + 3):  # the fourth is warned
        await rate_windows.hit(db.reader, 8_000_003, moment + 30, 3, PERIOD)
    async with db.transaction() as conn:
        forgotten = await rate_windows.forget_idle(conn, start + 20)
    kept = await db.reader.execute_fetchall("SELECT person FROM rate_windows ORDER BY person")
    assert forgotten == 1
    assert [row[0] for row in kept] == [8_000_002, 8_000_003]
