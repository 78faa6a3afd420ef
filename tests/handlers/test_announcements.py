"""Publication through the real Application: citizens opt in, a leader writes, reads back and
sends, subscribers receive it once, the author watches the progress message."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config
from bot.services import Services
from handlers.leader.announcements import show_progress
from handlers.wiring.application import build_application
from storage.backends import open_database
from tests.handlers.test_bad_input import CITIZEN as READER
from tests.handlers.test_bad_input import draft, start_draft
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import Call, OfflineRequest

CHAIRMAN = 100000001  # leader, admin
ECONOMY = 100000003  # officer only
SUPERVISOR = 100000004
BLOCKED = 9502
NOT_OPTED = 9503
LEFT = 9504
TEXT = "Lịch cắt điện: thứ Hai 30/11/2026 từ 07:00 đến 11:00, thôn Đông và thôn Đoài."


def texts(chats: Chats, user: int) -> list[str]:
    return [str(c.params.get("text") or c.params.get("caption") or "") for c in chats.sent(user)]


def received(chats: Chats, user: int, words: str) -> list[Call]:
    return [
        c
        for c in chats.sent(user)
        if words in str(c.params.get("text") or c.params.get("caption") or "")
    ]


def edits(chats: Chats, user: int) -> list[str]:
    return [
        str(c.params["text"])
        for c in chats.request.calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == user
    ]


def answered_once(chats: Chats) -> bool:
    """Telegram refuses a second answer to a press: each press is answered exactly once."""
    answers = Counter(
        c.params["callback_query_id"]
        for c in chats.request.calls
        if c.method == "answerCallbackQuery"
    )
    return set(answers.values()) == {1}


async def opt_in(chats: Chats, user: int) -> None:
    await agree(chats, user)
    await chats.say(user, "thông báo")
    await chats.tap(user, "Bật")


async def audience(chats: Chats) -> None:
    """Two subscribers (one of whom blocks the bot), one who never opted in, one who left."""
    for user in (READER, BLOCKED, LEFT):
        await opt_in(chats, user)
    await agree(chats, NOT_OPTED)
    await chats.say(LEFT, "tắt thông báo")
    chats.request.blocked.add(BLOCKED)


async def test_opt_in_is_off_by_default_and_every_choice_is_logged(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, READER)
    shown = await chats.say(READER, "4")  # the menu's fourth item, typed
    assert "Xã chưa đăng thông báo, kế hoạch nào." in str(shown[-1].params["text"])
    assert "chưa nhận thông báo mới" in str(shown[-1].params["text"])
    assert [label for label, _ in buttons(shown[-1])] == ["🔔 Nhận thông báo: đang tắt — Bật"]

    done = await chats.tap(READER, "Bật")
    assert "Đã bật nhận thông báo" in str(done[0].params["text"])
    again = await chats.say(READER, "Thông báo, kế hoạch của xã")
    assert [label for label, _ in buttons(again[-1])] == ["🔕 Nhận thông báo: đang bật — Tắt"]
    clock.advance(timedelta(minutes=5))
    off = await chats.tap(READER, "Tắt")
    assert "Đã tắt nhận thông báo" in str(off[0].params["text"])
    clock.advance(timedelta(minutes=5))
    on = await chats.say(READER, "bat thong bao")  # typed, without diacritics
    assert "Đã bật nhận thông báo" in str(on[0].params["text"])
    same = await chats.say(READER, "bật thông báo")
    assert "đang nhận thông báo rồi" in str(same[0].params["text"])

    logged = await rows(
        config,
        "SELECT p.external_id, c.subscribed, c.at FROM announcement_choices c "
        "JOIN people p ON p.id = c.person_id ORDER BY c.id",
    )
    assert logged == [
        (str(READER), 1, "2026-11-28T02:30:00.000000+00:00"),
        (str(READER), 0, "2026-11-28T02:35:00.000000+00:00"),
        (str(READER), 1, "2026-11-28T02:40:00.000000+00:00"),
    ]
    assert await rows(config, "SELECT count(*) FROM announcement_subscribers") == [(1,)]


async def test_leader_writes_previews_and_sends_to_subscribers_only(
    chats: Chats, config: Config, services: Services
) -> None:
    await audience(chats)
    asked = await chats.say(CHAIRMAN, "/thongbao")
    assert "Xin gõ nội dung thông báo" in str(asked[-1].params["text"])
    preview = await chats.say(CHAIRMAN, TEXT)
    assert preview[0].params["text"].endswith(TEXT), "read back exactly as citizens get it"
    assert "Thông báo của" in str(preview[0].params["text"])
    assert "đến 2 người dân" in str(preview[-1].params["text"])
    assert [label for label, _ in buttons(preview[-1])] == ["1. ✅ Gửi", "2. ✏️ Sửa", "3. ✖️ Hủy"]

    sent = await chats.tap(CHAIRMAN, "Gửi")
    assert "Bắt đầu gửi thông báo đến 2 người" in str(sent[0].params["text"])

    assert len(received(chats, READER, TEXT)) == 1
    assert len(received(chats, BLOCKED, TEXT)) == 1, "tried once, refused by Telegram"
    assert received(chats, NOT_OPTED, TEXT) == []
    assert received(chats, LEFT, TEXT) == []

    await show_progress(chats.app.bot, services)
    await chats.app.bot_data.deliverer.deliver_due()
    final = edits(chats, CHAIRMAN)
    assert len(final) == 1
    assert "Đã gửi xong thông báo số 1" in final[0]
    assert "Đã gửi: 1" in final[0]
    assert "Không gửi được: 1" in final[0]
    assert texts(chats, CHAIRMAN)[-1] == final[0], "the final count also comes as a message"

    await show_progress(chats.app.bot, services)
    assert len(edits(chats, CHAIRMAN)) == 1, "nothing more once finished"
    [(actor, action, note)] = await rows(
        config,
        "SELECT p.external_id, e.action, e.note FROM admin_events e "
        "JOIN people p ON p.id = e.actor_id WHERE e.action = 'announcement_published'",
    )
    assert (actor, action) == (str(CHAIRMAN), "announcement_published")
    assert "Lịch cắt điện" in str(note)
    [(stored, recipients, finished)] = await rows(
        config, "SELECT text, recipients, finished_at FROM announcements"
    )
    assert (stored, recipients) == (TEXT, 2)
    assert finished is not None


async def test_progress_is_edited_as_delivery_goes_and_never_with_the_same_text(
    chats: Chats, services: Services, clock: FixedClock
) -> None:
    """Sent during the night, the messages wait for the morning: the progress message shows
    what remains, then the final count once they went."""
    await audience(chats)
    clock.current = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 22:00 in the commune
    await chats.say(CHAIRMAN, "/thongbao")
    preview = await chats.say(CHAIRMAN, TEXT)
    assert "tin nhắn sẽ bắt đầu đi lúc 06:30 29/11/2026" in str(preview[-1].params["text"])
    await chats.tap(CHAIRMAN, "Gửi")
    assert received(chats, READER, TEXT) == [], "held in the quiet hours"

    await show_progress(chats.app.bot, services)
    await show_progress(chats.app.bot, services)
    [waiting] = edits(chats, CHAIRMAN)
    assert "Đã gửi: 0" in waiting
    assert "Còn lại: 2" in waiting

    clock.current = datetime(2026, 11, 28, 23, 31, tzinfo=UTC)  # 06:31
    await chats.app.bot_data.deliverer.deliver_due()
    assert len(received(chats, READER, TEXT)) == 1
    await show_progress(chats.app.bot, services)
    await chats.app.bot_data.deliverer.deliver_due()
    shown = edits(chats, CHAIRMAN)
    assert len(shown) == 2
    assert "Đã gửi xong" in shown[-1]
    assert "Không gửi được: 1" in shown[-1]
    assert texts(chats, CHAIRMAN)[-1] == shown[-1]


async def test_a_document_announcement_with_its_caption(chats: Chats, config: Config) -> None:
    await opt_in(chats, READER)
    await chats.say(CHAIRMAN, "/thongbao")
    preview = await chats.document(CHAIRMAN, caption="Kế hoạch tổ chức Tết trồng cây năm 2027.")
    assert preview[0].method == "sendDocument"
    assert preview[0].params["document"] == "doc-1"
    assert "Kế hoạch tổ chức Tết trồng cây" in str(preview[0].params["caption"])
    await chats.tap(CHAIRMAN, "Gửi")
    [got] = received(chats, READER, "Kế hoạch tổ chức Tết trồng cây")
    assert got.method == "sendDocument"
    assert got.params["document"] == "doc-1"
    assert await rows(config, "SELECT photo, document FROM announcements") == [(None, "doc-1")]


async def test_a_photo_first_then_its_text(chats: Chats) -> None:
    await opt_in(chats, READER)
    await chats.say(CHAIRMAN, "/thongbao")
    asked = await chats.photo(CHAIRMAN, "plan")
    assert "Đã nhận ảnh" in str(asked[-1].params["text"])
    preview = await chats.say(CHAIRMAN, "Sơ đồ tuyến đường bê tông thôn Nam sẽ làm trong tháng 12.")
    assert preview[0].method == "sendPhoto"
    assert preview[0].params["photo"] == "big-plan"
    await chats.tap(CHAIRMAN, "Gửi")
    [got] = received(chats, READER, "Sơ đồ tuyến đường bê tông")
    assert got.method == "sendPhoto"
    assert got.params["photo"] == "big-plan"


async def test_a_text_too_long_for_a_caption_follows_the_file(chats: Chats) -> None:
    await opt_in(chats, READER)
    long = "Kế hoạch chi tiết: " + "dọn vệ sinh đường làng, khơi thông cống rãnh; " * 40
    assert 1024 < len(long) < 4000
    await chats.say(CHAIRMAN, "/thongbao")
    await chats.document(CHAIRMAN)
    await chats.say(CHAIRMAN, long)
    await chats.tap(CHAIRMAN, "Gửi")
    document, text = chats.sent(READER)[-2:]
    assert document.method == "sendDocument"
    assert "caption" not in document.params
    assert text.method == "sendMessage"
    assert str(text.params["text"]).endswith(long.strip())


async def test_the_list_is_latest_first_and_opens_in_full(chats: Chats, clock: FixedClock) -> None:
    await agree(chats, READER)
    await chats.say(CHAIRMAN, "/thongbao")
    await chats.photo(CHAIRMAN, "map", caption="Bản đồ quy hoạch khu dân cư mới thôn Bắc.")
    await chats.tap(CHAIRMAN, "Gửi")
    clock.advance(timedelta(days=2))
    await chats.say(CHAIRMAN, "/thongbao")
    await chats.say(CHAIRMAN, "Họp dân thôn Đông lúc 19:30 thứ Tư 02/12/2026 tại nhà văn hóa.")
    await chats.tap(CHAIRMAN, "Gửi")

    shown = await chats.say(READER, "/thongbao")
    listing = str(shown[-1].params["text"])
    assert listing.index("30/11/2026 — Họp dân thôn Đông") < listing.index(
        "28/11/2026 — Bản đồ quy hoạch"
    )
    labels = [label for label, _ in buttons(shown[-1])]
    assert labels[:2] == ["📄 1. Ngày 30/11/2026", "📄 2. Ngày 28/11/2026"]
    opened = await chats.tap(READER, "2. Ngày 28/11/2026")
    assert opened[-1].method == "sendPhoto"
    assert opened[-1].params["photo"] == "big-map"
    assert "Bản đồ quy hoạch khu dân cư mới thôn Bắc." in str(opened[-1].params["caption"])
    gone = await chats.press(READER, "ann|o999")
    assert "Không tìm thấy thông báo này" in str(gone[-1].params["text"])


async def test_the_list_pages_five_at_a_time(chats: Chats, clock: FixedClock) -> None:
    await agree(chats, READER)
    for n in range(7):
        clock.advance(timedelta(hours=1))
        await chats.say(CHAIRMAN, "/thongbao")
        await chats.say(CHAIRMAN, f"Thông báo thử nghiệm số {n + 1} của xã.")
        await chats.say(CHAIRMAN, "gửi")
    first = await chats.say(READER, "thong bao")
    assert "(trang 1/2)" in str(first[-1].params["text"])
    assert "số 7" in str(first[-1].params["text"])
    second = await chats.tap(READER, "Trang sau")
    assert "(trang 2/2)" in str(second[-1].params["text"])
    assert "số 2" in str(second[-1].params["text"])
    assert "số 1" in str(second[-1].params["text"])
    assert "số 3" not in str(second[-1].params["text"])


async def test_only_leaders_and_admins_publish(chats: Chats, config: Config) -> None:
    await opt_in(chats, READER)
    citizen = await chats.say(READER, "/thongbao")
    assert "Xã chưa đăng thông báo" in str(citizen[-1].params["text"])
    await chats.say(READER, "Tôi muốn gửi thông báo cho cả xã biết việc này.")
    for user in (ECONOMY, SUPERVISOR):
        officer = await chats.say(user, "/thongbao")
        assert "Chỉ lãnh đạo và quản trị viên" in str(officer[0].params["text"])
        await chats.say(user, "Thông báo giả mạo gửi cho toàn xã.")
    forged = await chats.press(READER, "ann.c|send")
    assert forged, "every press gets an answer"
    await chats.press(ECONOMY, "ann.c|send")
    assert await rows(config, "SELECT count(*) FROM announcements") == [(0,)]
    assert not any("giả mạo" in text for text in texts(chats, READER))


async def test_bad_input_at_every_step_loses_nothing(chats: Chats, config: Config) -> None:
    await opt_in(chats, READER)
    await chats.say(CHAIRMAN, "/thongbao")
    sticker = await chats.sticker(CHAIRMAN)
    assert "chỉ gồm chữ" in str(sticker[0].params["text"])
    voice = await chats.voice(CHAIRMAN)
    assert "chỉ gồm chữ" in str(voice[0].params["text"])
    forged = await chats.press(CHAIRMAN, "ann.c|send")
    assert "Xin gõ nội dung thông báo" in str(forged[-1].params["text"])
    short = await chats.say(CHAIRMAN, "Họp")
    assert "quá ngắn" in str(short[-1].params["text"])
    again = await chats.say(CHAIRMAN, "/thongbao")
    assert "đang soạn dở" in str(again[0].params["text"])
    await chats.say(CHAIRMAN, TEXT)
    for stray in ("alo", "/thongbao"):
        answer = await chats.say(CHAIRMAN, stray)
        assert "Gửi" in str(answer[-1].params["text"])
    await chats.sticker(CHAIRMAN)
    await chats.press(CHAIRMAN, "ann.c|xoa-het")
    await chats.press(CHAIRMAN, "ann.w|cancel")
    assert await rows(config, "SELECT count(*) FROM announcements") == [(0,)]
    edited = await chats.tap(CHAIRMAN, "Sửa")
    assert "Xin gõ nội dung thông báo" in str(edited[-1].params["text"])
    await chats.say(CHAIRMAN, "Lịch tiêm phòng dại cho chó mèo: sáng Chủ Nhật 06/12/2026.")
    await chats.say(CHAIRMAN, "2")  # Sửa, typed
    await chats.say(CHAIRMAN, TEXT)
    await chats.say(CHAIRMAN, "1")  # Gửi, typed
    assert [text for (text,) in await rows(config, "SELECT text FROM announcements")] == [TEXT]
    assert len(received(chats, READER, TEXT)) == 1
    assert received(chats, READER, "tiêm phòng") == []
    assert answered_once(chats)


@pytest.mark.parametrize("leave", ["/huy", "hủy", "button"])
async def test_cancel_at_each_step_sends_nothing(chats: Chats, config: Config, leave: str) -> None:
    await opt_in(chats, READER)
    for steps in ([], [TEXT]):
        await chats.say(CHAIRMAN, "/thongbao")
        for words in steps:
            await chats.say(CHAIRMAN, words)
        if leave == "button":
            answer = await chats.tap(CHAIRMAN, "Hủy")
        else:
            answer = await chats.say(CHAIRMAN, leave)
        assert "Đã hủy, thông báo chưa được gửi" in str(answer[-1].params["text"])
    assert answered_once(chats)
    assert await rows(config, "SELECT count(*) FROM announcements") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'ann%'") == [(0,)]


async def test_a_restart_mid_way_keeps_the_draft(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await opt_in(chats, READER)
    await chats.say(CHAIRMAN, "/thongbao")
    await chats.document(CHAIRMAN)
    # A second process on the same file, as after kill -9: nothing is shared in memory.
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    services = Services(config=config, db=db, clock=clock)
    app = build_application(services, request=request, timer=FakeTimer())
    try:
        async with app:
            again = Chats(app, request)
            preview = await again.say(CHAIRMAN, "Quyết định phê duyệt kế hoạch sử dụng đất 2027.")
            assert preview[0].method == "sendDocument"
            await again.say(CHAIRMAN, "gửi")
            assert [c.method for c in request.sent_to(READER)] == ["sendDocument"]
    finally:
        await db.close()
    assert await rows(config, "SELECT document FROM announcements") == [("doc-1",)]


@pytest.mark.parametrize("data", ["ann|p999", "ann|o", "ann|oabc", "ann|bat", "ann|", "ann|on|x"])
async def test_forged_list_buttons_change_nothing(chats: Chats, config: Config, data: str) -> None:
    await agree(chats, READER)
    answer = await chats.press(READER, data)
    assert answer, "every press gets an answer"
    assert await rows(config, "SELECT count(*) FROM announcement_choices") == [(0,)]


async def test_the_list_during_a_draft_keeps_the_draft(chats: Chats, config: Config) -> None:
    await start_draft(chats)
    before = await draft(config)
    shown = await chats.say(READER, "/thongbao")
    assert "Xã chưa đăng thông báo" in str(shown[0].params["text"])
    assert "Xin ông/bà viết nội dung" in str(shown[-1].params["text"]), "the draft's, last"
    assert await draft(config) == before
    resumed = await chats.say(READER, "/guidon")
    assert "Xin ông/bà viết nội dung" in str(resumed[-1].params["text"])


async def test_sent_after_the_quiet_hours_began_the_leader_is_told_when_it_goes(
    chats: Chats, clock: FixedClock
) -> None:
    """Read back at 20:59, nothing held; "Gửi" pressed at 21:01: the leader learns the
    messages wait for 06:30, in a message the progress edits do not replace."""
    await audience(chats)
    clock.current = datetime(2026, 11, 28, 13, 59, tzinfo=UTC)  # 20:59 in the commune
    await chats.say(CHAIRMAN, "/thongbao")
    preview = await chats.say(CHAIRMAN, TEXT)
    assert "giờ yên lặng" not in str(preview[-1].params["text"])
    clock.current = datetime(2026, 11, 28, 14, 1, tzinfo=UTC)  # 21:01
    sent = await chats.tap(CHAIRMAN, "Gửi")
    told = [str(c.params.get("text")) for c in sent if c.method == "sendMessage"]
    assert any("tin nhắn sẽ bắt đầu đi lúc 06:30 29/11/2026" in text for text in told), told
    assert received(chats, READER, TEXT) == []


async def test_with_no_subscriber_the_leader_is_told_it_is_only_published(
    chats: Chats, config: Config, services: Services
) -> None:
    await agree(chats, NOT_OPTED)
    await chats.say(CHAIRMAN, "/thongbao")
    preview = await chats.say(CHAIRMAN, TEXT)
    assert "chưa có người dân nào đăng ký nhận tin" in str(preview[-1].params["text"])

    sent = await chats.tap(CHAIRMAN, "Gửi")
    said = " ".join(str(c.params["text"]) for c in sent)
    assert "0 người" not in said
    assert "không gửi tin nhắn cho ai" in said
    assert "Thông báo, kế hoạch của xã" in said

    await show_progress(chats.app.bot, services)
    await chats.app.bot_data.deliverer.deliver_due()
    assert "Đã đăng xong thông báo số 1" in texts(chats, CHAIRMAN)[-1]
    assert "0 người" not in texts(chats, CHAIRMAN)[-1]
    assert received(chats, NOT_OPTED, TEXT) == []
    [(finished,)] = await rows(config, "SELECT finished_at FROM announcements")
    assert finished is not None
