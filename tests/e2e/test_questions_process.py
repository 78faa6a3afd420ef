"""❓ Hỏi xã through the real process: a citizen asks, the Office answers, the citizen rates, the
officer proposes the FAQ entry, the chairman approves it, and the next citizen asking the same
thing without diacritics, straight away, is answered at once, nothing filed."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

pytestmark = pytest.mark.slow

CITIZEN = 525252
NEXT_CITIZEN = 535353
OFFICE = 100000002  # the example config's Văn phòng officer (triage)
CHAIRMAN = 100000001  # leader
QUESTION = "Bao giờ xã phát gạo cho các hộ bị lũ ạ?"
ANSWER = "Xã phát gạo tại nhà văn hóa các thôn vào sáng thứ Bảy tuần này."


async def test_asked_answered_rated_approved_and_found_by_the_next_citizen(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    neighbour = Phone(emulator, db_path, NEXT_CITIZEN)
    officer = Phone(emulator, db_path, OFFICE)
    chairman = Phone(emulator, db_path, CHAIRMAN)
    with shown_log(log):
        await bot.start()
        await officer.says("/start")
        await chairman.says("/start")
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        offer = await citizen.says(QUESTION)
        assert "Gửi câu hỏi này cho xã" in str(emulator.messages_to(CITIZEN)[-1])
        assert QUESTION in offer
        assert QUESTION in await citizen.says("1")
        receipt = await citizen.taps("Gửi câu hỏi")
        code = receipt.split("Mã: ")[1].split()[0]

        card = await officer.receives(code)
        assert QUESTION in card
        await officer.taps("Trả lời", on=code)
        await officer.says(ANSWER)
        await officer.taps("Gửi kết quả")
        assert ANSWER in await citizen.receives("Xã trả lời câu hỏi")
        await citizen.taps("Hài lòng")
        await officer.taps("Thêm vào hỏi đáp")
        proposal = await chairman.receives("Đề nghị thêm vào mục hỏi đáp")
        assert ANSWER in proposal
        await chairman.taps("Duyệt", on="hỏi đáp")

        await neighbour.says("/start")
        await neighbour.taps("Đồng ý")
        # Typed straight away, without diacritics and without the menu.
        found = await neighbour.says("bao gio xa phat gao cho cac ho bi lu")
        assert ANSWER in found
        await neighbour.taps("Đã rõ")
        assert await bot.stop() == 0

    async with aiosqlite.connect(db_path) as conn:
        async with conn.execute("SELECT kind, status, rating FROM tickets") as cursor:
            assert [tuple(r) async for r in cursor] == [("question", "resolved", "satisfied")]
        async with conn.execute("SELECT status, decided_by IS NOT NULL FROM faq_entries") as cur:
            assert [tuple(r) async for r in cur] == [("approved", 1)]
        async with conn.execute("SELECT action FROM ticket_events ORDER BY id") as cursor:
            actions = [row[0] async for row in cursor]
    assert actions == ["submitted", "answer", "rate", "faq_proposed", "faq_approved"]
