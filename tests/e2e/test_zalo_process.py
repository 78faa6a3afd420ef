"""The Zalo channel through the real `nghe-dan run` process, against both emulators: a Zalo
citizen files a case by typed numbers, a Telegram officer resolves it, the citizen gets the
result on Zalo and rates it; re-delivered updates are handled once; the Zalo webhook refuses
posts without its secret."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiosqlite
import pytest

from bot.config import ZALO_SECRET_ENV, ZALO_TOKEN_ENV
from localapi import BotApiEmulator
from localapi.zalo import ZaloApiEmulator
from localapi.zalo.media import TINY_JPEG
from tests.e2e.harness import (
    BotProcess,
    Phone,
    ZaloPhone,
    quarantined,
    shown_log,
    zalo_handled,
)
from tests.handlers.test_zalo_chat import telegram_words

ZALO_TOKEN = "123:zalo-test"
CITIZEN = "zu5b1e77c0"
ECONOMY = 100000003  # the example config's officer of Phòng Kinh tế, on Telegram
SECRET = "xa-Son_Ninh-zalo-2026"


@pytest.fixture
async def zalo_emulator() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=ZALO_TOKEN) as emu:
        yield emu


def with_zalo(config_file: Path, zalo: ZaloApiEmulator, *edits: tuple[str, str]) -> None:
    text = config_file.read_text(encoding="utf-8")
    for old, new in (
        ("enabled = false", "enabled = true"),
        ('base_url = "https://bot-api.zaloplatforms.com"', f'base_url = "{zalo.base_url}"'),
        *edits,
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    config_file.write_text(text, encoding="utf-8")


async def officer_photo(emulator: BotApiEmulator) -> bytes:
    """The bytes of the first photo the officer received (it follows the case card)."""
    for _ in range(400):
        photos = [m["photo"] for m in emulator.messages_to(ECONOMY) if m.get("photo")]
        if photos:
            return emulator.file_bytes(photos[0][-1]["file_id"])
        await asyncio.sleep(0.05)
    raise AssertionError("the officer got no photo")


async def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    async with aiosqlite.connect(db_path) as conn, conn.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_a_zalo_citizen_and_a_telegram_officer(
    emulator: BotApiEmulator, zalo_emulator: ZaloApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    with_zalo(config_file, zalo_emulator)
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log, environ={ZALO_TOKEN_ENV: ZALO_TOKEN})
    citizen = ZaloPhone(zalo_emulator, db_path, CITIZEN)
    officer = Phone(emulator, db_path, ECONOMY)
    with shown_log(log):
        await bot.start()
        assert "Chào anh/chị Lê Văn Cường" in await officer.says("/start")
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        assert "Cảm ơn ông/bà đã đồng ý" in await citizen.picks("Đồng ý")
        again = zalo_emulator.redeliver_last(CITIZEN)  # Zalo retries the same message
        await citizen.picks("Gửi phản ánh")
        await citizen.picks("Phản ánh")
        await citizen.picks("Môi trường")
        await citizen.says("Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.")
        assert "Đã nhận ảnh 1/" in await citizen.sends_image()
        assert "gõ địa điểm" in await citizen.picks("Xong, sang bước tiếp")
        await citizen.says("Bờ kênh thôn Đông")
        await citizen.picks("Không cần")
        receipt = await citizen.picks("Gửi")
        code = receipt.split("Mã hồ sơ: ")[1].split()[0]

        card = await officer.receives(f"Hồ sơ mới {code}")
        assert "Bãi rác tự phát" in card
        photo = await officer_photo(emulator)
        assert photo == TINY_JPEG, "the officer on Telegram sees the photo sent on Zalo"
        await officer.taps("Tiếp nhận")
        await citizen.receives("đã được thụ lý")
        await officer.taps("Giải quyết")
        await officer.says("Đã thu dọn bãi rác và đặt biển cấm đổ rác.")
        await officer.taps("Gửi kết quả")
        result = await citizen.receives("Kết quả: Đã thu dọn bãi rác")
        assert code in result
        assert "1. 👍 Hài lòng" in result
        await citizen.says("1")
        await officer.receives("hài lòng")
        await zalo_handled(db_path, f"message.text.received:{again}")
        assert await bot.stop() == 0

    actions = await rows(db_path, "SELECT action FROM ticket_events ORDER BY id")
    # The file keeper records the kept photo whenever its job comes round (test_files_process).
    steps = [action for action in actions if action != ("file_kept",)]
    assert steps == [("submitted",), ("accept",), ("resolve",), ("rate",)]
    people = await rows(db_path, "SELECT channel, external_id FROM people WHERE consent_at > ''")
    assert people == [("zalo", CITIZEN)]
    # The consent given twice (the re-delivery) was recorded once, and answered once.
    thanks = [s for s in zalo_emulator.sent_to(CITIZEN) if "Cảm ơn ông/bà đã đồng ý" in s.text]
    assert len(thanks) == 1
    assert telegram_words(zalo_emulator) == [], "nothing says to press a button or names Telegram"
    assert all(ZALO_TOKEN not in line for line in log.read_text(encoding="utf-8").splitlines())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_zalo_webhook_refuses_a_wrong_secret(
    emulator: BotApiEmulator, zalo_emulator: ZaloApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo/nghe-dan"
    with_zalo(
        config_file,
        zalo_emulator,
        ('# mode = "webhook"', 'mode = "webhook"'),
        ('# webhook_url = "https://bot.xa.gov.vn/zalo"', f'webhook_url = "{url}"'),
        ("port = 8444", f"port = {port}"),
    )
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    environ = {ZALO_TOKEN_ENV: ZALO_TOKEN, ZALO_SECRET_ENV: SECRET}
    bot = BotProcess(config_file, log, environ=environ)
    citizen = ZaloPhone(zalo_emulator, db_path, CITIZEN)
    with shown_log(log):
        await bot.start()
        for _ in range(400):
            if zalo_emulator.webhook_url:
                break
            await asyncio.sleep(0.05)
        assert zalo_emulator.webhook_url == url
        forged = {
            "event_name": "message.text.received",
            "message": {
                "message_id": "forged-1",
                "from": {"id": CITIZEN, "display_name": "Kẻ giả", "is_bot": False},
                "chat": {"id": CITIZEN, "chat_type": "PRIVATE"},
                "date": 1764300000000,
                "text": "/start",
            },
        }
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"X-Bot-Api-Secret-Token": "not-the-secret"}):
                async with session.post(url, json=forged, headers=headers) as response:
                    assert response.status == 403
            # With the secret, a body that is not JSON is set aside and answered, not retried.
            headers = {"X-Bot-Api-Secret-Token": SECRET}
            async with session.post(url, data=b"{not json", headers=headers) as response:
                assert response.status == 200
        zalo_emulator.queue_raw_event({"event_name": "user.follow"})  # pushed by the emulator
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        assert await bot.stop() == 0
    assert await rows(db_path, "SELECT event_key FROM inbox WHERE event_key LIKE '%forged%'") == []
    assert [row[2] for row in await quarantined(db_path)] == [
        json.dumps("{not json"),
        json.dumps({"event_name": "user.follow"}),
    ]
    assert zalo_emulator.webhook.failed == []
    assert SECRET not in log.read_text(encoding="utf-8")


async def test_a_zalo_event_that_cannot_be_read_is_set_aside(
    emulator: BotApiEmulator, zalo_emulator: ZaloApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    with_zalo(config_file, zalo_emulator)
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log, environ={ZALO_TOKEN_ENV: ZALO_TOKEN})
    citizen = ZaloPhone(zalo_emulator, db_path, CITIZEN)
    # No sender and no message id: nobody to answer and nothing to tell it apart by.
    bad = {"event_name": "message.text.received", "message": {"text": "Đèn đường hỏng"}}
    with shown_log(log):
        await bot.start()
        zalo_emulator.queue_raw_event(bad)
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        assert await bot.stop() == 0

    [(channel, update_id, raw, error)] = await quarantined(db_path)
    assert (channel, update_id) == ("zalo", None)
    assert json.loads(raw) == bad
    assert error
    assert all(
        "Đèn đường hỏng" not in line for line in log.read_text(encoding="utf-8").splitlines()
    )
