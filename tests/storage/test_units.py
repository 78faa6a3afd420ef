"""A unit of work (`Database.unit`): all or nothing, and on SQLite one hand-over to the
writer's thread however many statements it runs."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from storage.connection import Connection, send
from storage.database import Database
from storage.rows import single
from storage.sqlite import SqliteDatabase
from storage.sqlite_thread import ForeignAwaitError

YEARS = (2031, 2032, 2033, 2034, 2035)


async def _years(db: Database) -> list[int]:
    rows = await db.reader.execute_fetchall("SELECT year FROM case_sequences ORDER BY year")
    return [int(row[0]) for row in rows]


async def _add_years(conn: Connection) -> int:
    for year in YEARS:
        await conn.execute("INSERT INTO case_sequences (year, last_number) VALUES (?, 0)", (year,))
    row = await single(conn, "SELECT count(*) FROM case_sequences")
    return int(row[0])


async def test_a_unit_commits_everything_and_returns_what_its_work_returns(db: Database) -> None:
    assert await db.unit(_add_years) == len(YEARS)
    assert await _years(db) == list(YEARS)


async def test_a_unit_that_fails_leaves_nothing(db: Database) -> None:
    async def half_then_fail(conn: Connection) -> None:
        await _add_years(conn)
        raise LookupError("the case vanished")

    with pytest.raises(LookupError, match="vanished"):
        await db.unit(half_then_fail)
    assert await _years(db) == []
    # The writer goes on as before.
    await db.unit(_add_years)
    assert await _years(db) == list(YEARS)


async def _add_years_twice(conn: Connection) -> None:
    for year in (*YEARS, YEARS[0]):
        await send(conn, "INSERT INTO case_sequences (year, last_number) VALUES (?, 0)", (year,))


async def test_a_write_sent_along_that_fails_rolls_the_unit_back_at_its_end(db: Database) -> None:
    # On PostgreSQL the failing INSERT is only queued; its error comes with the COMMIT.
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        await db.unit(_add_years_twice)
    assert await _years(db) == []
    await db.unit(_add_years)
    assert await _years(db) == list(YEARS)


async def test_a_write_sent_along_that_fails_rolls_the_unit_back_at_its_next_read(
    db: Database,
) -> None:
    read: list[int] = []

    async def fails_then_reads(conn: Connection) -> None:
        await _add_years_twice(conn)
        row = await single(conn, "SELECT count(*) FROM case_sequences")
        read.append(int(row[0]))

    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        await db.unit(fails_then_reads)
    assert read == []
    assert await _years(db) == []
    await db.unit(_add_years)
    assert await _years(db) == list(YEARS)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(tmp_path / "units.sqlite3")
    yield database
    await database.close()


async def test_on_sqlite_a_unit_is_one_hand_over_where_a_transaction_is_one_a_statement(
    sqlite_db: SqliteDatabase,
) -> None:
    before = sqlite_db.hand_overs
    await sqlite_db.unit(_add_years)
    assert sqlite_db.hand_overs - before == 1

    before = sqlite_db.hand_overs
    async with sqlite_db.transaction() as conn:
        await conn.execute("DELETE FROM case_sequences")
        await _add_years(conn)
    # BEGIN with the DELETE, five INSERTs, the count, COMMIT.
    assert sqlite_db.hand_overs - before == 1 + len(YEARS) + 1 + 1

    before = sqlite_db.hand_overs
    async with sqlite_db.transaction():
        pass
    assert sqlite_db.hand_overs == before


async def test_on_sqlite_awaiting_anything_but_the_connection_in_a_unit_raises_and_rolls_back(
    sqlite_db: SqliteDatabase,
) -> None:
    async def waits(conn: Connection) -> None:
        await _add_years(conn)
        await asyncio.sleep(0)

    with pytest.raises(ForeignAwaitError, match="only its database connection"):
        await sqlite_db.unit(waits)
    assert await _years(sqlite_db) == []
    await sqlite_db.unit(_add_years)
    assert await _years(sqlite_db) == list(YEARS)
