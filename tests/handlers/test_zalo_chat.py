"""Zalo citizens through the real Application and the bot's real Zalo client, against the Zalo
Bot API emulator; officers on Telegram through the offline Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import ZALO_TOKEN_ENV, Config, load_config
from bot.domain.chats import LOCAL_ID_BASE, TELEGRAM_CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.texts import t
from handlers.telegram.sender import FILE_WAIT_SECONDS
from handlers.wiring.application import build_application
from localapi.zalo import ZaloApiEmulator
from localapi.zalo.media import TINY_JPEG
from storage.backends import open_database
from tests.conftest import ENVIRON
from tests.handlers.test_citizen_flow import rows
from tests.support.chat import Chats
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import Call, OfflineRequest
from tests.support.zalo import ZALO_TOKEN, ZaloPhone, zalo_channel

CITIZEN = "zalo-4f1c2a"
ECONOMY = 100000003  # officer of Phòng Kinh tế, on Telegram
CHAIRMAN = 100000001  # leader, admin


@pytest.fixture
async def zalo_api() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=ZALO_TOKEN) as emu:
        yield emu


@pytest.fixture
def zalo_config(config: Config, config_path: Path, zalo_api: ZaloApiEmulator) -> Config:
    """The example config with Zalo on, on the test's database (`config`'s storage)."""
    text = config_path.read_text(encoding="utf-8")
    text = text.replace("enabled = false", "enabled = true").replace(
        'base_url = "https://bot-api.zaloplatforms.com"', f'base_url = "{zalo_api.base_url}"'
    )
    config_path.write_text(text, encoding="utf-8")
    loaded = load_config(config_path, environ={**ENVIRON, ZALO_TOKEN_ENV: ZALO_TOKEN})
    return loaded.model_copy(update={"storage": config.storage})


@pytest.fixture
async def world(
    zalo_config: Config, clock: FixedClock, zalo_api: ZaloApiEmulator
) -> AsyncIterator[tuple[Chats, ZaloPhone]]:
    db = await open_database(zalo_config.storage.path, zalo_config.storage.url)
    services = Services(config=zalo_config, db=db, clock=clock)
    await sync_from_config(db, clock, zalo_config, TELEGRAM_CHANNEL)
    request = OfflineRequest()
    app = build_application(services, request=request, timer=FakeTimer())
    try:
        async with app:
            try:
                yield Chats(app, request), ZaloPhone(zalo_api, app, CITIZEN)
            finally:
                await zalo_channel(app).api.close()
    finally:
        await db.close()
    assert telegram_words(zalo_api) == [], "every test: no Zalo citizen is told of Telegram"


TELEGRAM_ONLY = ("bấm", "nút", "telegram")


def telegram_words(emu: ZaloApiEmulator) -> list[str]:
    """What a Zalo citizen was sent that speaks of Telegram's buttons or of Telegram."""
    said = [sent.text or sent.caption or "" for sent in emu.sent()]
    return [text for text in said if any(word in text.lower() for word in TELEGRAM_ONLY)]


async def agree(phone: ZaloPhone) -> None:
    consent = await phone.says("/start")
    assert "1. Đồng ý" in consent[-1].text
    assert "gõ số thứ tự" in consent[-1].text
    assert "tên Zalo" in consent[-1].text
    await phone.picks("Đồng ý")


async def opens_form(phone: ZaloPhone, kind: str) -> None:
    """Agree, then start a case of `kind` by numbers: the first steps of every filing here."""
    await agree(phone)
    await phone.picks("Gửi phản ánh")
    await phone.picks(kind)


async def sends(phone: ZaloPhone) -> str:
    """Pick "Gửi" on the read-back; the code from the receipt."""
    receipt = await phone.picks("Gửi")
    return receipt[-1].text.split("Mã hồ sơ: ")[1].split()[0]


