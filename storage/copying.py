"""`nghe-dan copy-db`: a commune's SQLite database copied into an empty PostgreSQL one, so a
commune that outgrows one machine keeps its whole history when it moves up.

Nothing here names a table. The tables and their columns are read from the SQLite file, the
order to copy them in from its foreign keys (`PRAGMA foreign_key_list`: a parent before its
children, since PostgreSQL checks a non-deferrable foreign key at the end of each statement),
and each column's type on the other side from PostgreSQL's `information_schema`. A migration
added later is copied without a change here: both databases must be at the schema version of
this program, where the twins (storage/postgres_migrations.py) make one schema of the two.

- Refused before anything is written: a missing SQLite file, one at another schema version than
  the program's (migrated first by the bot or `nghe-dan migrate`, so the twins match), and a
  target holding a row in any table, or newer than the program. An empty target is migrated
  first, as a bot would at start-up.
- The SQLite file is opened read-only and read inside one read transaction: what is copied is
  the database as of one commit, even if a bot still wrote to it meanwhile, and the file stays
  as it was. It is read with the standard sqlite3 module on the event loop's thread: nothing
  else runs during the command, and a hop to aiosqlite's thread per batch would only slow it.
- Everything is written in one PostgreSQL transaction, by COPY in batches: all or nothing. The
  counts of every table are compared with the source's before it commits.
- Values are copied as SQLite stores them. Instants stay the text they are (see
  storage/postgres_migrations.py); a sealed identity is the ciphertext it is, copied without the
  key, so it stays sealed. A flag column (boolean on PostgreSQL) takes 0 and 1 as False and True;
  any other value stops the copy rather than being guessed at.
- The identity sequences are moved past every id copied (and, for an AUTOINCREMENT table, past
  every id SQLite ever handed out, from `sqlite_sequence`): a row added afterwards on PostgreSQL
  gets the next id, never one already used. The case numbers continue by themselves: they are
  counted in the table `case_sequences`, copied like any other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection, sql

from storage.database import migrations
from storage.postgres_migrations import VERSION_TABLE, migrate_postgres

# Rows read from SQLite at a time: a commune's largest table (1,000,000 cases, several events
# each) is never held in memory whole.
BATCH_ROWS = 5000
_BOOLEAN = "bool"


class CopyRefusedError(Exception):
    """The copy was not started: nothing was written to PostgreSQL."""


class MissingSourceError(CopyRefusedError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"no SQLite database at {path}")
        self.path = path


class SourceVersionError(CopyRefusedError):
    """The SQLite file is not at this program's schema version, so its tables are not the twins
    of the ones this program makes on PostgreSQL."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"the SQLite database has schema version {found}, the program {known}")
        self.found = found
        self.known = known


class TargetNotEmptyError(CopyRefusedError):
    """A row in any table: the copy keeps every id, so it could only clash with or mix into
    what is there."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(f"the PostgreSQL database already has rows in {', '.join(tables)}")
        self.tables = tables


class CopyFailedError(Exception):
    """The copy went wrong part way; its transaction was rolled back, nothing of it was kept."""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    parents: frozenset[str]


@dataclass(frozen=True, slots=True)
class Copied:
    """Each table with the rows copied into it, in the order copied; the counts were checked."""

    tables: tuple[tuple[str, int], ...]


def copy_order(tables: Iterable[Table]) -> list[Table]:
    """Parents before children. A table naming itself needs no order: its own rows are checked
    at the end of the statement that copies them all."""
    by_name = {table.name: table for table in sorted(tables, key=lambda table: table.name)}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for table in by_name.values():
        sorter.add(table.name, *sorted(table.parents - {table.name}))
    try:
        order = list(sorter.static_order())
    except CycleError as error:
        raise CopyFailedError(f"the foreign keys form a cycle: {error.args[1]}") from None
    unknown = [name for name in order if name not in by_name]
    if unknown:
        raise CopyFailedError(f"foreign keys name tables that do not exist: {unknown}")
    return [by_name[name] for name in order]


def flag(table: str, column: str) -> Callable[[object], bool | None]:
    """SQLite keeps a flag as the integer 0 or 1; anything else is a damaged row, not a flag."""

    def convert(value: object) -> bool | None:
        if value is None:
            return None
        if type(value) is int and value in (0, 1):
            return bool(value)
        raise CopyFailedError(f"{table}.{column} holds {value!r}, not a flag (0 or 1)")

    return convert


def _quoted(name: str) -> str:
    """An identifier for SQLite's SQL, whatever it is called."""
    return '"' + name.replace('"', '""') + '"'


