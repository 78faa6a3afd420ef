"""An announcement from the real bot process: subscribers get it once, the chairman watches the
progress message being edited by the job, then gets the final count."""

from __future__ import annotations

import asyncio
from pathlib import Path

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CHAIRMAN = 100000001
READER = 626201
BLOCKED = 626202
NOT_OPTED = 626203
TEXT = "Thông báo lịch thu gom rác mới: thứ Ba và thứ Sáu hằng tuần, từ 06:00."


def without_quiet_hours(config_file: Path) -> None:
    """The test runs at any hour: messages must not wait for the morning."""
    text = config_file.read_text(encoding="utf-8")
    text = text.replace('quiet_start = "21:00"', 'quiet_start = "00:00"')
    text = text.replace('quiet_end = "06:30"', 'quiet_end = "00:00"')
    config_file.write_text(text, encoding="utf-8")


async def both_shown(emulator: BotApiEmulator, final: str) -> None:
    """The edited progress message, then the final count as a message of its own (it goes
    through the outbox, a moment after the edit)."""
    for _ in range(400):
        if [m["text"] for m in emulator.messages_to(CHAIRMAN)].count(final) == 2:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the final count came once: {emulator.messages_to(CHAIRMAN)}")


async def test_an_announcement_reaches_subscribers_with_live_progress(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    without_quiet_hours(config_file)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    phones = {user: Phone(emulator, db_path, user) for user in (READER, BLOCKED, NOT_OPTED)}
    chairman = Phone(emulator, db_path, CHAIRMAN)
    with shown_log(log):
        await bot.start()
        for user, phone in phones.items():
            await phone.says("/start")
            await phone.taps("Đồng ý")
            if user != NOT_OPTED:
                assert "Đã bật nhận thông báo" in await phone.says("bật thông báo")
        emulator.block_chat(BLOCKED)

        assert "Xin gõ nội dung thông báo" in await chairman.says("/thongbao")
        preview = await chairman.says(TEXT)
        assert "đến 2 người dân" in preview
        assert "Bắt đầu gửi thông báo đến 2 người" in await chairman.taps("Gửi")

        got = await phones[READER].receives(TEXT)
        assert got.endswith(TEXT)
        final = await chairman.receives("Đã gửi xong", seconds=30)
        assert "Đã gửi: 1" in final
        assert "Không gửi được: 1" in final
        await both_shown(emulator, final)
        assert await bot.stop() == 0

    shown = emulator.messages_to(CHAIRMAN)
    [progress] = [m for m in shown if "edit_date" in m and "thông báo số" in m["text"]]
    assert progress["text"] == final, "the progress message was edited to the final count"
    assert [m["text"] for m in shown].count(final) == 2, "and the final count came as a message"
    assert [m["text"] for m in emulator.messages_to(READER)].count(got) == 1
    assert not any(TEXT in m.get("text", "") for m in emulator.messages_to(NOT_OPTED))
    tried = [
        params
        for method, params in emulator.calls
        if method == "sendMessage" and str(params.get("chat_id")) == str(BLOCKED)
    ]
    assert len([p for p in tried if TEXT in str(p.get("text"))]) == 1, "a blocked chat: once"
    assert "not modified" not in log.read_text(encoding="utf-8")
