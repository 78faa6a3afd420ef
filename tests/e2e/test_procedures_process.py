"""Procedure guidance through the real bot process: a citizen types a search without
diacritics, gets the khai sinh answer, and presses for the documents to bring."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 727272


@pytest.mark.slow
async def test_a_typed_search_finds_khai_sinh_and_its_documents(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    database = config_file.parent / "data" / "nghe-dan.sqlite3"
    citizen = Phone(emulator, database, CITIZEN)
    with shown_log(log):
        await bot.start()
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        answer = await citizen.says("lam giay khai sinh")
        assert "📋 Đăng ký khai sinh" in answer
        assert "Miễn lệ phí" in answer
        documents = await citizen.taps("Xem giấy tờ cần mang")
        assert "Giấy tờ cần mang khi làm “Đăng ký khai sinh”" in documents
        assert "Giấy chứng sinh" in documents
        assert await bot.stop() == 0
    with sqlite3.connect(database) as conn:
        found = conn.execute("SELECT query, entry_id FROM guide_lookups").fetchall()
    assert found == [("khai sinh", "khai-sinh")]
