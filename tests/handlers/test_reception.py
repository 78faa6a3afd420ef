"""Reception days through the real Application: see, subscribe, book, be reminded; leaders add
and cancel sessions and everyone concerned is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.services import Services
from bot.services.reminders import fire_due, plan_ahead
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock
from tests.support.offline import Call

CITIZEN = 9301
NEIGHBOUR = 9302
CHAIRMAN = 100000001
ECONOMY = 100000003


def unnumbered(call: Call) -> list[str]:
    """The labels of a message's buttons without their numbers ("1. ")."""
    return [label.split(". ", 1)[-1] for label, _ in buttons(call)]


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
    assert labels[-1] == f"{len(labels)}. 🔔 Bật nhắc lịch"
    await chats.say(CITIZEN, "/start")
    menu = await chats.say(CITIZEN, "3")
    assert "Lịch tiếp công dân sắp tới" in str(menu[-1].params["text"])


async def test_the_schedule_takes_the_numbers_of_its_buttons(chats: Chats, config: Config) -> None:
    """As on Zalo: "1" after /lich books the first session, never opens a new case."""
    await agree(chats, CITIZEN)
    shown = await chats.say(CITIZEN, "/lich")
    labels = [label for label, _ in buttons(shown[-1])]
    assert labels[0] == "1. 📝 Đăng ký gặp: 30/11, 14:00"
    asked = await chats.say(CITIZEN, "1")
    assert "việc gì" in str(asked[-1].params["text"])
    done = await chats.say(CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    assert "Đã đăng ký gặp tại buổi Thứ Hai 30/11/2026" in str(done[-1].params["text"])
    shown = await chats.say(CITIZEN, "/lich")
    switch = str(len(buttons(shown[-1])))
    on = await chats.say(CITIZEN, switch)
    assert "Đã bật nhắc lịch" in str(on[-1].params["text"])
    for table in ("reception_bookings", "reception_subscribers"):
        assert await rows(config, f"SELECT count(*) FROM {table}") == [(1,)], table
    assert "draft" not in chats.app.user_data[CITIZEN], "no new case was opened"


async def test_subscriber_is_reminded_once(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    await agree(chats, NEIGHBOUR)
    await chats.say(CITIZEN, "/lich")
    await chats.tap(CITIZEN, "Bật nhắc lịch")
    assert "Đã bật nhắc lịch" in texts(chats, CITIZEN)[-1]
    again = await chats.say(CITIZEN, "bật nhắc lịch")
    assert "đang nhận nhắc lịch rồi" in str(again[-1].params["text"])
    await plan_ahead(services.db, clock, services.config)
    await tick(chats, services, clock, local(2, 12, 7, 30))  # a day before Thursday 07:30
    await tick(chats, services, clock, local(2, 12, 7, 31))
    reminders = [t for t in texts(chats, CITIZEN) if t.startswith("📅 Nhắc lịch")]
    assert len(reminders) == 1
    assert "Thứ Năm 03/12/2026, 07:30–11:00" in reminders[0]
    assert not any(t.startswith("📅 Nhắc lịch") for t in texts(chats, NEIGHBOUR))
    await chats.say(CITIZEN, "tắt nhắc lịch")
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
    await chats.press(CITIZEN, "rcux|2020-01-01-gone")
    done = await chats.say(CITIZEN, "Hỏi về việc cấp giấy chứng nhận quyền sử dụng đất.")
    assert "Đã đăng ký gặp tại buổi Thứ Năm 03/12/2026" in str(done[-1].params["text"])


async def test_leader_cancels_and_adds_sessions(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "bật nhắc lịch")
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
    await chats.say(CITIZEN, "bật nhắc lịch")
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


async def books_thursday(chats: Chats, user: int, topic: str) -> str:
    """/dangky, the chairman's Thursday by its number, the topic; the answer."""
    offered = await chats.say(user, "/dangky")
    labels = [label for label, _ in buttons(offered[-1])]
    assert labels[3].startswith("4. Thứ Năm 03/12/2026, 07:30–11:00")
    asked = await chats.say(user, "4")
    assert "việc gì" in str(asked[-1].params["text"])
    done = await chats.say(user, topic)
    return str(done[-1].params["text"])


async def test_dangky_books_a_session_and_lich_marks_it(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    done = await books_thursday(chats, CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    assert "Đã đăng ký gặp tại buổi Thứ Năm 03/12/2026, 07:30–11:00" in done
    assert await rows(config, "SELECT topic, cancelled_at FROM reception_bookings") == [
        ("Hỏi về việc cấp sổ đỏ.", None)
    ]
    shown = await chats.say(CITIZEN, "/lich")
    text = str(shown[-1].params["text"])
    thursday = next(line for line in text.splitlines() if "03/12/2026, 07:30" in line)
    assert "✅ Ông/bà đã đăng ký gặp" in thursday
    monday = next(line for line in text.splitlines() if "30/11/2026" in line)
    assert "đã đăng ký" not in monday
    labels = unnumbered(shown[-1])
    assert "✖️ Hủy đăng ký: 03/12, 07:30" in labels
    assert "📝 Đăng ký gặp: 03/12, 07:30" not in labels
    assert "📝 Đăng ký gặp: 03/12, 14:00" in labels
    assert "🔔 Bật nhắc lịch" in labels


async def test_booking_by_words_back_and_cancel_lose_nothing(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/dangky")
    asked = await chats.say(CITIZEN, "chu tich")
    assert "Thứ Năm 03/12/2026" in str(asked[-1].params["text"])
    labels = [label for label, _ in buttons(asked[-1])]
    assert labels == ["↩️ Quay lại", "✖️ Hủy"]
    back = await chats.tap(CITIZEN, "Quay lại")
    assert "buổi tiếp nào" in str(back[-1].params["text"])
    left = await chats.tap(CITIZEN, "Hủy")
    assert "chưa đăng ký" in str(left[-1].params["text"])
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(0,)]
    await chats.say(CITIZEN, "/dangky")
    forged = await chats.press(CITIZEN, "rcbs|chu-tich:1999-01-01")
    said = [str(c.params.get("text") or "") for c in forged]
    assert any("không còn trong lịch" in text for text in said)
    assert "buổi tiếp nào" in said[-1]
    photo = await chats.photo(CITIZEN, "p1")
    assert "chọn số thứ tự" in str(photo[-1].params.get("text"))
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(0,)]


async def test_booking_twice_is_told_kindly(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await books_thursday(chats, CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    await chats.say(CITIZEN, "/dangky")
    again = await chats.say(CITIZEN, "4")
    text = str(again[-1].params["text"])
    assert "đã đăng ký gặp buổi Thứ Năm 03/12/2026, 07:30–11:00 rồi" in text
    assert "Hỏi về việc cấp sổ đỏ." in text
    await chats.say(CITIZEN, "/lich")
    repeat = await chats.say(CITIZEN, "Một việc khác.")
    assert "đã đăng ký gặp" not in str(repeat[-1].params["text"])
    assert await rows(config, "SELECT topic FROM reception_bookings") == [
        ("Hỏi về việc cấp sổ đỏ.",)
    ]


async def test_huydangky_cancels_a_booking_after_one_confirmation(
    chats: Chats, services: Services, clock: FixedClock, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await agree(chats, NEIGHBOUR)
    await books_thursday(chats, CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    await books_thursday(chats, NEIGHBOUR, "Xin xác nhận hộ nghèo.")
    asked = await chats.say(CITIZEN, "/huydangky")
    text = str(asked[-1].params["text"])
    assert "Hủy đăng ký gặp buổi Thứ Năm 03/12/2026, 07:30–11:00" in text
    labels = [label for label, _ in buttons(asked[-1])]
    assert labels == ["1. Hủy đăng ký", "2. Giữ lại đăng ký", "↩️ Quay lại"]
    kept = await chats.say(CITIZEN, "giu lai")
    assert "vẫn giữ" in str(kept[-1].params["text"])
    await chats.say(CITIZEN, "/huydangky")
    left = await chats.say(CITIZEN, "/huy")
    assert "vẫn giữ" in str(left[-1].params["text"])
    assert await rows(
        config, "SELECT count(*) FROM reception_bookings WHERE cancelled_at IS NULL"
    ) == [(2,)]
    await chats.say(CITIZEN, "/huydangky")
    done = await chats.say(CITIZEN, "huy dang ky")
    assert "Đã hủy đăng ký gặp buổi Thứ Năm 03/12/2026" in str(done[-1].params["text"])
    audit = await rows(config, "SELECT action, note FROM admin_events")
    assert audit == [("booking_cancelled", "chu-tich:2026-12-03")]
    shown = await chats.say(CITIZEN, "/lich")
    assert "đã đăng ký gặp" not in str(shown[-1].params["text"])
    assert "📝 Đăng ký gặp: 03/12, 07:30" in unnumbered(shown[-1])
    mine = await chats.say(CITIZEN, "/dulieu")
    assert "Hỏi về việc cấp sổ đỏ. (đã hủy)" in str(mine[-1].params["text"])
    none = await chats.say(CITIZEN, "/huydangky")
    assert "chưa đăng ký gặp buổi tiếp nào" in str(none[-1].params["text"])
    assert "tắt nhắc lịch" in str(none[-1].params["text"])
    await plan_ahead(services.db, clock, config)
    await tick(chats, services, clock, local(2, 12, 18, 0))
    [listed] = [t for t in texts(chats, CHAIRMAN) if t.startswith("📋 Danh sách đăng ký")]
    assert "Số người: 1" in listed
    assert "Xin xác nhận hộ nghèo." in listed
    assert "sổ đỏ" not in listed
    assert not any("hủy đăng ký" in t for t in texts(chats, CHAIRMAN))


async def test_a_bare_huy_at_the_cancel_question_is_asked_again(
    chats: Chats, config: Config
) -> None:
    """Next to "1. Hủy đăng ký", a typed "hủy" or an old "✖️ Hủy" button could mean either
    answer: neither is done, the question stays and names both choices."""
    await agree(chats, CITIZEN)
    await books_thursday(chats, CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    await chats.say(CITIZEN, "/huydangky")
    for typed in ("hủy", "huy"):
        again = await chats.say(CITIZEN, typed)
        text = str(again[-1].params["text"])
        assert "1 để hủy đăng ký gặp" in text
        assert "2 để giữ lại đăng ký" in text
    await chats.press(CITIZEN, "rcbc|cancel")
    assert "2 để giữ lại đăng ký" in chats.last_text(CITIZEN)
    assert await rows(
        config, "SELECT count(*) FROM reception_bookings WHERE cancelled_at IS NULL"
    ) == [(1,)]
    done = await chats.say(CITIZEN, "1")
    assert "Đã hủy đăng ký gặp buổi Thứ Năm 03/12/2026" in str(done[-1].params["text"])


async def test_cancel_from_the_schedule_after_the_list_tells_the_host(
    chats: Chats, services: Services, clock: FixedClock, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await books_thursday(chats, CITIZEN, "Hỏi về việc cấp sổ đỏ.")
    await plan_ahead(services.db, clock, config)
    await tick(chats, services, clock, local(2, 12, 18, 0))
    clock.current = local(2, 12, 19, 0)
    await chats.say(CITIZEN, "/lich")
    asked = await chats.tap(CITIZEN, "Hủy đăng ký: 03/12")
    assert "Hủy đăng ký gặp buổi Thứ Năm 03/12/2026" in str(asked[-1].params["text"])
    done = await chats.tap(CITIZEN, "1. Hủy đăng ký")
    assert "Đã hủy đăng ký gặp" in str(done[-1].params["text"])
    await tick(chats, services, clock, local(2, 12, 19, 1))
    told = [t for t in texts(chats, CHAIRMAN) if "hủy đăng ký gặp" in t]
    assert len(told) == 1
    assert "Số người còn đăng ký: 0" in told[0]
    gone = await chats.press(CITIZEN, "rcux|chu-tich:2026-12-03")
    assert "không còn" in str(gone[-1].params.get("text") or "")


async def test_reminders_have_their_own_words(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    on = await chats.say(CITIZEN, "bat nhac lich")
    assert "Đã bật nhắc lịch" in str(on[-1].params["text"])
    assert await rows(config, "SELECT count(*) FROM reception_subscribers") == [(1,)]
    shown = await chats.say(CITIZEN, "/lich")
    assert "🔕 Tắt nhắc lịch" in unnumbered(shown[-1])
    off = await chats.say(CITIZEN, "Tắt nhắc lịch")
    assert "Đã tắt nhắc lịch" in str(off[-1].params["text"])
    assert await rows(config, "SELECT count(*) FROM reception_subscribers") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(0,)]


async def test_adding_a_session_takes_the_word_with_or_without_diacritics(chats: Chats) -> None:
    for typed, day in (("thêm", 10), ("Thêm", 11), ("THEM", 14)):
        added = await chats.say(CHAIRMAN, f"/lichtiep {typed} {day}/12/2026 07:30-11:00 Đất đai")
        assert f"{day}/12/2026, 07:30–11:00: Đất đai" in str(added[-1].params["text"])
