"""Which database the configuration names: PostgreSQL when a URL is given, else SQLite."""

from __future__ import annotations

from pathlib import Path

from storage.database import Database
from storage.postgres import PostgresDatabase
from storage.sqlite import SqliteDatabase


async def open_database(path: Path, url: str | None = None) -> Database:
    """The configured database, migrated and ready: PostgreSQL at `url` when given, else the
    SQLite file at `path`."""
    if url is not None:
        return await PostgresDatabase.open(url)
    return await SqliteDatabase.open(path)
