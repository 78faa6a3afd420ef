"""A subscribed citizen receives a reception reminder from the real bot process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import WorkCalendar
from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log

CITIZEN = 616161


def with_session_soon(config_file: Path) -> str:
    """Add a one-off session starting in about three minutes, reminded a minute before; let the
    bot look for due reminders every second with no quiet hours."""
    soon = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(minutes=3)
    start = soon.strftime("%H:%M")
    if start >= "23:59":
        pytest.skip("no room for a session before midnight")
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("tick_seconds = 30", "tick_seconds = 1")
    text = text.replace('quiet_start = "21:00"', 'quiet_start = "00:00"')
    text = text.replace('quiet_end = "06:30"', 'quiet_end = "00:00"')
    if not WorkCalendar().is_working_day(soon.date()):
        # A session on a day off would move to the next working day: open the office today.
        text = text.replace(
            "extra_working_days = []", f"extra_working_days = [{soon.date().isoformat()}]"
        )
    text += f"""
[[reception]]
id = "thu-nghiem"
title = "Buổi tiếp thử nghiệm"
place = "Hội trường UBND xã"
rule = "once"
date = {soon.date().isoformat()}
start = "{start}"
end = "23:59"
remind_before = ["1m"]
"""
    config_file.write_text(text, encoding="utf-8")
    return soon.strftime("%d/%m/%Y")


async def test_subscriber_gets_the_reminder(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    day = with_session_soon(config_file)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, config_file.parent / "data" / "nghe-dan.sqlite3", CITIZEN)
    with shown_log(log):
        await bot.start()
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        assert "Đã bật nhắc lịch" in await citizen.says("/dangky")
        schedule = await citizen.says("/lich")
        assert "Buổi tiếp thử nghiệm" in schedule
        # The reminder is planned at start-up (before the citizen subscribed): it reaches
        # whoever is subscribed when it fires, within about a minute.
        reminder = await citizen.receives("Nhắc lịch tiếp công dân", seconds=150)
        assert "Buổi tiếp thử nghiệm" in reminder
        assert day in reminder
        assert await bot.stop() == 0
    reminders = [
        m for m in emulator.messages_to(CITIZEN) if "Nhắc lịch tiếp công dân" in m.get("text", "")
    ]
    assert len(reminders) == 1