async def test_a_zalo_citizen_files_by_numbers_and_a_telegram_officer_resolves(
    world: tuple[Chats, ZaloPhone], zalo_config: Config, clock: FixedClock
) -> None:
    chats, phone = world
    await opens_form(phone, "Phản ánh")
    await phone.says("moi truong")
    await phone.says("Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.")
    got = await phone.sends_image()
    assert any("Đã nhận ảnh 1/" in sent.text for sent in got)
    asked_place = await phone.picks("Xong, sang bước tiếp")
    place = asked_place[-1].text
    assert "gõ địa điểm" in place
    assert "📍" not in place, "no location button on Zalo"
    assert "1. Bỏ qua" in place
    assert "bản đồ" not in place
    # No keyboard of the phone's to take away: the next question, alone.
    [asked_contact] = await phone.says("Bờ kênh thôn Đông")
    assert asked_contact.text.startswith(t("intake.ask.contact"))
    await phone.picks("Không cần")
    code = await sends(phone)

    def officer_photos() -> list[Call]:
        return [
            c
            for c in chats.request.calls
            if c.params.get("chat_id") == ECONOMY and c.method == "sendPhoto"
        ]

    # A Zalo image URL may die any moment: the officer gets the photo the commune kept.
    assert officer_photos() == [], "not before the store has it"
    assert await chats.app.bot_data.keeper.keep_due() == 1
    clock.advance(timedelta(seconds=FILE_WAIT_SECONDS))
    await chats.app.bot_data.deliverer.deliver_due()
    [photo] = officer_photos()
    assert photo.files["photo"][1] == TINY_JPEG
    assert code in str(photo.params["caption"])
    await chats.tap(ECONOMY, "Tiếp nhận")
    assert "đã được thụ lý" in phone.last()
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thu dọn bãi rác và đặt biển cấm đổ rác.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    result = phone.last()
    assert code in result
    assert "Đã thu dọn bãi rác" in result
    assert "1. 👍 Hài lòng" in result
    await phone.picks("Hài lòng")

    [(channel, external_id)] = await rows(
        zalo_config, "SELECT channel, external_id FROM people WHERE consent_at IS NOT NULL"
    )
    assert (channel, external_id) == ("zalo", CITIZEN)
    [(status, rating)] = await rows(zalo_config, "SELECT status, rating FROM tickets")
    assert (status, rating) == ("resolved", "satisfied")
    [(local,)] = await rows(zalo_config, "SELECT local_id FROM chat_links")
    assert int(str(local)) > LOCAL_ID_BASE
    # Nothing meant for the Zalo citizen went to Telegram.
    assert not [c for c in chats.request.calls if c.params.get("chat_id") == local]


async def resolved_on_zalo(chats: Chats, phone: ZaloPhone) -> str:
    """A case filed by the Zalo citizen, accepted and resolved by the Telegram officer."""
    await opens_form(phone, "Phản ánh")
    await phone.says("moi truong")
    await phone.says("Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.")
    await phone.picks("Không có ảnh")
    await phone.says("Bờ kênh thôn Đông")
    await phone.picks("Không cần")
    code = await sends(phone)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thu dọn bãi rác.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    return code


