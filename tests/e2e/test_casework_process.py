"""The whole loop with the real process: a citizen files, the right officer handles it by chat,
the citizen hears each step, answers a question, gets the result and rates it."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, handled, press, shown_log

CITIZEN = 515151
ECONOMY = 100000003  # the example config's officer of Phòng Kinh tế


async def test_citizen_officer_citizen(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    officer = Phone(emulator, db_path, ECONOMY)
    with shown_log(log):
        await bot.start()
        assert "Chào anh/chị Lê Văn Cường" in await officer.says("/start")
        receipt, code = await citizen.files_feedback(
            "Môi trường",
            "Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.",
            "Bờ kênh thôn Đông",
        )
        assert "Phòng Kinh tế" in receipt

        card = await officer.receives(f"Hồ sơ mới {code}")
        assert "Bãi rác tự phát" in card
        await officer.taps("Tiếp nhận")
        await citizen.receives("đã được thụ lý")
        await officer.taps("Yêu cầu bổ sung")
        await officer.says("Bãi rác ở đầu hay cuối bờ kênh?")
        await citizen.receives("Bãi rác ở đầu hay cuối bờ kênh?")
        await citizen.taps("Trả lời")
        await citizen.says("Ở cuối bờ kênh, gần cầu Đá.")
        await officer.receives("Ở cuối bờ kênh, gần cầu Đá.")
        await officer.taps("Giải quyết")
        await officer.says("Đã thu dọn bãi rác và đặt biển cấm đổ rác.")
        await officer.taps("Gửi kết quả")
        result = await citizen.receives("Kết quả: Đã thu dọn bãi rác")
        assert code in result
        await citizen.taps("Hài lòng")
        await officer.receives("hài lòng")
        await citizen.taps("Bỏ qua")
        assert await bot.stop() == 0

    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT action FROM ticket_events ORDER BY id") as cursor,
    ):
        actions = [row[0] async for row in cursor]
    assert actions == ["submitted", "accept", "ask", "citizen_reply", "resolve", "rate"]
    # Neither side saw the other's account: the officer's messages never name the citizen's id.
    assert all(str(CITIZEN) not in m.get("text", "") for m in emulator.messages_to(ECONOMY))
    assert all(str(ECONOMY) not in m.get("text", "") for m in emulator.messages_to(CITIZEN))


async def test_a_double_tap_on_unsatisfied_keeps_the_comment(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """Two presses queued together, as from an elderly citizen's slow phone: the second is
    answered kindly and the comment typed next still reaches the officer."""
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    officer = Phone(emulator, db_path, ECONOMY)
    with shown_log(log):
        await bot.start()
        await officer.says("/start")
        _, code = await citizen.files_feedback(
            "Môi trường", "Rác đổ trộm ở đầu ngõ 3, thôn Đông.", "Ngõ 3, thôn Đông"
        )
        await officer.receives(f"Hồ sơ mới {code}")
        await officer.taps("Tiếp nhận")
        await officer.taps("Giải quyết")
        await officer.says("Đã nhắc nhở hộ gia đình liên quan.")
        await officer.taps("Gửi kết quả")
        await citizen.receives("Kết quả: Đã nhắc nhở")
        first = press(emulator, CITIZEN, "Chưa hài lòng")
        second = press(emulator, CITIZEN, "Chưa hài lòng")
        await handled(db_path, first["update_id"])
        await handled(db_path, second["update_id"])
        thanks = await citizen.says("Rác vẫn còn, chưa ai đến dọn.")
        assert "Cảm ơn ông/bà đã góp ý" in thanks
        await officer.receives("Rác vẫn còn, chưa ai đến dọn.")
        assert await bot.stop() == 0

    [answer] = [
        a
        for a in emulator.callback_answers
        if a["callback_query_id"] == second["callback_query"]["id"]
    ]
    assert "đã đánh giá" in str(answer["text"])
    said = [m.get("text", "") for m in emulator.messages_to(CITIZEN)]
    assert not any("/hoso" in text or "chưa hiểu" in text for text in said)
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT rating, rating_comment, status FROM tickets") as cursor,
    ):
        assert [tuple(row) async for row in cursor] == [
            ("unsatisfied", "Rác vẫn còn, chưa ai đến dọn.", "reopened")
        ]
