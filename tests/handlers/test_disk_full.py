"""A full disk (tests/support/disk.py) while a citizen sends a case: a polite answer, one clear
log line, the database intact, and the draft still there to send once there is room again.

The content is longer than a database page once encoded, so filing it needs new pages.
SQLite only: the full disk is made with SQLite's own page limit, and PRAGMA integrity_check is
SQLite's; a test cannot fill a PostgreSQL server's disk without filling the machine's.
"""

from __future__ import annotations

import logging

import pytest

from bot.config import Config
from bot.texts import t
from storage.database import Database
from tests.conftest import SQLITE_ONLY
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats
from tests.support.disk import fill_the_disk, free_the_disk

pytestmark = SQLITE_ONLY

CITIZEN = 6101
CONTENT = "Cống thoát nước đầu thôn Bắc bị tắc, nước tràn vào nhà dân mỗi khi mưa. " * 50


async def test_a_full_disk_keeps_the_draft_and_says_so_politely(
    chats: Chats, config: Config, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, CONTENT)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    await chats.say(CITIZEN, "không cần")
    await fill_the_disk(db)

    with caplog.at_level(logging.ERROR):
        answer = await chats.tap(CITIZEN, "Gửi")

    assert [call.params["text"] for call in answer] == [t("error.busy")]
    assert "the disk holding the database or the file store is full" in caplog.text
    assert await rows(config, "SELECT code FROM tickets") == []
    assert await rows(config, "PRAGMA integrity_check") == [("ok",)]

    await free_the_disk(db)
    receipt = await chats.tap(CITIZEN, "Gửi")
    assert "SN-2026-00001" in str(receipt[-1].params["text"])
    assert await rows(config, "SELECT content FROM tickets") == [(CONTENT.strip(),)]
    assert await rows(config, "PRAGMA integrity_check") == [("ok",)]
