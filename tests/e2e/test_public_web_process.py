"""The real `nghe-dan run` process with [web] on serves the public page and the Open311 API on
its port, and stops serving them when it stops; a system with its key files a case by
Open311's POST, and the officer on Telegram gets its card as for a chat case."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log
from tests.e2e.test_monitoring_process import free_port, get

KEY_ENV = "NGHE_DAN_KEY_IOC"
KEY = "k-e2e-5d1f0a"
CLIENT = f'\n[[web.clients]]\nname = "trung-tam-ioc"\nkey_env = "{KEY_ENV}"\n'
ECONOMY = 100000003


def web(config_file: Path, port: int) -> str:
    text = config_file.read_text(encoding="utf-8")
    section = text.index("[web]")
    head, tail = text[:section], text[section:]
    edits = (
        ("[web]\n", "[web]\nenabled = true\n"),
        ("port = 8080", f"port = {port}"),
        ('base_url = ""\n', 'base_url = ""\n' + CLIENT),
    )
    for old, new in edits:
        assert tail.count(old) >= 1, old
        tail = tail.replace(old, new, 1)
    config_file.write_text(head + tail, encoding="utf-8")
    return f"http://127.0.0.1:{port}"


async def up(base: str) -> None:
    for _ in range(100):  # the site starts once the bot reached Telegram
        try:
            await get(f"{base}/")
            return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError("the public page never answered")


async def test_the_running_bot_serves_the_public_page(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    base = web(config_file, free_port())
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log, environ={KEY_ENV: KEY})
    with shown_log(log):
        await bot.start()
        await up(base)
        status, page, _ = await get(f"{base}/")
        assert status == 200
        assert 'lang="vi"' in page
        status, _, services = await get(f"{base}/open311/v2/services.json")
        assert status == 200
        assert services[0]["type"] == "realtime"
        assert await bot.stop() == 0
    try:
        await get(f"{base}/")
    except aiohttp.ClientConnectionError:
        return
    raise AssertionError("the public page still answers after the bot stopped")


async def test_a_case_posted_by_another_system_reaches_the_officer(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    base = web(config_file, free_port())
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log, environ={KEY_ENV: KEY})
    officer = Phone(emulator, config_file.parent / "data" / "nghe-dan.sqlite3", ECONOMY)
    form = {
        "api_key": KEY,
        "service_code": "moi-truong",
        "description": "Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.",
        "address_string": "Bờ kênh thôn Đông",
        "first_name": "Hoàng",
        "last_name": "Văn Tám",
        "phone": "0912345678",
    }
    with shown_log(log):
        await bot.start()
        await officer.says("/start")
        await up(base)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{base}/open311/v2/requests.json", data=form) as response,
        ):
            assert response.status == 201
            [answer] = await response.json()
        code = answer["service_request_id"]
        card = await officer.receives(f"Hồ sơ mới {code}")
        assert "Bãi rác tự phát" in card
        status, _, [shown] = await get(f"{base}/open311/v2/requests/{code}.json")
        assert status == 200
        assert shown["status"] == "open"
        assert "0912345678" not in str(shown)
        assert await bot.stop() == 0
    assert KEY not in log.read_text(encoding="utf-8")
