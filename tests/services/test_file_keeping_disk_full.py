"""The file keeper when the file store's disk is full (a real small file system): every row
stays, waiting and retried, the log says so once for the outage and once when it is over, and
each file is kept once there is room. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import Config
from bot.domain.files import retry_delay
from bot.services.file_keeping import FileKeeper
from storage.database import Database
from storage.file_store import FolderStore, digest
from tests.services.test_file_keeping import Channel, filed, photos, states
from tests.support.clock import FixedClock
from tests.support.small_disk import small_disk


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage().split(":")[0] for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_full_store_loses_no_row_and_is_logged_once_per_outage(
    db: Database,
    clock: FixedClock,
    config: Config,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        first = await filed(db, clock, config, "d-1")
        second = await filed(db, clock, config, "d-2")
        files = FileKeeper(db, clock, FolderStore(disk.folder), Channel(photos()), instance="p1")
        disk.fill()

        with caplog.at_level(logging.INFO, logger="bot.services.file_keeping"):
            assert await files.keep_due() == 6
            clock.advance(retry_delay(1))
            assert await files.keep_due() == 6

            waiting = await states(db, first) + await states(db, second)
            assert {(s.status, s.attempts) for s in waiting} == {("pending", 2)}
            assert all("No space left" in (s.last_error or "") for s in waiting)
            assert warnings(caplog) == ["file store not writable, files wait"]

            caplog.clear()
            disk.free()
            clock.advance(retry_delay(2))
            assert await files.keep_due() == 6

        kept = await states(db, first) + await states(db, second)
        assert {s.status for s in kept} == {"kept"}
        assert warnings(caplog) == ["file store writable again"]
        store = FolderStore(disk.folder)
        for reference, data in photos().items():
            assert await store.read(digest(data)) == data, reference
