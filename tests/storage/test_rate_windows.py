"""The shared message window on PostgreSQL decides as the in-memory one does, message by
message, over arbitrary sequences of message times."""

from __future__ import annotations

import itertools
from itertools import accumulate

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.limits import RateWindow, Verdict
from storage import rate_windows
from storage.connection import Condition
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY

PERIOD = 60.0
_PEOPLE = itertools.count(9_000_001)  # a person of their own for each example


async def hit(
    db: Database, person: int, moment: float, limit: int, *only_if: Condition
) -> Verdict | None:
    return await (
        await rate_windows.hit_later(db.reader, person, moment, limit, PERIOD, only_if)
    ).value()


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
        shared = await hit(db, person, moment, limit)
        assert shared is memory.hit(moment), moment


@POSTGRESQL_ONLY
async def test_idle_windows_are_forgotten_and_live_ones_kept(db: Database) -> None:
    start = 1_764_900_000.0
    await hit(db, 8_000_001, start, 3)
    await hit(db, 8_000_002, start + 50, 3)
    for moment in (start, start + 1, start + 2, start + 3):  # the fourth is warned
        await hit(db, 8_000_003, moment + 30, 3)
    async with db.transaction() as conn:
        forgotten = await rate_windows.forget_idle(conn, start + 20)
    kept = await db.reader.execute_fetchall("SELECT person FROM rate_windows ORDER BY person")
    assert forgotten == 1
    assert [row[0] for row in kept] == [8_000_002, 8_000_003]


@POSTGRESQL_ONLY
async def test_a_message_is_counted_only_when_every_condition_holds(db: Database) -> None:
    start = 1_764_900_000.0
    held, not_held = Condition("? = 1", (1,)), Condition("? = 1", (2,))
    assert await hit(db, 8_000_004, start, 1, held, not_held) is None
    assert await hit(db, 8_000_004, start + 1, 1, held) is Verdict.ALLOW, "nothing was counted"
    assert await hit(db, 8_000_004, start + 2, 1, not_held) is None
    assert await hit(db, 8_000_004, start + 3, 1, held) is Verdict.WARN
