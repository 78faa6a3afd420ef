"""The real `nghe-dan run` process, through the Bot API emulator: a citizen files a case with two
photos and a voice note; the read-back counts the voice note, the officer receives the card and
all three files (the voice as a voice message), and the file keeper keeps all three by hash."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import pytest

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log
from tests.e2e.test_files_process import kept

CITIZEN = 454545
ECONOMY = 100000003  # officer, Phòng Kinh tế: the example routes Môi trường there
PHOTO_1 = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 bai rac ven song \xff\xd9"
PHOTO_2 = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 khoi bay vao nha \xff\xd9"
VOICE = b"OggS\x00\x02 toi ke lai viec dot rac moi toi"


async def officer_files(emu: BotApiEmulator, seconds: int = 20) -> list[dict[str, Any]]:
    """The photos and voice messages the officer received, once there are three."""
    files: list[dict[str, Any]] = []
    for _ in range(seconds * 20):
        files = [m for m in emu.messages_to(ECONOMY) if "photo" in m or "voice" in m]
        if len(files) >= 3:
            return files
        await asyncio.sleep(0.05)
    return files


@pytest.mark.slow
async def test_two_photos_and_a_voice_note_reach_the_officer_and_the_store(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    officer = Phone(emulator, db_path, ECONOMY)
    with shown_log(log):
        await bot.start()
        await officer.says("/start")  # so that Telegram lets the bot write to them
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        await citizen.taps("Gửi phản ánh")
        await citizen.taps("Phản ánh")
        await citizen.taps("Môi trường")
        await citizen.says("Bãi rác ven sông bị đốt mỗi tối, khói bay vào nhà dân.")
        await citizen.sends_photo(PHOTO_1)
        await citizen.sends_photo(PHOTO_2)
        assert "Đã nhận tin nhắn thoại (12 giây)" in await citizen.sends_voice(VOICE, 12)
        await citizen.says("xong")
        await citizen.says("Ven sông, thôn Đông")
        read_back = await citizen.taps("Không cần")
        assert "• Ảnh kèm theo: 2" in read_back
        assert "• 🎤 1 tin nhắn thoại (12 giây)" in read_back
        receipt = await citizen.taps("Gửi")
        code = receipt.split("Mã hồ sơ: ")[1].split()[0]
        card = await officer.receives(f"Hồ sơ mới {code}")
        files = await officer_files(emulator)
        stored = await kept(db_path)
        assert await bot.stop() == 0

    assert "🎤 1 tin nhắn thoại (12 giây):" in card
    assert [m.get("caption") for m in files] == [
        f"Ảnh 1 của hồ sơ {code}",
        f"Ảnh 2 của hồ sơ {code}",
        f"🎤 Tin nhắn thoại 1 của hồ sơ {code} (12 giây)",
    ]
    # The very voice note the citizen recorded (by its own id, or from the store once kept).
    assert emulator.file_bytes(files[2]["voice"]["file_id"]) == VOICE
    hashes = {hashlib.sha256(data).hexdigest() for data in (PHOTO_1, PHOTO_2, VOICE)}
    assert sorted(status for status, _ in stored) == ["kept"] * 3
    assert {sha for _, sha in stored} == hashes
