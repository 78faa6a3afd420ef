"""The real `nghe-dan run` process with [web] on serves the public page and the Open311 API on
its port, and stops serving them when it stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, shown_log
from tests.e2e.test_monitoring_process import free_port, get


def web(config_file: Path, port: int) -> str:
    text = config_file.read_text(encoding="utf-8")
    section = text.index("[web]")
    head, tail = text[:section], text[section:]
    for old, new in (("enabled = false", "enabled = true"), ("port = 8080", f"port = {port}")):
        assert tail.count(old) >= 1, old
        tail = tail.replace(old, new, 1)
    config_file.write_text(head + tail, encoding="utf-8")
    return f"http://127.0.0.1:{port}"


async def test_the_running_bot_serves_the_public_page(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    base = web(config_file, free_port())
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    with shown_log(log):
        await bot.start()
        status, page = 0, ""
        for _ in range(100):  # the site starts once the bot reached Telegram
            try:
                status, page, _ = await get(f"{base}/")
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
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
