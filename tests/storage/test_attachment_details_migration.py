"""Migration 016 on a database with cases filed before it, on SQLite and PostgreSQL: the
photos they carry read back as before, with no details, and a voice note filed after it keeps
its own. The database is brought back to how 015 left it (016's columns, 017's table and
what came after gone, its version 15), then opened again as an upgraded program opens it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.config import Config
from bot.domain.draft import Media
from bot.domain.tickets import Attachment
from bot.services.intake import submit_case
from storage import tickets
from storage.database import Database
from tests.conftest import BOTH_BACKENDS
from tests.services.factories import citizen, complaint
from tests.storage.test_files_migration import DETAILS_016, undo_after_017
from tests.support.clock import FixedClock


@BOTH_BACKENDS
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_old_photos_read_back_without_details_and_new_voice_notes_keep_theirs(
    db: Database,
    clock: FixedClock,
    config: Config,
    reopen: Callable[[], Awaitable[Database]],
) -> None:
    person = await citizen(db, clock, "old-citizen")
    old = await submit_case(db, clock, config, person, complaint("old-1"))
    async with db.transaction() as conn:
        await undo_after_017(conn)
        await conn.execute("DROP TABLE file_uploads")
        for column in DETAILS_016:
            await conn.execute(f"ALTER TABLE attachments DROP COLUMN {column}")
        if db.shared:
            await conn.execute("UPDATE schema_version SET version = 15")
        else:
            await conn.execute("PRAGMA user_version = 15")
    await db.close()

    upgraded = await reopen()
    try:
        before = await tickets.get(upgraded.reader, old.id)
        voice = Media(kind="voice", file_id="v", file_unique_id="uv", duration=12)
        draft = complaint("new-1").model_copy(update={"photos": [], "media": [voice]})
        new = await submit_case(upgraded, clock, config, person, draft)
    finally:
        await upgraded.close()
    assert before is not None
    assert before.attachments == old.attachments
    assert {(a.duration, a.size, a.media_type, a.file_name) for a in before.attachments} == {
        (None, None, None, None)
    }
    assert new.attachments == (Attachment("voice", "v", "uv", 12),)
