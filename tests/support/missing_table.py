"""A write that fails on either backend: the table it needs is renamed away for a while, so
every statement on it fails as a broken database would, and is renamed back after."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

from storage.database import Database

# What a statement on the missing table raises, on SQLite and on PostgreSQL.
DATABASE_ERRORS = (sqlite3.Error, psycopg.Error)


@asynccontextmanager
async def without_table(db: Database, table: str) -> AsyncIterator[None]:
    async with db.transaction() as conn:
        await conn.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        async with db.transaction() as conn:
            await conn.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
