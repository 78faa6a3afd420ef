"""The real `nghe-dan run` process with [monitoring] on: after a citizen files a case, /metrics
counts the updates and the open case, and /healthz says the database and the outbox are fine;
with [monitoring] off, nothing listens on its port."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 737301
UPDATES_TO_FILE = 10  # what Phone.files_feedback sends


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def monitoring(config_file: Path, port: int, *, enabled: bool) -> str:
    text = config_file.read_text(encoding="utf-8")
    section = text.index("[monitoring]")
    head, tail = text[:section], text[section:]
    for old, new in (
        ("# enabled = true", f"enabled = {str(enabled).lower()}"),
        ("9464", str(port)),
    ):
        assert tail.count(old) == 1, old
        tail = tail.replace(old, new, 1)
    config_file.write_text(head + tail, encoding="utf-8")
    return f"http://127.0.0.1:{port}"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def get(url: str) -> tuple[int, str, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, text, body


async def test_metrics_and_health_of_a_running_bot(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    base = monitoring(config_file, free_port(), enabled=True)
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    with shown_log(log):
        await bot.start()
        await citizen.files_feedback(
            "Môi trường", "Rác thải đổ trộm ở đầu ngõ 3 thôn Đông.", "Ngõ 3"
        )
        # The last update is counted just after it is marked handled: wait for it.
        handled = (
            "nghe_dan_updates_handled_total",
            (("channel", "telegram"), ("outcome", "handled")),
        )
        for _ in range(100):
            _, text, _ = await get(f"{base}/metrics")
            found = samples(text)
            if found.get(handled, 0) >= UPDATES_TO_FILE:
                break
            await asyncio.sleep(0.05)
        assert found[handled] >= UPDATES_TO_FILE
        assert found[("nghe_dan_update_handling_seconds_count", ())] >= UPDATES_TO_FILE
        assert found[("nghe_dan_open_cases", ())] == 1
        assert found[("nghe_dan_overdue_cases", ())] == 0
        assert ("nghe_dan_outbox_backlog", ()) in found
        assert str(CITIZEN) not in text
        assert "SN-" not in text
        for _ in range(100):  # the outbox job's first tick comes 1 s after the start
            status, _, body = await get(f"{base}/healthz")
            if status == 200:
                break
            await asyncio.sleep(0.05)
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["database"] == "ok"
        assert bot.process is not None
        assert body["instance"].endswith(f"-{bot.process.pid}")
        assert body["last_outbox_tick_age_seconds"] is not None
        assert body["last_poll_age_seconds"] is not None
        assert await bot.stop() == 0


async def test_nothing_listens_when_monitoring_is_off(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    base = monitoring(config_file, free_port(), enabled=False)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, config_file.parent / "data" / "nghe-dan.sqlite3", CITIZEN)
    with shown_log(log):
        await bot.start()
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        with pytest.raises(aiohttp.ClientConnectorError):
            await get(f"{base}/healthz")
        assert await bot.stop() == 0
