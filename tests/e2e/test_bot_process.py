"""The real `nghe-dan run` process against a Bot API emulator on 127.0.0.1.

A citizen files a case as on a phone; the bot is killed with SIGKILL half-way, started again,
and the citizen finishes the case and looks it up.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import aiosqlite

from localapi import BotApiEmulator
from tests.conftest import TOKEN
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 424242


async def test_file_a_case_across_a_kill_and_look_it_up(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    emu = emulator
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emu, db_path, CITIZEN)
    content = "Rác thải đổ trộm ở đầu ngõ 3 thôn Đông đã một tuần chưa dọn."
    with shown_log(log):
        await bot.start()
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        assert "Ông/bà cần gì ạ?" in await citizen.taps("Đồng ý")
        await citizen.taps("Gửi phản ánh")
        await citizen.taps("Phản ánh")
        assert "Xin ông/bà viết nội dung" in await citizen.taps("Môi trường")
        assert "Ông/bà có ảnh" in await citizen.says(content)

        await bot.kill()
        assert bot.process is not None
        assert bot.process.returncode == -signal.SIGKILL
        await bot.start()

        assert "Sự việc xảy ra ở đâu?" in await citizen.taps("Không có ảnh")
        await citizen.says("Đầu ngõ 3, thôn Đông")
        summary = await citizen.taps("Không cần")
        assert content in summary
        receipt = await citizen.taps("Gửi")
        found = re.search(r"Mã hồ sơ: (SN-\d{4}-00001)", receipt)
        assert found, receipt
        code = found.group(1)
        # Telegram delivers the confirmation again (as after a crash before confirming it):
        # the next answer shows it changed nothing.
        emu.redeliver(citizen.last_update["update_id"])
        listing = await citizen.says("/tracuu")
        assert f"{code} · Phản ánh · Đã tiếp nhận" in listing
        assert "Đã gửi đơn thành công" not in listing
        assert await bot.stop() == 0

    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT code, content, place FROM tickets") as cursor,
    ):
        stored = await cursor.fetchall()
    assert [tuple(r) for r in stored] == [(code, content, "Đầu ngõ 3, thôn Đông")]
    commands = [c["command"] for c in emu.commands()]
    assert commands == [
        "start",
        "guidon",
        "tracuu",
        "lich",
        "dangky",
        "huydangky",
        "thongbao",
        "dulieu",
        "xoadulieu",
        "huy",
        "trogiup",
    ]
    assert TOKEN not in log.read_text(encoding="utf-8")
