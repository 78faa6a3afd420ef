"""Telegram out of reach while the real bot process is sending an announcement: first every
request answers 502 Bad Gateway, then nothing listens at all. The bot keeps polling with its
backoff, the outbox waits without giving anything up, and once Telegram is back every
subscriber has the announcement exactly once and a message sent meanwhile is answered once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, handled, shown_log
from tests.e2e.test_announcement_process import both_shown, without_quiet_hours

CHAIRMAN = 100000001
READERS = (636301, 636302, 636303)
NEWCOMER = 636309
TEXT = "Thông báo cắt điện thôn Đông từ 07:00 đến 11:00 thứ Bảy để sửa đường dây."
POLL_FAILED = "Telegram unreachable while polling"


def one_send_a_second(config_file: Path) -> None:
    """Slow enough that the outage begins with most of the announcement still queued."""
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("max_per_second = 25", "max_per_second = 1"), "utf-8")


async def until(condition: str, check: object) -> None:
    for _ in range(600):
        if callable(check) and check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {condition}")


def texts_to(emulator: BotApiEmulator, user: int) -> list[str]:
    return [m.get("text", "") for m in emulator.messages_to(user)]


async def test_an_outage_loses_nothing_and_sends_nothing_twice(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    without_quiet_hours(config_file)
    one_send_a_second(config_file)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    chairman = Phone(emulator, db_path, CHAIRMAN)
    with shown_log(log):
        await bot.start()
        for user in READERS:
            reader = Phone(emulator, db_path, user)
            await reader.says("/start")
            await reader.taps("Đồng ý")
            assert "Đã bật nhận thông báo" in await reader.says("bật thông báo")
        await chairman.says("/thongbao")
        await chairman.says(TEXT)
        await chairman.taps("Gửi")
        await until("the first reader got it", lambda: TEXT in texts_to(emulator, READERS[0])[-1])

        emulator.fail_with(502)
        await until(
            "a send and a poll met the 502",
            lambda: {"sendMessage", "getUpdates"} <= set(emulator.failed_calls),
        )
        newcomer = emulator.user_sends_text(NEWCOMER, "/start")  # waits on Telegram's side
        await emulator.go_offline()
        emulator.fail_with(None)
        refused_from = log.read_text(encoding="utf-8").count(POLL_FAILED)
        await until(
            "two polls were refused",
            lambda: log.read_text(encoding="utf-8").count(POLL_FAILED) >= refused_from + 2,
        )
        await emulator.come_back()

        await handled(db_path, newcomer["update_id"])
        final = await chairman.receives("Đã gửi xong", seconds=60)
        assert "Đã gửi: 3" in final
        assert "Không gửi được: 0" in final
        await both_shown(emulator, final)
        assert await bot.stop() == 0

    for user in READERS:
        assert len([t for t in texts_to(emulator, user) if TEXT in t]) == 1, user
    [welcome] = emulator.messages_to(NEWCOMER)
    assert "Ông/bà có đồng ý không?" in welcome["text"]
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute(
            "SELECT count(*), count(sent_at), count(failed_at), max(attempts) FROM outbox"
        ) as cursor,
    ):
        total, sent, failed, attempts = await cursor.fetchone() or (0, 0, 0, 0)
    assert (sent, failed) == (total, 0)
    assert attempts >= 1, "the outbox met the outage"
    logged = log.read_text(encoding="utf-8")
    assert not [
        line for line in logged.splitlines() if " ERROR bot" in line or " ERROR handlers" in line
    ]
    assert "Bad Gateway" in logged


async def test_the_bot_waits_for_telegram_at_start(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """After a power cut the machine is often up before the network: the bot keeps trying
    instead of exiting, then serves what was sent meanwhile."""
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    await emulator.go_offline()
    with shown_log(log):
        await bot.start()
        await until(
            "two tries at start",
            lambda: log.read_text(encoding="utf-8").count("Telegram unreachable at start") >= 2,
        )
        assert bot.process is not None
        assert bot.process.returncode is None, "still running"
        waiting = emulator.user_sends_text(NEWCOMER, "/start")
        await emulator.come_back()
        await handled(db_path, waiting["update_id"])
        assert await bot.stop() == 0
    [welcome] = emulator.messages_to(NEWCOMER)
    assert "Ông/bà có đồng ý không?" in welcome["text"]
    assert [c["command"] for c in emulator.commands()][:2] == ["start", "guidon"]


async def test_a_bot_waiting_for_telegram_stops_when_told(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    await emulator.go_offline()
    with shown_log(log):
        await bot.start()
        await until(
            "a try at start",
            lambda: "Telegram unreachable at start" in log.read_text(encoding="utf-8"),
        )
        assert await bot.stop() == 0
