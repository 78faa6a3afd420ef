"""Emptying the write-ahead log once something is erased: the log keeps the old versions of the
pages it wrote (erased values among them) until a checkpoint copies it into the database file
and cuts it to nothing. A reader still using the log stops that, so it is tried again."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import people
from storage.database import Database
from storage.sqlite import SqliteDatabase

NAME = "Đặng Văn Xoá"
NOW = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


def _bytes(path: Path) -> bytes:
    return b"".join(
        part.read_bytes() for part in (path, path.with_name(path.name + "-wal")) if part.exists()
    )


async def _erased_while_read(path: Path) -> tuple[Database, sqlite3.Connection]:
    """A name written and erased while another connection (a backup, a report) reads."""
    db = await SqliteDatabase.open(path)
    async with db.transaction() as conn:
        person = await people.upsert(conn, "telegram", "626262", NAME, NOW)
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchone()
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET display_name = '' WHERE id = ?", (person.id,))
    return db, reader


async def test_tried_again_until_the_reader_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "data.sqlite3"
    db, reader = await _erased_while_read(path)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            reader.close()

    try:
        assert NAME.encode() in _bytes(path), "the log holds the name before"
        assert await db.purge_wal(delays=(1.0, 2.0, 4.0, 8.0), sleep=sleep)
        assert waits == [1.0, 2.0], "refused twice while read, emptied at the third try"
        assert path.with_name(path.name + "-wal").stat().st_size == 0
        assert NAME.encode() not in _bytes(path)
    finally:
        reader.close()
        await db.close()


async def test_given_up_after_the_last_try_and_said_without_personal_data(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "data.sqlite3"
    db, reader = await _erased_while_read(path)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    try:
        with caplog.at_level(logging.INFO, logger="storage.database"):
            assert not await db.purge_wal(delays=(1.0, 2.0), sleep=sleep)
        assert waits == [1.0, 2.0]
        [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "write-ahead log" in warning.getMessage()
        assert NAME not in caplog.text
        # Nothing else waited meanwhile: the bot writes as usual.
        async with db.transaction() as conn:
            await people.upsert(conn, "telegram", "626263", "Người khác", NOW)
    finally:
        reader.close()
        await db.close()


async def test_closing_waits_for_no_pending_try(tmp_path: Path) -> None:
    """A try still waiting when the bot stops is dropped: closing the last connection
    checkpoints and removes the log anyway."""
    path = tmp_path / "data.sqlite3"
    db, reader = await _erased_while_read(path)
    db.purge_wal_soon()
    reader.close()
    await db.close()
    assert not path.with_name(path.name + "-wal").exists()
    assert NAME.encode() not in path.read_bytes()
