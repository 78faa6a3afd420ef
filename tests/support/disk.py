"""A full disk, as SQLite sees it: the database may not grow past its current size (`PRAGMA
max_page_count`; SQLite then answers SQLITE_FULL, the error a full disk gives) and every free
page is taken by other data first, so anything that needs a new page fails."""

from __future__ import annotations

import sqlite3

from storage.database import Database, is_disk_full
from storage.rows import single

SQLITE_DEFAULT_MAX_PAGES = 4294967294


async def _room_for_more(db: Database) -> bool:
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO filler VALUES (zeroblob(1000))")
    except sqlite3.OperationalError as error:
        if is_disk_full(error):
            return False
        raise
    return True


async def fill_the_disk(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE filler (data BLOB)")
        row = await single(conn, "PRAGMA page_count")
        await conn.execute(f"PRAGMA max_page_count = {row[0]}")
    while await _room_for_more(db):
        pass


async def free_the_disk(db: Database) -> None:
    """As when the administrator makes room: the database may grow again."""
    async with db.transaction() as conn:
        await conn.execute(f"PRAGMA max_page_count = {SQLITE_DEFAULT_MAX_PAGES}")
