"""The real `nghe-dan run` process in webhook mode: it registers its address and secret with
the (emulated) Bot API, answers an update posted with the secret, and refuses with 403 posts
without it or with a wrong one, which then change nothing; a post it cannot read is set aside
and answered 200, so Telegram does not post it again and again."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import aiohttp
import aiosqlite

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, handled, quarantined, shown_log
from tests.e2e.test_monitoring_process import get, monitoring
from tests.e2e.test_quarantine_process import unreadable_message

CITIZEN = 646401
SECRET = "xa-Son_Ninh-2026-webhook"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_mode(config_file: Path, port: int) -> str:
    url = f"http://127.0.0.1:{port}/telegram/nghe-dan"
    text = config_file.read_text(encoding="utf-8")
    for old, new in (
        ('mode = "polling"', 'mode = "webhook"'),
        ('webhook_url = ""', f'webhook_url = "{url}"'),
        ("port = 8443", f"port = {port}"),
        ('# secret_token = "doi-thanh-chuoi-ngau-nhien-dai-cua-xa"', f'secret_token = "{SECRET}"'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    config_file.write_text(text, encoding="utf-8")
    return url


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {} if secret is None else {HEADER: secret}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


async def processed(db_path: Path) -> list[int]:
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT update_id FROM processed_updates ORDER BY update_id") as cursor,
    ):
        return [int(row[0]) for row in await cursor.fetchall()]


async def test_webhook_answers_telegram_and_refuses_everyone_else(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    url = webhook_mode(config_file, free_port())
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    with shown_log(log):
        await bot.start()
        for _ in range(400):
            if emulator.webhook_url:
                break
            await asyncio.sleep(0.05)
        assert emulator.webhook_url == url
        assert emulator.webhook_secret == SECRET

        forged = emulator.user_sends_text(CITIZEN, "/start")
        wrong = emulator.user_sends_text(CITIZEN, "/start")
        real = emulator.user_sends_text(CITIZEN, "/start")
        assert await post(url, forged, None) == 403
        assert await post(url, wrong, "not-the-secret") == 403
        assert await post(url, real, SECRET) == 200
        await handled(db_path, real["update_id"])
        assert await bot.stop() == 0

    [welcome] = emulator.messages_to(CITIZEN)
    assert "Ông/bà có đồng ý không?" in welcome["text"]
    assert real["update_id"] in await processed(db_path)
    assert forged["update_id"] not in await processed(db_path)
    assert wrong["update_id"] not in await processed(db_path)
    assert "getUpdates" not in {method for method, _ in emulator.calls}
    assert SECRET not in log.read_text(encoding="utf-8")


async def test_a_post_that_cannot_be_read_is_set_aside_and_answered(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    url = webhook_mode(config_file, free_port())
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    unreadable = CITIZEN + 1
    with shown_log(log):
        await bot.start()
        for _ in range(400):
            if emulator.webhook_url:
                break
            await asyncio.sleep(0.05)
        bad = emulator.queue_raw_update("message", unreadable_message(unreadable))
        real = emulator.user_sends_text(CITIZEN, "/start")
        assert await post(url, bad, SECRET) == 200
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=b"{not json", headers={HEADER: SECRET}) as response,
        ):
            assert response.status == 200
        assert await post(url, real, SECRET) == 200
        await handled(db_path, real["update_id"])
        assert await bot.stop() == 0

    assert "Ông/bà có đồng ý không?" in emulator.messages_to(CITIZEN)[0]["text"]
    assert emulator.messages_to(unreadable) == []
    [(channel, update_id, raw, error), not_json] = await quarantined(db_path)
    assert (channel, update_id) == ("telegram", bad["update_id"])
    assert json.loads(raw) == bad
    assert error.startswith("TypeError")
    assert not_json[1:3] == (None, json.dumps("{not json"))
    assert bad["update_id"] not in await processed(db_path)


async def test_a_port_offset_moves_the_webhook_and_monitoring_of_one_process(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """Several processes share one config file behind nginx (deploy/): `--port-offset` gives
    this one its own ports, while Telegram is still told the shared public address."""
    base, moved = sorted((free_port(), free_port()))
    offset = moved - base
    url = webhook_mode(config_file, base)
    health = monitoring(config_file, free_port() - offset, enabled=True)
    health_port = int(health.rsplit(":", 1)[1]) + offset
    log = tmp_path / "bot.log"
    options = ("--instance", "b", "--port-offset", str(offset))
    bot = BotProcess(config_file, log, options=options)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    with shown_log(log):
        await bot.start()
        for _ in range(400):
            if emulator.webhook_url:
                break
            await asyncio.sleep(0.05)
        assert emulator.webhook_url == url
        update = emulator.user_sends_text(CITIZEN, "/start")
        assert await post(f"http://127.0.0.1:{moved}/telegram/nghe-dan", update, SECRET) == 200
        await handled(db_path, update["update_id"])
        # Healthy or not yet (the outbox's first tick), it answers there, as itself.
        _, _, body = await get(f"http://127.0.0.1:{health_port}/healthz")
        assert await bot.stop() == 0

    assert body["instance"] == "b"
    assert "Ông/bà có đồng ý không?" in emulator.messages_to(CITIZEN)[0]["text"]
