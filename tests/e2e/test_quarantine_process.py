"""The real `nghe-dan run` process polling a Bot API that sends one update python-telegram-bot
cannot read (a newer field, a self-hosted server's quirk): the updates around it are answered,
it is set aside with its raw JSON, the offset moves past it, and its chat gets nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from localapi import BotApiEmulator
from localapi.errors import JSON
from tests.e2e.harness import BotProcess, handled, quarantined, shown_log

BEFORE, UNREADABLE, AFTER = 525201, 525202, 525203
WRITTEN = "Đèn đường thôn Bắc hỏng đã ba hôm"
WELCOME = "Ông/bà có đồng ý không?"


def unreadable_message(user_id: int) -> JSON:
    """A message whose date is a word: python-telegram-bot fails on it with a TypeError."""
    person = {"id": user_id, "is_bot": False, "first_name": "Lan"}
    return {
        "message_id": 1,
        "date": "hôm qua",
        "chat": {**person, "type": "private"},
        "from": person,
        "text": WRITTEN,
    }


def polls_after(emulator: BotApiEmulator, start: int) -> list[int]:
    """The offsets of the getUpdates calls made since call number `start`."""
    return [
        int(params.get("offset", 0))
        for method, params in emulator.calls[start:]
        if method == "getUpdates"
    ]


async def test_an_unreadable_update_between_two_is_set_aside(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    with shown_log(log):
        await bot.start()
        await asyncio.wait_for(emulator.polled.wait(), 30)
        start = len(emulator.calls)
        # One batch: nothing awaits in between, so the long poll answers all three at once.
        before = emulator.user_sends_text(BEFORE, "/start")
        bad = emulator.queue_raw_update("message", unreadable_message(UNREADABLE))
        after = emulator.user_sends_text(AFTER, "/start")
        await handled(db_path, after["update_id"])
        await handled(db_path, before["update_id"])
        await emulator.wait_until_confirmed()
        assert await bot.stop() == 0

    assert WELCOME in emulator.messages_to(BEFORE)[0]["text"]
    assert WELCOME in emulator.messages_to(AFTER)[0]["text"]
    assert emulator.messages_to(UNREADABLE) == []
    [(channel, update_id, raw, error)] = await quarantined(db_path)
    assert (channel, update_id) == ("telegram", bad["update_id"])
    assert json.loads(raw) == bad
    assert error.startswith("TypeError")
    # Fetched by one poll (the one in flight when it came), never by another.
    assert sum(offset <= bad["update_id"] for offset in polls_after(emulator, start)) <= 1
    lines = log.read_text(encoding="utf-8").splitlines()
    said = [line for line in lines if str(bad["update_id"]) in line and "TypeError" in line]
    assert len(said) == 1, "logged once, with its id and the error's class"
    assert all(WRITTEN not in line for line in lines), "what the person wrote is not logged"


async def test_an_unreadable_update_last_in_its_batch_is_not_fetched_again(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    with shown_log(log):
        await bot.start()
        await asyncio.wait_for(emulator.polled.wait(), 30)
        start = len(emulator.calls)
        before = emulator.user_sends_text(BEFORE, "/start")
        bad = emulator.queue_raw_update("message", unreadable_message(UNREADABLE))
        await handled(db_path, before["update_id"])
        # Confirmed only by an offset above the unreadable update, though it was last.
        await emulator.wait_until_confirmed()
        after = emulator.user_sends_text(AFTER, "/start")
        await handled(db_path, after["update_id"])
        assert await bot.stop() == 0

    assert WELCOME in emulator.messages_to(AFTER)[0]["text"]
    assert emulator.messages_to(UNREADABLE) == []
    assert [row[:2] for row in await quarantined(db_path)] == [("telegram", bad["update_id"])]
    assert sum(offset <= bad["update_id"] for offset in polls_after(emulator, start)) <= 1
