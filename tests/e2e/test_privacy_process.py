"""A citizen's erasure request through the real bot process: filed by chat, completed by the
Office from its notice's button, the citizen told, the identity gone from the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 626262
OFFICE = 100000002  # Văn phòng, the triage department of config.example.toml


async def test_erasure_requested_completed_and_told(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    database = config_file.parent / "data" / "nghe-dan.sqlite3"
    citizen = Phone(emulator, database, CITIZEN)
    office = Phone(emulator, database, OFFICE)
    with shown_log(log):
        await bot.start()
        await office.says("/viec")  # the officer has opened the chat with the bot
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        assert str(CITIZEN) in await citizen.says("/dulieu")
        assert "xác nhận" in await citizen.says("/xoadulieu")
        assert "Đã ghi nhận yêu cầu số 1" in await citizen.taps("Xác nhận xóa")
        await office.receives("Yêu cầu xóa dữ liệu cá nhân số 1")
        assert "Đã xóa dữ liệu" in await office.taps("Xóa dữ liệu ngay")
        await citizen.receives("đã xóa dữ liệu cá nhân")
        assert await bot.stop() == 0
    with sqlite3.connect(database) as conn:
        linked = conn.execute(
            "SELECT count(*) FROM people WHERE external_id = ?", (str(CITIZEN),)
        ).fetchone()
        done = conn.execute("SELECT completed_by IS NOT NULL FROM erasure_requests").fetchall()
    assert linked == (0,)
    assert done == [(1,)]
