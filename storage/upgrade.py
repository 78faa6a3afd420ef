"""`nghe-dan migrate`: bring whichever database the config names up to this program's schema,
and say what was done. A bot process does the same at start-up; the command lets an operator do
it beforehand, apart from the bot (before a rolling upgrade, or to check a new server)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from psycopg import AsyncConnection

from storage.database import migrations
from storage.postgres_migrations import migrate_postgres, postgres_migrations
from storage.sqlite import SqliteDatabase


@dataclass(frozen=True, slots=True)
class Upgrade:
    """The schema version found, the one left, and the migrations applied in between."""

    before: int
    after: int
    applied: tuple[str, ...]


def _sqlite_version(path: Path) -> int:
    """Read without writing anything, not even a journal: an absent file is version 0."""
    if not path.exists():
        return 0
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


async def upgrade_sqlite(path: Path) -> Upgrade:
    """Opening the database migrates it (and refuses one newer than the code, untouched)."""
    before = await asyncio.to_thread(_sqlite_version, path)
    db = await SqliteDatabase.open(path)
    await db.close()
    known = migrations()
    return Upgrade(before, len(known), tuple(name for _, name, _ in known[before:]))


async def upgrade_postgres(url: str) -> Upgrade:
    """The password comes from libpq's own places (PGPASSWORD, a .pgpass file), never the URL."""
    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        applied = await migrate_postgres(conn)
    after = len(postgres_migrations())
    return Upgrade(after - len(applied), after, tuple(applied))
