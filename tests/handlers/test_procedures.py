"""Procedure guidance through the real Application: typed searches, the menu item, the
documents, booking the desk, and what is stored (the look-ups, never who looked)."""

from __future__ import annotations

from bot.config import Config
from bot.texts import t
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.offline import Call

CITIZEN = 9401
OFFICER = 100000002  # an officer of config.example.toml


def last_text(got: list[Call]) -> str:
    return str(got[-1].params.get("text") or "")


def labels(call: Call) -> list[str]:
    return [label for label, _ in buttons(call)]


async def test_typed_words_find_the_procedure_and_its_documents(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    got = await chats.say(CITIZEN, "lam giay khai sinh can giay to gi")
    text = last_text(got)
    assert text.startswith("📋 Đăng ký khai sinh")
    assert "Miễn lệ phí" in text
    assert "Bộ phận một cửa" in text
    assert "danh mục thủ tục hiện hành của tỉnh" in text
    # Khai sinh needs no booking: the documents, asking the commune instead, the way back.
    assert labels(got[-1]) == [
        "1. 📄 Xem giấy tờ cần mang",
        "2. ❓ Không đúng ý, hỏi cán bộ xã",
        "3. ↩️ Menu",
    ]
    documents = await chats.tap(CITIZEN, "Xem giấy tờ")
    listed = last_text(documents)
    assert "Giấy chứng sinh" in listed
    assert "Căn cước công dân" in listed
    assert "mang theo để xuất trình" in listed
    assert "Luật Hộ tịch 2014" in listed
    stored = await rows(config, "SELECT channel, query, entry_kind, entry_id FROM guide_lookups")
    assert stored == [("telegram", "khai sinh", "procedure", "khai-sinh")]
    columns = await rows(config, "SELECT * FROM guide_lookups")
    assert str(CITIZEN) not in str(columns), "no person is recorded"


async def test_a_procedure_not_meant_leads_to_asking_the_commune(
    chats: Chats, config: Config
) -> None:
    """Words can find a procedure the citizen did not mean: the answer is no dead end."""
    await agree(chats, CITIZEN)
    found = await chats.say(CITIZEN, "nguoi gia neo don khong ai cham soc")
    assert last_text(found).startswith("📋 ")
    asked = await chats.tap(CITIZEN, "hỏi cán bộ xã")
    assert last_text(asked).startswith("Ông/bà muốn hỏi gì?")
    read_back = await chats.say(CITIZEN, "Bà cụ hàng xóm ở một mình, ốm không ai chăm sóc")
    assert "Gửi đi?" in last_text(read_back)
    await chats.tap(CITIZEN, "Gửi câu hỏi")
    assert await rows(config, "SELECT kind FROM tickets") == [("question",)]


async def test_the_menu_item_lists_the_commonest_and_numbers_pick(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    menu = await chats.say(CITIZEN, "/start")
    assert "6. 📋 Hướng dẫn thủ tục" in labels(menu[-1])
    shown = await chats.say(CITIZEN, "6")
    assert last_text(shown).startswith("Ông/bà cần làm thủ tục gì?")
    assert labels(shown[-1])[0] == "1. Đăng ký khai sinh"
    picked = await chats.say(CITIZEN, "1")
    assert last_text(picked).startswith("📋 Đăng ký khai sinh")
    assert "draft" not in chats.app.user_data[CITIZEN], "a typed 1 opened no case"
    documents = await chats.say(CITIZEN, "1")
    assert "Giấy chứng sinh" in last_text(documents)
    back = await chats.say(CITIZEN, "thu tuc")
    assert last_text(back).startswith("Ông/bà cần làm thủ tục gì?")


async def test_several_close_procedures_are_a_numbered_list(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    got = await chats.say(CITIZEN, "xac nhan")
    assert last_text(got) == t("procedures.several")
    names = labels(got[-1])
    assert "Chứng thực chữ ký" in " ".join(names)
    number = next(n for n, label in enumerate(names, 1) if "tình trạng hôn nhân" in label)
    picked = await chats.say(CITIZEN, str(number))
    assert last_text(picked).startswith("📋 Cấp giấy xác nhận tình trạng hôn nhân")


async def test_booking_the_desk_opens_the_reception_booking(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    got = await chats.say(CITIZEN, "dang ky ket hon")
    assert "2. 📅 Đặt lịch nộp hồ sơ" in labels(got[-1])
    sessions = await chats.tap(CITIZEN, "Đặt lịch nộp hồ sơ")
    assert last_text(sessions) == t("reception.choose")
    await chats.say(CITIZEN, "1")
    done = await chats.say(CITIZEN, "Nộp hồ sơ đăng ký kết hôn")
    assert "Đã đăng ký gặp" in last_text(done)
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(1,)]
    typed = await chats.say(CITIZEN, "ket hon")
    assert typed
    asked = await chats.say(CITIZEN, "2")
    assert last_text(asked) == t("reception.choose")


async def test_nothing_found_offers_to_ask_the_commune_and_is_counted(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    got = await chats.say(CITIZEN, "Đường bị ngập nước")
    assert last_text(got) == t("questions.offer.text", text="Đường bị ngập nước")
    stored = await rows(config, "SELECT query, entry_id FROM guide_lookups")
    assert stored == [("duong bi ngap nuoc", None)]


async def test_forged_buttons_get_the_polite_answer(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    for data in ("gd|p.khong-co", "gd|d.", "gd|x.khai-sinh", "gd|b.khai-sinh", "gd|b.khong-co"):
        before = len(chats.request.calls)
        await chats.press(CITIZEN, data)
        calls = chats.request.calls[before:]
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert [a.params.get("text") for a in answers] == [t("error.button")], data
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(0,)]


async def test_an_officers_words_go_to_the_staff_path(chats: Chats, config: Config) -> None:
    await chats.say(OFFICER, "/start")
    got = await chats.say(OFFICER, "lam giay khai sinh")
    assert last_text(got).startswith(t("staff.not_understood"))
    assert await rows(config, "SELECT count(*) FROM guide_lookups") == [(0,)]