def _open_source(path: Path) -> sqlite3.Connection:
    """mode=ro: nothing can be written, not even a journal, and a missing file is an error
    rather than a new empty database."""
    if not path.is_file():
        raise MissingSourceError(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("BEGIN")
    return conn


def _source_tables(conn: sqlite3.Connection) -> list[Table]:
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return [
        Table(
            name,
            tuple(str(row[1]) for row in conn.execute(f"PRAGMA table_info({_quoted(name)})")),
            frozenset(
                str(row[2]) for row in conn.execute(f"PRAGMA foreign_key_list({_quoted(name)})")
            ),
        )
        for name in names
    ]


def _handed_out(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table ever handed out, kept when its rows are gone."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    ).fetchone()
    if exists is None:
        return {}
    return {
        str(name): int(seq) for name, seq in conn.execute("SELECT name, seq FROM sqlite_sequence")
    }


async def _target_columns(conn: AsyncConnection[Any]) -> dict[str, dict[str, str]]:
    """Each table of the target's schema with its columns' types (`udt_name`: int8, bool, ...)."""
    cursor = await conn.execute(
        "SELECT table_name, column_name, udt_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name <> %s",
        (VERSION_TABLE,),
    )
    found: dict[str, dict[str, str]] = {}
    for table, column, kind in await cursor.fetchall():
        found.setdefault(str(table), {})[str(column)] = str(kind)
    return found


async def _filled(conn: AsyncConnection[Any]) -> list[str]:
    """The target's tables that hold a row; the schema version's own table is not data."""
    cursor = await conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name <> %s ORDER BY table_name",
        (VERSION_TABLE,),
    )
    filled = []
    for (name,) in await cursor.fetchall():
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name))
        row = await (await conn.execute(query)).fetchone()
        if row is not None and row[0]:
            filled.append(str(name))
    return filled


def _check_twins(tables: list[Table], target: Mapping[str, Mapping[str, str]]) -> None:
    mine = {table.name: set(table.columns) for table in tables}
    theirs = {name: set(columns) for name, columns in target.items()}
    if mine != theirs:
        raise CopyFailedError(f"the two schemas differ: SQLite {mine}, PostgreSQL {theirs}")


async def _copy_table(
    source: sqlite3.Connection,
    target: AsyncConnection[Any],
    table: Table,
    types: Mapping[str, str],
    batch: int,
) -> int:
    """Binary COPY with each column's type given, so a value of the wrong kind (text where an
    integer belongs) stops the copy instead of being converted silently."""
    kinds = [types[column] for column in table.columns]
    flags = {
        position: flag(table.name, column)
        for position, column in enumerate(table.columns)
        if types[column] == _BOOLEAN
    }
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns))
    )
    columns = ", ".join(map(_quoted, table.columns))
    select = f"SELECT {columns} FROM {_quoted(table.name)}"  # noqa: S608 - the file's own names
    written = 0
    async with target.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(kinds)
        rows = source.execute(select)
        while chunk := rows.fetchmany(batch):
            for row in chunk:
                if flags:
                    values = list(row)
                    for position, convert in flags.items():
                        values[position] = convert(values[position])
                    await copy.write_row(values)
                else:
                    await copy.write_row(row)
            written += len(chunk)
    return written


async def _continue_identities(conn: AsyncConnection[Any], handed_out: Mapping[str, int]) -> None:
    """Every identity column's sequence set so that its next value follows the highest id
    copied (or handed out by SQLite): 1 for a table left empty."""
    cursor = await conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name",
    )
    for table, column in await cursor.fetchall():
        floor = handed_out.get(str(table), 0)
        highest = sql.SQL("GREATEST(coalesce(max({}), 0), {})").format(
            sql.Identifier(column), sql.Literal(floor)
        )
        query = sql.SQL(
            "SELECT setval(pg_get_serial_sequence({}, {}), GREATEST({h}, 1), {h} > 0) FROM {}"
        ).format(
            sql.Literal(sql.Identifier(table).as_string(conn)),
            sql.Literal(column),
            sql.Identifier(table),
            h=highest,
        )
        await conn.execute(query)


async def _count(conn: AsyncConnection[Any], table: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
    row = await (await conn.execute(query)).fetchone()
    return int(row[0]) if row else 0


async def copy_database(source: Path, url: str, *, batch: int = BATCH_ROWS) -> Copied:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at `url`.

    Raises CopyRefusedError (nothing written), NewerDatabaseError (a target newer than the program,
    untouched), CopyFailedError (rolled back), or the drivers' own errors. The password comes from
    libpq's own places (PGPASSWORD, a .pgpass file), never the URL."""
    with closing(_open_source(source)) as lite:
        found = int(lite.execute("PRAGMA user_version").fetchone()[0])
        known = len(migrations())
        if found != known:
            raise SourceVersionError(found, known)
        tables = copy_order(_source_tables(lite))
        handed_out = _handed_out(lite)
        async with await AsyncConnection.connect(url, autocommit=True) as conn:
            filled = await _filled(conn)
            if filled:
                raise TargetNotEmptyError(filled)
            await migrate_postgres(conn)
            types = await _target_columns(conn)
            _check_twins(tables, types)
            copied = []
            async with conn.transaction():
                filled = await _filled(conn)
                if filled:
                    raise TargetNotEmptyError(filled)
                for table in tables:
                    written = await _copy_table(lite, conn, table, types[table.name], batch)
                    copied.append((table.name, written))
                await _continue_identities(conn, handed_out)
                for name, written in copied:
                    expected = int(
                        lite.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]  # noqa: S608
                    )
                    landed = await _count(conn, name)
                    if not expected == written == landed:
                        raise CopyFailedError(
                            f"{name}: {expected} rows in SQLite, {written} read, {landed} in "
                            "PostgreSQL"
                        )
    return Copied(tuple(copied))
