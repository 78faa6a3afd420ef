"""The database file: created on first start, migrated once, refused when newer than the code."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

import storage
from storage.connection import Connection
from storage.database import Database, DatabaseError, migrations
from storage.sqlite import BUSY_TIMEOUT_MS, SqliteDatabase, migrate

MIGRATIONS_DIR = Path(storage.__file__).parent / "migrations"
TABLES_OF_001 = {
    "people",
    "case_sequences",
    "tickets",
    "ticket_events",
    "attachments",
    "processed_updates",
    "conversation_states",
    "conversation_data",
}
NOW = "2026-11-28T02:30:00.000000+00:00"


async def scalar(conn: Connection, sql: str) -> object:
    rows = list(await conn.execute_fetchall(sql))
    assert rows
    return rows[0][0]


async def schema(conn: aiosqlite.Connection) -> list[tuple[str, str, str]]:
    async with conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ) as cursor:
        return [(row[0], row[1], row[2]) async for row in cursor]


async def add_person(db: Database, external_id: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO people (channel, external_id, created_at, updated_at) "
            "VALUES ('telegram', ?, ?, ?)",
            (external_id, NOW, NOW),
        )


async def people_ids(conn: aiosqlite.Connection) -> list[str]:
    async with conn.execute("SELECT external_id FROM people ORDER BY id") as cursor:
        return [row[0] async for row in cursor]


async def test_first_open_creates_the_folder_and_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.sqlite3"
    db = await SqliteDatabase.open(path)
    try:
        assert path.is_file()
        assert await scalar(db.reader, "PRAGMA user_version") == len(migrations())
        async with db.reader.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ) as cursor:
            tables = {row[0] async for row in cursor}
        assert tables >= TABLES_OF_001
    finally:
        await db.close()


async def test_opening_again_applies_nothing_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "nghe-dan.sqlite3"
    first = await SqliteDatabase.open(path)
    try:
        await add_person(first, "111")
        before = await schema(first.reader)
    finally:
        await first.close()

    again = await SqliteDatabase.open(path)
    try:
        assert await scalar(again.reader, "PRAGMA user_version") == len(migrations())
        assert await schema(again.reader) == before
        assert await people_ids(again.reader) == ["111"]
    finally:
        await again.close()


async def test_migrate_twice_on_one_connection_is_a_no_op(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "plain.sqlite3", isolation_level=None) as conn:
        assert await migrate(conn) == len(migrations())
        await conn.execute("INSERT INTO case_sequences (year, last_number) VALUES (2026, 41)")
        before = await schema(conn)
        assert await migrate(conn) == len(migrations())
        assert await schema(conn) == before
        assert await scalar(conn, "PRAGMA user_version") == len(migrations())
        assert await scalar(conn, "SELECT last_number FROM case_sequences") == 41


async def future_database(path: Path, journal_mode: str) -> None:
    """A database written by a newer version of the program than this one."""
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        await conn.execute("CREATE TABLE from_the_future (note TEXT)")
        await conn.execute("INSERT INTO from_the_future VALUES ('giữ nguyên')")
        await conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
async def test_a_newer_database_is_refused_and_its_contents_kept(
    tmp_path: Path, journal_mode: str
) -> None:
    path = tmp_path / "newer.sqlite3"
    await future_database(path, journal_mode)

    with pytest.raises(DatabaseError, match="newer than this program"):
        await SqliteDatabase.open(path)

    async with aiosqlite.connect(path) as conn:
        assert await scalar(conn, "PRAGMA user_version") == len(migrations()) + 1
        tables = [name for _, name, _ in await schema(conn)]
        assert tables == ["from_the_future"]
        assert await scalar(conn, "SELECT note FROM from_the_future") == "giữ nguyên"


async def test_a_newer_wal_database_file_is_byte_for_byte_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    await future_database(path, "wal")
    before = path.read_bytes()

    with pytest.raises(DatabaseError):
        await SqliteDatabase.open(path)

    assert path.read_bytes() == before


async def test_a_newer_rollback_journal_database_file_is_byte_for_byte_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newer.sqlite3"
    await future_database(path, "delete")
    before = path.read_bytes()

    with pytest.raises(DatabaseError):
        await SqliteDatabase.open(path)

    async with aiosqlite.connect(path) as conn:
        assert await scalar(conn, "PRAGMA journal_mode") == "delete"
    assert path.read_bytes() == before


async def test_writer_pragmas(db: Database) -> None:
    async with db.transaction() as conn:
        assert await scalar(conn, "PRAGMA journal_mode") == "wal"
        assert await scalar(conn, "PRAGMA foreign_keys") == 1
        assert await scalar(conn, "PRAGMA busy_timeout") == BUSY_TIMEOUT_MS
    assert BUSY_TIMEOUT_MS >= 1000


async def test_reader_pragmas(db: Database) -> None:
    assert await scalar(db.reader, "PRAGMA journal_mode") == "wal"
    assert await scalar(db.reader, "PRAGMA foreign_keys") == 1
    assert await scalar(db.reader, "PRAGMA busy_timeout") == BUSY_TIMEOUT_MS


async def test_foreign_keys_are_enforced_on_writes(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ticket_events (ticket_id, at, action) VALUES (999, ?, 'x')", (NOW,)
            )
    assert await scalar(db.reader, "SELECT count(*) FROM ticket_events") == 0


async def test_the_reader_cannot_write(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.reader.execute("INSERT INTO case_sequences (year, last_number) VALUES (2026, 1)")
    assert await scalar(db.reader, "SELECT count(*) FROM case_sequences") == 0


class BodyFailedError(Exception):
    pass


async def write_then_fail(db: Database) -> None:
    """Inserts, updates and deletes, then fails before the transaction ends."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO people (channel, external_id, created_at, updated_at) "
            "VALUES ('telegram', 'lost', ?, ?)",
            (NOW, NOW),
        )
        await conn.execute("INSERT INTO case_sequences (year, last_number) VALUES (2026, 7)")
        await conn.execute("DELETE FROM people WHERE external_id = 'kept'")
        raise BodyFailedError


async def test_a_failing_transaction_leaves_nothing_behind(db: Database) -> None:
    await add_person(db, "kept")

    with pytest.raises(BodyFailedError):
        await write_then_fail(db)

    assert await people_ids(db.reader) == ["kept"]
    assert await scalar(db.reader, "SELECT count(*) FROM case_sequences") == 0
    # The writer is usable again: the failed transaction did not leave it half open.
    await add_person(db, "after")
    assert await people_ids(db.reader) == ["kept", "after"]


async def test_migration_files_are_numbered_without_gaps() -> None:
    names = sorted(p.name for p in MIGRATIONS_DIR.iterdir() if p.suffix == ".sql")
    assert names, "no migration shipped"
    for name in names:
        assert re.fullmatch(r"\d{3}_[a-z0-9_]+\.sql", name), name
    assert [int(name[:3]) for name in names] == list(range(1, len(names) + 1))
    # Every file on disk is one the code applies: none is skipped for a bad name.
    assert [name for _, name, _ in migrations()] == names
    assert [version for version, _, _ in migrations()] == list(range(1, len(names) + 1))
