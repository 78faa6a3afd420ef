"""Reception days through the real Application: see, subscribe, book, be reminded; leaders add
and cancel sessions and everyone concerned is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.services import Services
from bot.services.reminders import fire_due, plan_ahead
from tests.handlers.test_citizen_flow import agree
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock

CITIZEN = 9301
NEIGHBOUR = 9302
CHAIRMAN = 100000001
ECONOMY = 100000003


def texts(chats: Chats, user: int) -> list[str]:
    return [str(c.params.get("text") or "") for c in chats.sent(user)]


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


async def tick(chats: Chats, services: Services, clock: FixedClock, at: datetime) -> None:
    clock.current = at
    await fire_due(services.db, clock, services.config)
    await chats.app.bot_data.deliverer.deliver_due()


async def test_schedule_shows_the_coming_sessions(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    shown = await chats.say(CITIZEN, "/lich")
    text = str(shown[-1].params["text"])
    # Saturday 28/11/2026: the Office's workday sessions and the chairman's Thursday.
    assert "Thứ Hai 30/11/2026, 14:00–16:30: Tiếp công dân thường xuyên" in text
    assert "Thứ Năm 03/12/2026, 07:30–11:00: Chủ tịch UBND xã tiếp công dân định kỳ" in text
    labels = [label for label, _ in buttons(shown[-1])]
    assert "🔔 Nhận nhắc lịch" in labels
    menu = await chats.say(CITIZEN, "3")
    assert "Lịch tiếp công dân sắp tới" in str(menu[-1].params["text"])


async def test_subscriber_is_reminded_once(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    await agree(chats, NEIGHBOUR)
    await chats.say(CITIZEN, "/lich")
    await chats.tap(CITIZEN, "Nhận nhắc lịch")
    assert "Đã bật nhắc lịch" in texts(chats, CITIZEN)[-1]
    again = await chats.say(CITIZEN, "/dangky")
    assert "đã đăng ký nhận nhắc lịch rồi" in str(again[-1].params["text"])
    await plan_ahead(services.db, clock, services.config)
    await tick(chats, services, clock, local(2, 12, 7, 30))  # a day before Thursday 07:30
    await tick(chats, services, clock, local(2, 12, 7, 31))
    reminders = [t for t in texts(chats, CITIZEN) if t.startswith("📅 Nhắc lịch")]
    assert len(reminders) == 1
    assert "Thứ Năm 03/12/2026, 07:30–11:00" in reminders[0]
    assert not any(t.startswith("📅 Nhắc lịch") for t in texts(chats, NEIGHBOUR))
    await chats.say(CITIZEN, "/huydangky")
    await tick(chats, services, clock, local(3, 12, 6, 30))  # the 2-hour reminder
    assert len([t for t in texts(chats, CITIZEN) if t.startswith("📅 Nhắc lịch")]) == 1


async def test_booking_reaches_the_host_the_evening_before(
    chats: Chats, services: Services, clock: FixedClock, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/lich")
    await chats.tap(CITIZEN, "Đăng ký gặp: 03/12")
    done = await chats.say(CITIZEN, "Hỏi về việc cấp giấy chứng nhận quyền sử dụng đất.")
    assert "Đã đăng ký gặp tại buổi Thứ Năm 03/12/2026" in str(done[-1].params["text"])
    await plan_ahead(services.db, clock, config)
    await tick(chats, services, clock, local(2, 12, 18, 0))
    lists = [t for t in texts(chats, CHAIRMAN) if t.startswith("📋 Danh sách đăng ký")]
    assert len(lists) == 1
    assert "Số người: 1" in lists[0]
    assert "Hỏi về việc cấp giấy chứng nhận quyền sử dụng đất." in lists[0]


async def test_a_stale_booking_button_does_not_end_the_topic_question(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/lich")
    await chats.tap(CITIZEN, "Đăng ký gặp: 03/12")
    await chats.press(CITIZEN, "rcpb|2020-01-01-gone")
    assert "không còn" in texts(chats, CITIZEN)[-1]
    done = await chats.say(CITIZEN, "Hỏi về việc cấp giấy chứng nhận quyền sử dụng đất.")
    assert "Đã đăng ký gặp tại buổi Thứ Năm 03/12/2026" in str(done[-1].params["text"])


async def test_leader_cancels_and_adds_sessions(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/dangky")
    refused = await chats.say(CITIZEN, "/lichtiep")
    assert "dành cho cán bộ" in str(refused[-1].params["text"])
    listing = await chats.say(CHAIRMAN, "/lichtiep")
    cancel = next(d for label, d in buttons(listing[-1]) if "03/12" in label)
    await chats.press(CHAIRMAN, cancel)
    await chats.say(CHAIRMAN, "Chủ tịch đi họp huyện.")
    told = texts(chats, CITIZEN)[-1]
    assert "Xã hủy buổi tiếp công dân" in told
    assert "Chủ tịch đi họp huyện." in told
    shown = await chats.say(CITIZEN, "/lich")
    assert "03/12/2026, 07:30" not in str(shown[-1].params["text"])
    await chats.say(CHAIRMAN, "/lichtiep them 10/12/2026 07:30-11:00 Tiếp công dân về đất đai")
    assert "Xã bổ sung một buổi tiếp công dân" in texts(chats, CITIZEN)[-1]
    assert "Thứ Năm 10/12/2026, 07:30–11:00: Tiếp công dân về đất đai" in texts(chats, CITIZEN)[-1]
    officer = await chats.say(ECONOMY, "/lichtiep them 11/12/2026 07:30-11:00 Thử")
    assert "không có quyền" in str(officer[-1].params["text"])


async def test_quiet_hours_hold_reminders_except_for_night_owls(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    office = 100000002  # the reception officer, reminded of every session
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/dangky")
    night = await chats.say(office, "/nhandem")
    assert "Đã bật" in str(night[-1].params["text"])
    await plan_ahead(services.db, clock, services.config)
    # Two hours before Thursday 07:30 is 05:30, inside the quiet hours (21:00-06:30).
    await tick(chats, services, clock, local(3, 12, 5, 30))
    assert not any("07:30–11:00" in t for t in texts(chats, CITIZEN) if t.startswith("📅 Nhắc"))
    assert any(t.startswith("📅 Sắp đến buổi tiếp") for t in texts(chats, office))
    await tick(chats, services, clock, local(3, 12, 6, 30))
    held = [t for t in texts(chats, CITIZEN) if t.startswith("📅 Nhắc lịch")]
    assert len(held) == 1
    assert "Thứ Năm 03/12/2026, 07:30–11:00" in held[0]
