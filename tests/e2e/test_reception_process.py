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
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def minute_after(moment: datetime) -> datetime:
    """The first whole minute after `moment`: schedules are in HH:MM, and waiting for the
    nearest one that leaves room for the test's own steps keeps the wait under two minutes."""
    return (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)


def with_session_soon(config_file: Path) -> str:
    """Add a one-off session reminded a minute before it starts, the reminder due at the first
    whole minute at least 30 s away (time to subscribe first); let the bot look for due
    reminders every second with no quiet hours."""
    soon = minute_after(datetime.now(ZONE) + timedelta(seconds=30)) + timedelta(minutes=1)
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
        assert "Đã bật nhắc lịch" in await citizen.says("bật nhắc lịch")
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


HOST = 100000001  # the chairman in config.example.toml
NEIGHBOUR = 616162


def with_list_soon(config_file: Path) -> None:
    """A session tomorrow hosted by the chairman, whose list of bookings goes out at the first
    whole minute at least 40 s away (time to book and cancel first); the bot looks for due
    reminders every second, with no quiet hours."""
    now = datetime.now(ZONE)
    soon = minute_after(now + timedelta(seconds=40))
    if soon.date() != now.date():
        pytest.skip("no room for the evening list before midnight")
    tomorrow = now.date() + timedelta(days=1)
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("tick_seconds = 30", "tick_seconds = 1")
    text = text.replace('quiet_start = "21:00"', 'quiet_start = "00:00"')
    text = text.replace('quiet_end = "06:30"', 'quiet_end = "00:00"')
    text = text.replace('bookings_at = "18:00"', f'bookings_at = "{soon.strftime("%H:%M")}"')
    if not WorkCalendar().is_working_day(tomorrow):
        # A session on a day off would move to the next working day: open the office then.
        text = text.replace("extra_working_days = []", f"extra_working_days = [{tomorrow}]")
    text += f"""
[[reception]]
id = "thu-nghiem"
title = "Buổi tiếp thử nghiệm"
place = "Hội trường UBND xã"
host = {HOST}
rule = "once"
date = {tomorrow.isoformat()}
start = "07:30"
end = "11:00"
"""
    config_file.write_text(text, encoding="utf-8")


async def books(phone: Phone, topic: str) -> str:
    await phone.says("/start")
    await phone.taps("Đồng ý")
    assert "buổi tiếp nào" in await phone.says("/dangky")
    rows = phone.emu.messages_to(phone.user)[-1]["reply_markup"]["inline_keyboard"]
    assert any("Buổi tiếp thử nghiệm" in button["text"] for row in rows for button in row)
    assert "việc gì" in await phone.says("thu nghiem")
    return await phone.says(topic)


async def test_a_booking_by_command_is_marked_cancelled_and_left_off_the_hosts_list(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    with_list_soon(config_file)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    citizen = Phone(emulator, db_path, CITIZEN)
    neighbour = Phone(emulator, db_path, NEIGHBOUR)
    host = Phone(emulator, db_path, HOST)
    with shown_log(log):
        await bot.start()
        await host.says("/start")  # Telegram delivers only to a chat the person opened
        assert "Đã đăng ký gặp" in await books(citizen, "Hỏi về việc cấp sổ đỏ.")
        assert "Đã đăng ký gặp" in await books(neighbour, "Xin xác nhận hộ nghèo.")
        schedule = await citizen.says("/lich")
        marked = next(line for line in schedule.splitlines() if "Buổi tiếp thử nghiệm" in line)
        assert "✅ Ông/bà đã đăng ký gặp" in marked
        asked = await citizen.taps("Hủy đăng ký: ")
        assert "Hủy đăng ký gặp buổi" in asked
        assert "Buổi tiếp thử nghiệm" in asked
        assert "Đã hủy đăng ký gặp" in await citizen.taps("1. Hủy đăng ký")
        assert "✅" not in await citizen.says("/lich")
        listed = await host.receives("Danh sách đăng ký", seconds=180)
        assert "Buổi tiếp thử nghiệm" in listed
        assert "Số người: 1" in listed
        assert "Xin xác nhận hộ nghèo." in listed
        assert "sổ đỏ" not in listed
        assert await bot.stop() == 0
