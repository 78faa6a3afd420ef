"""A leader asks the real process for this month's report and gets the summary, a workbook that
opens in openpyxl with the case in it, and a PNG chart."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 525252
CHAIRMAN = 100000001
PNG = b"\x89PNG\r\n\x1a\n"


async def test_a_leader_gets_the_report_by_chat(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    chairman = Phone(emulator, db_path, CHAIRMAN)
    with shown_log(log):
        await bot.start()
        _, code = await citizen.files_feedback(
            "Môi trường",
            "Cống thoát nước đầu ngõ xóm Chùa bị tắc, nước tràn vào nhà dân.",
            "Đầu ngõ xóm Chùa",
        )

        assert "cần báo cáo kỳ nào" in await chairman.says("/baocao")
        answer = await chairman.taps("Tháng này")
        assert "Tổng số hồ sơ nhận: 1" in answer
        assert "Môi trường: 1" in answer
        sent = emulator.messages_to(CHAIRMAN)
        [document] = [m["document"] for m in sent if "document" in m]
        assert document["file_name"].endswith(".xlsx")
        book = load_workbook(io.BytesIO(emulator.file_bytes(document["file_id"])))
        cells = [c.value for row in book.worksheets[1].iter_rows() for c in row]
        assert code in cells
        [photo] = [m["photo"] for m in sent if "photo" in m]
        assert emulator.file_bytes(photo[-1]["file_id"]).startswith(PNG)
        assert await bot.stop() == 0
