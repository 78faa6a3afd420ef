"""The schema on PostgreSQL is the SQLite schema: every migration has a twin of the same number and
name, and after each one both databases have the same tables, columns, keys, unique constraints,
indexes, foreign keys and checks. Compared on a real SQLite file and the real test server."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

import storage
from storage.database import NewerDatabaseError, migrations
from storage.postgres_migrations import (
    VERSION_TABLE,
    migrate_postgres,
    postgres_migrations,
    schema_version,
)

MIGRATIONS_DIR = Path(storage.__file__).parent / "migrations"
# What each SQLite type becomes on PostgreSQL; the 0/1 flags become boolean.
TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision"}
FLAGS = {
    ("officers", "active"),
    ("officers", "night_ok"),
    ("tickets", "complex"),
    ("tickets", "sealed"),
    ("outbox", "bulk"),
    ("announcement_choices", "subscribed"),
}
NOW = "2026-12-04T17:00:00.000000+00:00"


@dataclass(frozen=True)
class Column:
    type: str
    nullable: bool
    has_default: bool


@dataclass(frozen=True)
class Index:
    columns: tuple[str, ...]
    unique: bool
    partial: bool


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    to: tuple[str, ...]
    on_delete: str


@dataclass(frozen=True)
class Table:
    columns: dict[str, Column]
    primary_key: tuple[str, ...]
    # UNIQUE constraints and unique indexes, by their columns (constraint names differ).
    unique: frozenset[Index]
    # Indexes made by CREATE INDEX, by name (the twins keep the names).
    indexes: dict[str, Index]
    foreign_keys: frozenset[ForeignKey]
    checks: int


def _sqlite_table(conn: sqlite3.Connection, name: str) -> Table:
    info = conn.execute(f"PRAGMA table_info({name})").fetchall()
    key = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    # An INTEGER PRIMARY KEY is filled in by SQLite when left out; the code leaves out the keys
    # named `id` and gives every other one (a year, a person's id, a local chat id) itself.
    assigned = key == ("id",)
    columns = {
        row[1]: Column(
            TYPES[row[2]] if (name, row[1]) not in FLAGS else "boolean",
            nullable=not row[3] and row[1] not in key,
            has_default=row[4] is not None or (assigned and row[1] == "id"),
        )
        for row in info
    }
    unique, indexes = set(), {}
    for _, index, is_unique, origin, partial in conn.execute(f"PRAGMA index_list({name})"):
        cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({index})"))
        found = Index(cols, bool(is_unique), bool(partial))
        if origin == "c":
            indexes[index] = found
        if is_unique and origin != "pk":
            unique.add(Index(tuple(sorted(cols)), unique=True, partial=bool(partial)))
    keys: dict[int, list[tuple[str, str, str, str]]] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({name})"):
        keys.setdefault(row[0], []).append((row[3], row[2], row[4], row[6]))
    foreign = {
        ForeignKey(tuple(r[0] for r in rows), rows[0][1], tuple(r[2] for r in rows), rows[0][3])
        for rows in keys.values()
    }
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return Table(
        columns, key, frozenset(unique), indexes, frozenset(foreign), sql.upper().count("CHECK (")
    )


def sqlite_schema(conn: sqlite3.Connection) -> dict[str, Table]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: _sqlite_table(conn, name) for name in names}


_PG_ON_DELETE = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


def _pg_rows(
    conn: psycopg.Connection[tuple[object, ...]], query: str, *params: object
) -> list[tuple[Any, ...]]:
    return conn.execute(query, params).fetchall()


def _pg_table(conn: psycopg.Connection[tuple[object, ...]], name: str) -> Table:
    columns = {
        column: Column(str(kind), nullable == "YES", default is not None or identity == "YES")
        for column, kind, nullable, default, identity in _pg_rows(
            conn,
            "SELECT column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
            name,
        )
    }
    # Each index with its columns in order, whether it is unique, partial, the primary key, or
    # made for a UNIQUE constraint rather than by CREATE INDEX.
    index_rows = _pg_rows(
        conn,
        """
        SELECT i.relname, ix.indisunique, ix.indpred IS NOT NULL, ix.indisprimary,
               EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid),
               ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                     ORDER BY k.n)
        FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid
        JOIN pg_class t ON t.oid = ix.indrelid
        WHERE t.relname = %s AND t.relnamespace = 'public'::regnamespace
        """,
        name,
    )
    key: tuple[str, ...] = ()
    unique, indexes = set(), {}
    for index, is_unique, partial, primary, constraint, cols in index_rows:
        if primary:
            key = tuple(cols)
            continue
        if not constraint:
            indexes[index] = Index(tuple(cols), is_unique, partial)
        if is_unique:
            unique.add(Index(tuple(sorted(cols)), unique=True, partial=partial))
    foreign = {
        ForeignKey(tuple(cols), table, tuple(to), _PG_ON_DELETE[action])
        for cols, table, to, action in _pg_rows(
            conn,
            """
            SELECT ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                         ORDER BY k.n),
                   f.relname,
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                         ORDER BY k.n),
                   c.confdeltype
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class f ON f.oid = c.confrelid
            WHERE c.contype = 'f' AND t.relname = %s AND t.relnamespace = 'public'::regnamespace
            """,
            name,
        )
    }
    [(checks,)] = _pg_rows(
        conn,
        "SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE c.contype = 'c' AND t.relname = %s AND t.relnamespace = 'public'::regnamespace",
        name,
    )
    return Table(columns, key, frozenset(unique), indexes, frozenset(foreign), int(checks))


def postgres_schema(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, Table]:
    names = [
        row[0]
        for row in _pg_rows(
            conn,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name <> %s",
            VERSION_TABLE,
        )
    ]
    return {name: _pg_table(conn, name) for name in names}


def same_schema(lite: dict[str, Table], pg: dict[str, Table]) -> None:
    assert sorted(pg) == sorted(lite)
    for name, table in lite.items():
        twin = pg[name]
        assert twin.columns == table.columns, name
        assert twin.primary_key == table.primary_key, name
        assert twin.unique == table.unique, name
        assert twin.indexes == table.indexes, name
        assert twin.foreign_keys == table.foreign_keys, name
        assert twin.checks == table.checks, name


@pytest.fixture
def pg(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


def test_every_sqlite_migration_has_a_postgresql_twin_and_no_other() -> None:
    lite = sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))
    twins = sorted(p.name for p in (MIGRATIONS_DIR / "postgresql").glob("*.sql"))
    assert lite
    assert twins == lite
    assert [name for _, name, _ in postgres_migrations()] == twins
    assert [(v, n) for v, n, _ in postgres_migrations()] == [(v, n) for v, n, _ in migrations()]


def test_after_each_migration_both_schemas_are_the_same(
    tmp_path: Path, pg: psycopg.Connection[tuple[object, ...]]
) -> None:
    with sqlite3.connect(tmp_path / "twin.sqlite3", isolation_level=None) as lite:
        for (_, _, sql), (_, _, twin) in zip(migrations(), postgres_migrations(), strict=True):
            lite.executescript(sql)
            with pg.transaction():
                pg.execute(twin)
            same_schema(sqlite_schema(lite), postgres_schema(pg))


def test_the_comparison_sees_each_kind_of_difference(
    tmp_path: Path, pg: psycopg.Connection[tuple[object, ...]]
) -> None:
    """The check above can fail: a twin that drops a NOT NULL, a default, a unique constraint
    or a foreign key, or names an index otherwise, is caught."""
    (_, _, first), (_, _, twin) = migrations()[0], postgres_migrations()[0]
    changes = [
        "ALTER TABLE tickets ALTER COLUMN code DROP NOT NULL",
        "ALTER TABLE people ALTER COLUMN display_name DROP DEFAULT",
        "ALTER TABLE attachments DROP CONSTRAINT attachments_ticket_id_position_key",
        "ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_actor_id_fkey",
        "ALTER INDEX tickets_by_citizen RENAME TO other",
    ]
    with sqlite3.connect(tmp_path / "twin.sqlite3", isolation_level=None) as lite:
        lite.executescript(first)
        for change in changes:
            pg.execute("DROP SCHEMA public CASCADE")
            pg.execute("CREATE SCHEMA public")
            pg.execute(twin)
            same_schema(sqlite_schema(lite), postgres_schema(pg))
            pg.execute(change)
            with pytest.raises(AssertionError):
                same_schema(sqlite_schema(lite), postgres_schema(pg))


async def test_the_runner_applies_every_migration_once_and_records_the_version(
    postgres_url: str,
) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        assert await schema_version(conn) == 0
        applied = await migrate_postgres(conn)
        assert applied == [name for _, name, _ in postgres_migrations()]
        assert await schema_version(conn) == len(postgres_migrations())
        assert await migrate_postgres(conn) == []
        assert await schema_version(conn) == len(postgres_migrations())


async def test_processes_starting_together_apply_each_migration_once(postgres_url: str) -> None:
    connections = [
        await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) for _ in range(3)
    ]
    try:
        applied = await asyncio.gather(*(migrate_postgres(conn) for conn in connections))
        assert sorted(name for names in applied for name in names) == sorted(
            name for _, name, _ in postgres_migrations()
        )
        assert await schema_version(connections[0]) == len(postgres_migrations())
    finally:
        for conn in connections:
            await conn.close()


async def _tables(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> list[str]:
    cursor = await conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "ORDER BY table_name"
    )
    return [str(row[0]) for row in await cursor.fetchall()]


async def test_a_newer_database_is_refused_and_left_as_it_was(postgres_url: str) -> None:
    newer = len(postgres_migrations()) + 1
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await migrate_postgres(conn)
        await conn.execute("UPDATE schema_version SET version = %s", (newer,))
        await conn.execute("CREATE TABLE from_the_future (note text)")
        before = await _tables(conn)
        with pytest.raises(NewerDatabaseError, match="newer than this program") as caught:
            await migrate_postgres(conn)
        assert (caught.value.found, caught.value.known) == (newer, len(postgres_migrations()))
        assert await _tables(conn) == before
        assert await schema_version(conn) == newer


async def test_ids_are_assigned_and_never_handed_out_twice(postgres_url: str) -> None:
    """Rows are inserted as the SQLite code inserts them, without an id."""
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await migrate_postgres(conn)
        for key in ("a", "b"):
            await conn.execute(
                "INSERT INTO inbox (channel, event_key, payload, received_at) "
                "VALUES ('zalo', %s, '{}', %s)",
                (key, NOW),
            )
        await conn.execute("DELETE FROM inbox WHERE event_key = 'b'")
        cursor = await conn.execute(
            "INSERT INTO inbox (channel, event_key, received_at) VALUES ('zalo', 'c', %s) "
            "RETURNING id",
            (NOW,),
        )
        assert await cursor.fetchone() == (3,)
        cursor = await conn.execute(
            "INSERT INTO outbox (dedupe_key, channel, recipient, payload, created_at, not_before) "
            "VALUES ('k', 'telegram', '1', '{}', %s, %s) RETURNING id, bulk, attempts",
            (NOW, NOW),
        )
        assert await cursor.fetchone() == (1, False, 0)
