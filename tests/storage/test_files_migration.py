"""Migration 015 on a database with cases filed before it: every photo reference they carry
becomes an attachment waiting for its download, so old cases get their files too. On SQLite and
PostgreSQL: the database is brought back to how 014 left it (its two tables, 016's columns and
017's table and what came after gone, its version 14), then opened again as an upgraded
program opens it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.config import Config
from bot.services.intake import submit_case
from storage import attachment_files
from storage.connection import Connection
from storage.database import Database
from tests.conftest import BOTH_BACKENDS
from tests.services.factories import citizen, complaint, feedback
from tests.support.clock import FixedClock

DETAILS_016 = ("duration", "size", "media_type", "file_name")


async def undo_after_017(conn: Connection) -> None:
    """What the migrations after 017 added, taken away: each test of an older migration
    brings the database back to before it."""
    await conn.execute("DROP TABLE faq_entries")
    await conn.execute("DROP TABLE guide_lookups")
    await conn.execute("DROP INDEX tickets_public")
    await conn.execute("ALTER TABLE tickets DROP COLUMN public_since")
    await conn.execute("ALTER TABLE tickets DROP COLUMN photos_public_since")


@BOTH_BACKENDS
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_existing_photo_references_become_pending_downloads(
    db: Database,
    clock: FixedClock,
    config: Config,
    reopen: Callable[[], Awaitable[Database]],
) -> None:
    person = await citizen(db, clock, "old-citizen")
    with_photos = await submit_case(db, clock, config, person, complaint("old-1"))
    without = await submit_case(db, clock, config, person, feedback("old-2"))
    async with db.transaction() as conn:
        await undo_after_017(conn)
        await conn.execute("DROP TABLE file_uploads")
        await conn.execute("DROP TABLE attachment_files")
        await conn.execute("DROP TABLE files")
        for column in DETAILS_016:
            await conn.execute(f"ALTER TABLE attachments DROP COLUMN {column}")
        if db.shared:
            await conn.execute("UPDATE schema_version SET version = 14")
        else:
            await conn.execute("PRAGMA user_version = 14")
    await db.close()

    upgraded = await reopen()
    try:
        queued = await attachment_files.for_ticket(upgraded.reader, with_photos.id)
        nothing = await attachment_files.for_ticket(upgraded.reader, without.id)
        async with upgraded.coordination() as conn:
            due = await attachment_files.claim(conn, "p1", clock.now(), clock.now(), 10)
    finally:
        await upgraded.close()
    assert [(s.position, s.status, s.attempts, s.sha256) for s in queued] == [
        (1, "pending", 0, None),
        (2, "pending", 0, None),
        (3, "pending", 0, None),
    ]
    assert nothing == []
    assert [(f.ticket_id, f.reference) for f in due] == [
        (with_photos.id, "file-a"),
        (with_photos.id, "file-b"),
        (with_photos.id, "file-c"),
    ]
