"""`nghe-dan demo` and `make run`'s fallback as a user starts them: the real process, stopped
with Ctrl-C (SIGINT) like a person at a terminal stops it."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import aiohttp
import pytest

from bot.config import load_config
from bot.texts import t
from localapi.demo import config_text
from tests.e2e.harness import interrupt, start_demo

CITIZEN = 200000001
ZALO_CITIZEN = "zd3f8a1c5e"
EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


async def test_demo_serves_the_web_chat_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    process, lines, url = await start_demo(log, "demo", "--port", "0", "--dir", str(tmp_path))
    try:
        assert any(f"mở {url} trong trình duyệt" in line for line in lines)
        async with aiohttp.ClientSession(url) as web:
            async with web.get("/chat/people") as response:
                people = await response.json()
            async with web.post(f"/chat/{CITIZEN}/text", json={"text": "/start"}):
                pass
            for _ in range(200):
                async with web.get(f"/chat/{CITIZEN}") as response:
                    messages = (await response.json())["messages"]
                if len(messages) > 1:
                    break
                await asyncio.sleep(0.05)
        assert "Kính chào ông/bà" in messages[1]["text"]
        async with aiohttp.ClientSession(url) as web:
            async with web.post(f"/chat/zalo/{ZALO_CITIZEN}/text", json={"text": "/start"}):
                pass
            for _ in range(200):
                async with web.get(f"/chat/zalo/{ZALO_CITIZEN}") as response:
                    zalo_messages = (await response.json())["messages"]
                if len(zalo_messages) > 1:
                    break
                await asyncio.sleep(0.05)
        assert "Kính chào ông/bà" in zalo_messages[1]["text"]
        assert (zalo_messages[0]["mine"], zalo_messages[0]["text"]) == (True, "/start")
    finally:
        assert await interrupt(process) == 0
    assert "Traceback" not in log.read_text(encoding="utf-8")

    config = load_config(tmp_path / "config.toml", environ={})
    assert str(config.telegram.base_url).rstrip("/") == url
    assert (tmp_path / "nghe-dan.sqlite3").exists()
    staffed = {officer.department for officer in config.officers}
    assert {department.id for department in config.departments} <= staffed
    assert config.zalo.enabled
    ids = [person["user_id"] for person in people]
    assert ids[:2] == [CITIZEN, ZALO_CITIZEN]
    assert [person["channel"] for person in people[:3]] == ["telegram", "zalo", "telegram"]
    assert sorted(ids[2:]) == sorted(officer.telegram_id for officer in config.officers)
    roles = [person["role"] for person in people]
    assert roles[:2] == ["Người dân", "Người dân (Zalo)"]
    assert roles[-2:] == ["Chủ tịch UBND xã", "Chủ tịch UBMTTQ xã"]


async def _greeting(url: str) -> str:
    """What the demo's citizen is told on /start."""
    async with aiohttp.ClientSession(url) as web:
        async with web.post(f"/chat/{CITIZEN}/text", json={"text": "/start"}):
            pass
        for _ in range(200):
            async with web.get(f"/chat/{CITIZEN}") as response:
                messages = (await response.json())["messages"]
            if len(messages) > 1:
                return str(messages[1]["text"])
            await asyncio.sleep(0.05)
    raise AssertionError("the demo's bot never greeted the citizen")


async def test_run_without_a_config_file_says_to_copy_the_example(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    log = tmp_path / "missing.log"
    process, lines, url = await start_demo(
        log, "run", "--demo-without-token", "--config", str(config), "--port", "0"
    )
    try:
        assert "cp config.example.toml" in lines[0]
        assert "copy config.example.toml" in lines[1]
        assert "UBND xã Sơn Ninh" in await _greeting(url)
    finally:
        assert await interrupt(process) == 0
    assert "Traceback" not in log.read_text(encoding="utf-8")


async def test_run_without_a_token_runs_the_demo_on_the_users_own_config(tmp_path: Path) -> None:
    """The commune's own file, not the example: its name, its officers, and no advice to copy
    a file that is already there, only where the token goes."""
    example = EXAMPLE.read_text("utf-8")
    assert tomllib.loads(example)["telegram"]["token"] == ""
    own = example.replace("UBND xã Sơn Ninh", "UBND xã Thạch Kim").replace(
        "Lê Văn Cường", "Đặng Văn Khoa"
    )
    config = tmp_path / "config.toml"
    config.write_text(own, encoding="utf-8")
    log = tmp_path / "own.log"
    process, lines, url = await start_demo(
        log, "run", "--demo-without-token", "--config", str(config), "--port", "0"
    )
    try:
        assert "cp config.example.toml" not in lines[0]
        assert "[telegram] token" in lines[0]
        assert str(config) in lines[0]
        assert "NGHE_DAN_TELEGRAM_TOKEN" in lines[1]
        assert "UBND xã Thạch Kim" in await _greeting(url)
        async with aiohttp.ClientSession(url) as web, web.get("/chat/people") as response:
            names = [person["name"] for person in await response.json()]
        assert "Đặng Văn Khoa" in names
        assert "Lê Văn Cường" not in names
        assert t("demo.stand_in_name", department="Công an xã") in names  # it had no officer
    finally:
        assert await interrupt(process) == 0
    assert "Traceback" not in log.read_text(encoding="utf-8")
    assert config.read_text(encoding="utf-8") == own  # the user's file is only read


def test_the_demo_config_refuses_an_example_it_cannot_redirect() -> None:
    example = EXAMPLE.read_text("utf-8")
    moved = example.replace('base_url = "https://api.telegram.org"', 'base_url = "https://x"')
    with pytest.raises(LookupError, match="base_url"):
        config_text(moved, "http://127.0.0.1:1", "http://127.0.0.1:2")
    no_zalo = example.replace("[zalo]", "[elsewhere]")
    with pytest.raises(LookupError, match="enabled"):
        config_text(no_zalo, "http://127.0.0.1:1", "http://127.0.0.1:2")