async def test_a_zalo_citizen_sending_2_twice_keeps_the_comment_question(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    await resolved_on_zalo(chats, phone)
    first = await phone.says("2")
    assert len(first) == 2, "one acknowledgement, then the question"
    assert "góp ý thêm" in first[-1].text
    await phone.says("2")
    await phone.says("Bãi rác vẫn còn một nửa.")
    assert "Cảm ơn ông/bà đã góp ý" in phone.last()
    assert await rows(zalo_config, "SELECT rating, rating_comment, status FROM tickets") == [
        ("unsatisfied", "Bãi rác vẫn còn một nửa.", "reopened")
    ]


async def test_a_zalo_citizen_rates_in_words_from_tracuu(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    code = await resolved_on_zalo(chats, phone)
    await phone.says("/start")
    shown = await phone.says(f"/tracuu {code}")
    said = "\n".join(sent.text for sent in shown)
    assert "Đã thu dọn bãi rác." in said
    assert "1. 👍 Hài lòng" in shown[-1].text
    assert "2. 👎 Chưa hài lòng" in shown[-1].text
    await phone.says("chua hai long")
    assert "góp ý thêm" in phone.last()
    await phone.says("Bỏ qua")
    again = await phone.says(f"/tracuu {code}")
    assert "Hài lòng" not in again[-1].text
    assert await rows(zalo_config, "SELECT rating, status FROM tickets") == [
        ("unsatisfied", "reopened")
    ]


async def test_a_redelivered_update_is_handled_once(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    _, phone = world
    await agree(phone)
    await phone.picks("Gửi phản ánh")
    again = await phone.redelivers()
    assert again == []
    [(state,)] = await rows(zalo_config, "SELECT state FROM conversation_states")
    assert state == '"kind"'


async def test_an_update_cut_short_by_a_crash_is_handled_after_the_restart(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    channel = zalo_channel(chats.app)

    async def crash(_: object) -> None:
        raise KeyboardInterrupt

    phone.emu.user_sends_text(CITIZEN, "/start")
    [update] = await channel.api.get_update()
    channel.feed = crash
    with pytest.raises(KeyboardInterrupt):
        await channel.receive(update)
    assert phone.emu.sent_to(CITIZEN) == []
    channel.feed = chats.app.process_update
    assert await channel.catch_up() == 1
    assert "Ông/bà có đồng ý không?" in phone.last()
    assert await channel.catch_up() == 0
    [(payload,)] = await rows(zalo_config, "SELECT payload FROM inbox")
    assert payload is not None  # emptied with the next arrival
    await phone.says("1")
    assert await rows(zalo_config, "SELECT count(*) FROM inbox WHERE payload IS NOT NULL") == [(1,)]


async def test_stickers_and_unsupported_are_answered_and_the_draft_kept(
    world: tuple[Chats, ZaloPhone],
) -> None:
    _, phone = world
    await opens_form(phone, "Kiến nghị")
    for act in (phone.sends_sticker, phone.sends_unsupported):
        answer = await act()
        assert answer, "every message gets an answer"
    # A voice note reaches a Zalo bot as "something unsupported": the answer says so.
    assert "chưa nhận được tin nhắn thoại" in answer[0].text
    resumed = await phone.picks("Giao thông")
    assert "nội dung" in resumed[-1].text


async def test_long_texts_are_split_with_the_choices_on_the_last_part(
    world: tuple[Chats, ZaloPhone],
) -> None:
    chats, phone = world
    await agree(phone)
    local = int(str((await read(chats, LINKS))[0][0]))
    lines = "\n".join(f"Dòng {n}: " + "nội dung dài " * 10 for n in range(60))
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("1. Có", callback_data="x|yes")]])
    seen = len(phone.emu.sent_to(CITIZEN))
    await chats.app.bot.send_message(local, lines, reply_markup=markup)
    parts = phone.emu.sent_to(CITIZEN)[seen:]
    assert len(parts) >= 4
    assert all(len(p.text) <= 2000 for p in parts)
    assert "1. Có" in parts[-1].text
    assert all("1. Có" not in p.text for p in parts[:-1])
    assert "\n".join(p.text for p in parts).startswith("Dòng 0:")


LINKS = "SELECT local_id FROM chat_links"
SHOWN = "SELECT message_id FROM shown_options"


async def read(chats: Chats, sql: str) -> list[tuple[object, ...]]:
    """Rows as the running bot's own database reader sees them."""
    return [tuple(row) for row in await chats.app.bot_data.services.db.reader.execute_fetchall(sql)]


async def test_an_admin_bans_a_zalo_citizen_by_the_id_the_bot_knows_them_by(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    await agree(phone)
    [(local,)] = await read(chats, LINKS)
    done = await chats.say(CHAIRMAN, f"/chan {local} Quấy rối")
    assert str(local) in str(done[-1].params["text"])
    [(channel, external_id)] = await rows(zalo_config, "SELECT channel, external_id FROM bans")
    assert (channel, external_id) == ("zalo", CITIZEN)
    told = await phone.says("alo")
    assert [sent.text for sent in told] == [
        t("bans.notice", reason="Quấy rối", office=zalo_config.commune.office_contact)
    ]
    assert await phone.says("/start") == []
    listed = await chats.say(CHAIRMAN, "/chan")
    assert f"• {local} ·" in str(listed[-1].params["text"])
    await chats.say(CHAIRMAN, f"/chan bo {local}")
    assert await phone.says("/start")


OFFICE = 100000002  # officer, reception, Văn phòng: completes erasures


async def denounce(phone: ZaloPhone) -> str:
    """A tố cáo filed on Zalo by numbers, with the identity the law asks for; its code."""
    await opens_form(phone, "Tố cáo")
    await phone.picks("Đất đai")
    await phone.says("Ông trưởng thôn X thu tiền làm đường của các hộ nhưng không nộp về xã.")
    await phone.picks("Không có ảnh")
    await phone.picks("Bỏ qua")
    for answer in ("Đinh Thị Kín", "0961234567", "Xóm Trại Mật, thôn Bắc"):
        await phone.says(answer)
    return await sends(phone)


async def test_a_sealed_zalo_denouncer_is_banned_by_case_code_and_ignored_on_zalo(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    code = await denounce(phone)
    done = str((await chats.say(CHAIRMAN, f"/chan {code} Quấy rối"))[-1].params["text"])
    sealed = t("bans.channel.sealed")
    assert done == t("bans.done_case", code=code, channel=sealed, reason="Quấy rối")
    assert CITIZEN not in done
    assert "Zalo" not in done
    told = await phone.says("alo")
    assert [sent.text for sent in told] == [
        t("bans.notice", reason="Quấy rối", office=zalo_config.commune.office_contact)
    ]
    assert await phone.says("/start") == []
    assert await phone.says("1") == []
    listed = str((await chats.say(CHAIRMAN, "/chan"))[-1].params["text"])
    assert f"• {code} · {sealed} ·" in listed
    assert CITIZEN not in listed
    await chats.say(CHAIRMAN, f"/chan bo {code}")
    assert await phone.says("/start")


async def test_a_zalo_citizen_is_banned_by_the_code_of_their_case(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    await opens_form(phone, "Phản ánh")
    await phone.says("moi truong")
    await phone.says("Đèn đường thôn Đông hỏng đã hai tuần, buổi tối rất tối.")
    await phone.picks("Không có ảnh")
    await phone.picks("Bỏ qua")
    await phone.picks("Không cần")
    code = await sends(phone)
    done = str((await chats.say(CHAIRMAN, f"/chan {code} Quấy rối"))[-1].params["text"])
    assert done == t("bans.done_case", code=code, channel="Zalo", reason="Quấy rối")
    assert await rows(zalo_config, "SELECT channel, external_id FROM bans") == [("zalo", CITIZEN)]
    assert len(await phone.says("alo")) == 1
    assert await phone.says("/tracuu") == []
    [(local,)] = await read(chats, LINKS)
    listed = str((await chats.say(CHAIRMAN, "/chan"))[-1].params["text"])
    assert f"• {local} · Zalo · hồ sơ {code} ·" in listed


async def test_a_zalo_denouncer_is_sealed_and_still_hears_back_on_zalo(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    code = await denounce(phone)
    [(channel,)] = await rows(
        zalo_config,
        f"SELECT p.channel FROM tickets t JOIN people p ON p.id = t.citizen_id "
        f"WHERE t.code = '{code}'",
    )
    assert channel == "sealed"
    await chats.tap(CHAIRMAN, "Tiếp nhận")
    assert code in phone.last()
    assert "thụ lý" in phone.last()


async def test_a_zalo_citizen_erases_their_data_and_the_office_completes_it(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    chats, phone = world
    await opens_form(phone, "Phản ánh")
    asked = await phone.says("/xoadulieu")
    assert "tài khoản Zalo" in asked[-1].text
    filed = await phone.picks("Xác nhận xóa dữ liệu")
    assert "Đã ghi nhận yêu cầu số 1" in filed[0].text
    assert "đang có một đơn soạn dở" in filed[1].text, "the draft's question follows, last"
    await chats.tap(OFFICE, "Xóa dữ liệu ngay")
    assert "đã xóa dữ liệu cá nhân" in phone.last()
    assert await rows(zalo_config, "SELECT * FROM chat_links") == []
    assert await rows(zalo_config, "SELECT * FROM shown_options") == []
    assert await rows(zalo_config, "SELECT * FROM conversation_data") == []
    assert await rows(zalo_config, "SELECT * FROM inbox WHERE payload IS NOT NULL") == []
    assert await rows(zalo_config, f"SELECT * FROM people WHERE external_id = '{CITIZEN}'") == []
    # Writing again starts afresh, under a new local id: the notice, as for anyone new.
    fresh = await phone.says("/dulieu")
    assert "1. Đồng ý" in fresh[-1].text


async def test_what_zalo_cannot_show_is_said_in_words(world: tuple[Chats, ZaloPhone]) -> None:
    chats, phone = world
    await agree(phone)
    [(local,)] = await read(chats, LINKS)
    chat = int(str(local))
    bot = chats.app.bot
    seen = len(phone.emu.sent_to(CITIZEN))
    await bot.send_photo(chat, "AgACAgIAAxkBAAIBfile", caption="Ảnh hiện trường")
    await bot.send_document(chat, "BQACAgIAAxkBAAIBdoc", caption="Quyết định số 12")
    await bot.send_location(chat, 19.8, 105.9)
    url = f"{phone.emu.base_url}/media/anh.jpg"
    await bot.send_photo(chat, url, caption="Ảnh kết quả")
    await bot.send_voice(chat, "AwACAgIAAxkBAAIBvoice", caption="Tin nhắn thoại 1")
    sent = phone.emu.sent_to(CITIZEN)[seen:]
    assert "Ảnh hiện trường" in sent[0].text
    assert t("zalo.photo_unavailable") in sent[0].text
    assert "Quyết định số 12" in sent[1].text
    assert t("zalo.document_unavailable") in sent[1].text
    assert sent[2].text == t("zalo.location", latitude=19.8, longitude=105.9)
    assert (sent[3].method, sent[3].photo, sent[3].caption) == ("sendPhoto", url, "Ảnh kết quả")
    assert "Tin nhắn thoại 1" in sent[4].text
    assert t("zalo.voice_unavailable") in sent[4].text


async def test_edits_send_a_new_message_only_when_something_changed(
    world: tuple[Chats, ZaloPhone],
) -> None:
    chats, phone = world
    await agree(phone)
    [(local,)] = await read(chats, LINKS)
    chat = int(str(local))
    bot = chats.app.bot
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("1. Có", callback_data="x|yes")]])
    shown = await bot.send_message(chat, "Ông/bà xác nhận chứ?", reply_markup=markup)
    seen = len(phone.emu.sent_to(CITIZEN))
    await bot.edit_message_text(
        "Ông/bà  xác nhận chứ?", chat, shown.message_id, reply_markup=markup
    )
    assert len(phone.emu.sent_to(CITIZEN)) == seen, "the same words are not sent again"
    await bot.edit_message_text("Đã xác nhận.", chat, shown.message_id)
    assert phone.last() == "Đã xác nhận."
    assert await read(chats, SHOWN) == [], "the edit took the choices away"
    again = await bot.send_message(chat, "Chọn lại?", reply_markup=markup)
    await bot.edit_message_reply_markup(chat, shown.message_id, reply_markup=None)
    assert await read(chats, SHOWN) == [(again.message_id,)], "another message's choices stay"
    await bot.delete_message(chat, again.message_id)
    assert await read(chats, SHOWN) == []
    await bot.answer_callback_query(f"zalo-{chat}-9", text="Đã nhận.")
    assert phone.last() == "Đã nhận."


async def test_help_menu_and_hints_speak_of_typing_on_zalo(
    world: tuple[Chats, ZaloPhone], zalo_api: ZaloApiEmulator
) -> None:
    _, phone = world
    await phone.says("/guidon")
    await phone.says("chưa đồng ý")
    await agree(phone)
    assert "Xin gõ số thứ tự" in (await phone.says("/menu"))[-1].text
    assert "Gõ /guidon" in (await phone.says("/trogiup"))[-1].text
    await phone.says("/tracuu")
    await phone.sends_image()
    await phone.says("/dulieu")
    await phone.says("/xoadulieu")
    await phone.says("gì vậy")
    await phone.says("2")
    await phone.says("/thongbao")
    await phone.says("/guidon")
    await phone.picks("Phản ánh")
    await phone.says("không hiểu")
    assert len(zalo_api.sent_to(CITIZEN)) > 10


async def test_a_zalo_citizen_books_and_cancels_by_numbers(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    _, phone = world
    await agree(phone)
    offered = await phone.says("/dangky")
    assert "4. Thứ Năm 03/12/2026, 07:30–11:00" in offered[-1].text
    asked = await phone.says("4")
    assert "việc gì" in asked[-1].text
    done = await phone.says("Hỏi về việc cấp sổ đỏ.")
    assert "Đã đăng ký gặp tại buổi Thứ Năm 03/12/2026" in done[-1].text
    shown = await phone.says("/lich")
    assert "✅ Ông/bà đã đăng ký gặp" in shown[-1].text
    assert "Hủy đăng ký: 03/12, 07:30" in shown[-1].text
    asked = await phone.picks("Hủy đăng ký: 03/12, 07:30")
    assert "1. Hủy đăng ký" in asked[-1].text
    assert "2. Giữ lại" in asked[-1].text
    cancelled = await phone.says("1")
    assert "Đã hủy đăng ký gặp buổi Thứ Năm 03/12/2026" in cancelled[-1].text
    assert await rows(
        zalo_config, "SELECT count(*) FROM reception_bookings WHERE cancelled_at IS NULL"
    ) == [(0,)]
    on = await phone.says("bat nhac lich")
    assert "Đã bật nhắc lịch" in on[-1].text


async def test_a_typed_huy_at_the_zalo_cancel_question_keeps_the_booking_and_asks_again(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    _, phone = world
    await agree(phone)
    await phone.says("/dangky")
    await phone.says("4")
    await phone.says("Hỏi về việc cấp sổ đỏ.")
    asked = (await phone.says("/huydangky"))[-1].text
    assert "1. Hủy đăng ký\n2. Giữ lại đăng ký\n3. ↩️ Quay lại\n" in asked
    assert "✖️ Hủy" not in asked
    for typed in ("hủy", "huy", "Hủy"):
        again = (await phone.says(typed))[-1].text
        assert "1 để hủy đăng ký gặp" in again
        assert "2 để giữ lại đăng ký" in again
    assert await rows(
        zalo_config, "SELECT count(*) FROM reception_bookings WHERE cancelled_at IS NULL"
    ) == [(1,)]
    kept = (await phone.says("2"))[-1].text
    assert "vẫn giữ nguyên" in kept
    assert await rows(
        zalo_config, "SELECT count(*) FROM reception_bookings WHERE cancelled_at IS NULL"
    ) == [(1,)]


async def test_a_number_typed_at_a_zalo_free_text_step_never_drops_the_draft(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    """Where the only choices are "↩️ Quay lại" and "✖️ Hủy", they are not numbered: a "2"
    meant as content (or a house number) must not throw the whole draft away."""
    _, phone = world
    await opens_form(phone, "Phản ánh")
    asked = (await phone.says("moi truong"))[-1].text
    assert "viết nội dung" in asked
    assert "2. ✖️ Hủy" not in asked
    assert "“quay lại” hoặc “hủy”" in asked
    kept = [sent.text for sent in await phone.says("2")]
    assert t("intake.cancelled") not in kept
    assert "viết nội dung" in kept[-1]
    back = (await phone.says("quay lại"))[-1].text
    assert "2. Môi trường" in back
    await phone.says("moi truong")
    await phone.says("Cống thoát nước trước chợ bị tắc, nước tràn lên đường.")
    await phone.picks("Không có ảnh")
    await phone.picks("Bỏ qua")
    await phone.picks("Có, để lại thông tin")
    named = [sent.text for sent in await phone.says("2")]
    assert t("intake.cancelled") not in named
    left = (await phone.says("hủy"))[-1].text
    assert t("intake.cancelled") in left
    assert await rows(zalo_config, "SELECT count(*) FROM tickets") == [(0,)]


async def test_zalo_shows_and_takes_the_numbers_of_the_location_step(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    _, phone = world
    await opens_form(phone, "Phản ánh")
    await phone.says("moi truong")
    await phone.says("Cống thoát nước trước chợ bị tắc, nước tràn lên đường.")
    asked = (await phone.picks("Không có ảnh"))[-1].text
    assert "1. Bỏ qua\n2. ↩️ Quay lại\n3. ✖️ Hủy" in asked
    assert "gõ 1" in asked
    skipped = [sent.text for sent in await phone.says("1")]
    assert "Đã ghi nhận." not in skipped
    assert "để lại họ tên" in skipped[-1]
    await phone.picks("Không cần")
    await sends(phone)
    assert await rows(zalo_config, "SELECT place FROM tickets") == [(None,)]


async def test_a_zalo_citizen_answers_the_officers_question_by_typing(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    """The question says to type on Zalo (the teardown's check), and what is typed, "2" too,
    is the answer, also with a half-written draft open."""
    chats, phone = world
    await opens_form(phone, "Phản ánh")
    await phone.says("moi truong")
    await phone.says("Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.")
    await phone.picks("Không có ảnh")
    await phone.says("Bờ kênh thôn Đông")
    await phone.picks("Không cần")
    await sends(phone)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Bãi rác ở bên trái (1) hay bên phải (2) cầu?")
    assert "Bãi rác ở bên trái (1) hay bên phải (2) cầu?" in phone.last()
    answered = await phone.says("2")
    assert "Đã chuyển nội dung" in answered[0].text
    await phone.says("/guidon")
    await phone.picks("Phản ánh")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Ông/bà thấy rác đổ vào giờ nào?")
    got = await phone.says("Khoảng 5 giờ sáng.")
    assert "Đã chuyển nội dung" in got[0].text
    assert "đang có một đơn soạn dở" in got[-2].text
    assert "2. Môi trường" in got[-1].text, "the draft's question, shown last"
    assert await rows(
        zalo_config, "SELECT note FROM ticket_events WHERE action = 'citizen_reply' ORDER BY id"
    ) == [("2",), ("Khoảng 5 giờ sáng.",)]


async def test_a_zalo_citizen_finds_a_procedure_and_its_documents_by_numbers(
    world: tuple[Chats, ZaloPhone], zalo_config: Config
) -> None:
    _, phone = world
    await agree(phone)
    answer = await phone.says("dang ky ket hon")
    assert answer[-1].text.startswith("📋 Đăng ký kết hôn")
    assert "1. 📄 Xem giấy tờ cần mang" in answer[-1].text
    documents = await phone.picks("Xem giấy tờ cần mang")
    assert "Căn cước công dân (hoặc hộ chiếu) của cả hai người" in documents[-1].text
    await phone.picks("Menu")
    listed = await phone.picks("Hướng dẫn thủ tục")
    assert "1. Đăng ký khai sinh" in listed[-1].text
    picked = await phone.says("1")
    assert picked[-1].text.startswith("📋 Đăng ký khai sinh")
    assert await rows(zalo_config, "SELECT channel, entry_id FROM guide_lookups") == [
        ("zalo", "ket-hon")
    ]
