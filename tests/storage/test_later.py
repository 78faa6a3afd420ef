"""A read queued for later (`storage.connection.fetch_later`): its answer is the one a read at
that point of the unit gives, taken after the unit (with its COMMIT, on PostgreSQL) or, if the
caller cannot wait, inside it; a unit that fails is still rolled back whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from storage.connection import Connection, Later, fetch_later, send
from storage.database import Database
from storage.sqlite import SqliteDatabase

YEARS = (2041, 2042, 2043)
_ADD = "INSERT INTO case_sequences (year, last_number) VALUES (?, 0)"
_COUNT = "SELECT count(*) FROM case_sequences"


async def _count_later(conn: Connection) -> Later[int]:
    return (await fetch_later(conn, _COUNT)).then(lambda rows: int(rows[0][0]))


async def test_reads_queued_in_a_unit_are_answered_after_it_as_they_stood(db: Database) -> None:
    async def work(conn: Connection) -> tuple[Later[int], Later[int]]:
        before = await _count_later(conn)
        for year in YEARS:
            await send(conn, _ADD, (year,))
        return before, await _count_later(conn)

    before, after = await db.unit(work)
    assert (await before.value(), await after.value()) == (0, len(YEARS))
    assert await after.value() == len(YEARS), "taken twice, the same answer"


async def test_a_read_queued_in_a_coordination_transaction_is_answered_after_it(
    db: Database,
) -> None:
    async with db.coordination() as conn:
        await send(conn, _ADD, (YEARS[0],))
        counted = await _count_later(conn)
    assert await counted.value() == 1


async def test_a_read_taken_inside_its_unit_is_answered_there(db: Database) -> None:
    async def work(conn: Connection) -> list[int]:
        seen = []
        for year in YEARS:
            await send(conn, _ADD, (year,))
            seen.append(await (await _count_later(conn)).value())
        return seen

    assert await db.unit(work) == [1, 2, 3]


async def test_a_unit_failing_after_a_queued_read_is_rolled_back_and_unanswered(
    db: Database,
) -> None:
    queued: list[Later[int]] = []

    async def work(conn: Connection) -> None:
        await send(conn, _ADD, (YEARS[0],))
        queued.append(await _count_later(conn))
        await send(conn, _ADD, (YEARS[0],))  # the same year again: the unit fails

    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        await db.unit(work)
    rows = await db.reader.execute_fetchall(_COUNT)
    assert next(iter(rows))[0] == 0


async def test_a_read_queued_outside_a_transaction_runs_at_once(db: Database) -> None:
    counted = await _count_later(db.reader)
    async with db.transaction() as conn:
        await conn.execute(_ADD, (YEARS[0],))
    assert await counted.value() == 0, "read before the insert"


async def test_on_sqlite_a_unit_s_queued_reads_cost_no_hand_over_of_their_own(
    tmp_path: Path,
) -> None:
    db = await SqliteDatabase.open(tmp_path / "later.sqlite3")
    try:

        async def work(conn: Connection) -> Later[int]:
            for year in YEARS:
                await send(conn, _ADD, (year,))
            return await _count_later(conn)

        before = db.hand_overs
        counted = await db.unit(work)
        assert db.hand_overs - before == 1
        assert await counted.value() == len(YEARS)
    finally:
        await db.close()
