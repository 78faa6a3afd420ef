"""A citizen files a case through the real Application and looks it up."""

from __future__ import annotations

import json

from bot.config import Config
from bot.texts import t
from handlers.telegram.context import DRAFT_KEY
from storage.backends import open_database
from tests.support.chat import Chats, buttons, reply_keyboard
from tests.support.drafts import opened
from tests.support.offline import Call

CITIZEN = 5001
NEIGHBOUR = 5002


async def rows(config: Config, sql: str) -> list[tuple[object, ...]]:
    """Rows read from the database the config names, through a handle of their own."""
    db = await open_database(config.storage.path, config.storage.url)
    try:
        return [tuple(row) for row in await db.reader.execute_fetchall(sql)]
    finally:
        await db.close()


async def agree(chats: Chats, user: int) -> None:
    await chats.say(user, "/start")
    await chats.tap(user, "Đồng ý")


async def file_feedback(chats: Chats, user: int, content: str) -> str:
    """The common path by buttons; returns the case code from the receipt."""
    await chats.tap(user, "Gửi phản ánh")
    await chats.tap(user, "Phản ánh")
    await chats.tap(user, "Môi trường")
    await chats.say(user, content)
    await chats.tap(user, "Không có ảnh")
    await chats.say(user, "Bỏ qua")
    await chats.tap(user, "Không cần")
    receipt = await chats.tap(user, "Gửi")
    text = str(receipt[-1].params["text"])
    assert "Đã gửi đơn thành công" in text
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


async def test_nothing_is_stored_before_consent(chats: Chats, config: Config) -> None:
    sent = await chats.say(CITIZEN, "/start")
    assert "Ông/bà có đồng ý không?" in str(sent[-1].params["text"])
    assert [label for label, _ in buttons(sent[-1])] == ["1. Đồng ý", "2. Không đồng ý"]
    await chats.say(CITIZEN, "đường làng bị ngập")
    assert "cần đồng ý" in chats.last_text(CITIZEN)
    await chats.tap(CITIZEN, "Không đồng ý")
    assert "chưa lưu thông tin gì" in chats.last_text(CITIZEN)
    assert await rows(config, f"SELECT * FROM people WHERE external_id = '{CITIZEN}'") == []
    assert await rows(config, "SELECT * FROM conversation_data") == []
    assert await rows(config, "SELECT * FROM conversation_states") == []


async def test_consent_by_typing_is_recorded_with_time_and_notice(
    chats: Chats, config: Config
) -> None:
    await chats.say(CITIZEN, "/start")
    sent = await chats.say(CITIZEN, "dong y")
    assert "Cảm ơn ông/bà đã đồng ý" in str(sent[-1].params["text"])
    [(external_id, consent_at, notice)] = await rows(
        config,
        "SELECT external_id, consent_at, consent_notice FROM people WHERE consent_at IS NOT NULL",
    )
    assert external_id == str(CITIZEN)
    assert str(consent_at).startswith("2026-11-28T02:30")
    assert notice


async def test_case_filed_by_buttons_then_looked_up(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(
        chats, CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông đã một tuần."
    )
    assert code == "SN-2026-00001"
    [(kind, category, department, status, content)] = await rows(
        config, "SELECT kind, category_id, department_id, status, content FROM tickets"
    )
    assert (kind, category, department, status) == ("feedback", "moi-truong", "kinh-te", "new")
    assert content == "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông đã một tuần."
    assert await rows(config, "SELECT action, from_status, to_status FROM ticket_events") == [
        ("submitted", None, "new")
    ]
    listing = await chats.say(CITIZEN, "/tracuu")
    assert "SN-2026-00001 · Phản ánh · Đã tiếp nhận · gửi ngày 28/11/2026" in str(
        listing[-1].params["text"]
    )
    detail = await chats.press(CITIZEN, buttons(listing[-1])[0][1])
    assert "Rác thải đổ trộm" in str(detail[-1].params["text"])
    typed = await chats.say(CITIZEN, "/tracuu sn-2026-00001")
    assert "Hồ sơ SN-2026-00001" in str(typed[-1].params["text"])
    # The draft is gone once filed; its code stays, for a late press of the draft's buttons.
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    assert json.loads(opened(config, data)) == {"filed": "SN-2026-00001"}


async def test_another_citizen_cannot_see_the_case(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Đèn đường trước nhà văn hóa thôn bị hỏng.")
    await agree(chats, NEIGHBOUR)
    for attempt in (f"/tracuu {code}", code):
        answer = await chats.say(NEIGHBOUR, attempt)
        text = str(answer[-1].params["text"])
        assert "Không tìm thấy hồ sơ" in text
        assert "Đèn đường" not in text
    pressed = await chats.press(NEIGHBOUR, f"lookup|{code}")
    assert all("Đèn đường" not in str(c.params["text"]) for c in pressed)
    listing = await chats.say(NEIGHBOUR, "/tracuu")
    assert "chưa gửi hồ sơ nào" in str(listing[-1].params["text"])


async def test_complaint_typed_with_numbers_and_words(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "1")  # menu: send
    await chats.say(CITIZEN, "khieu nai")
    await chats.say(CITIZEN, "dat dai")
    await chats.say(CITIZEN, "Tôi không đồng ý với quyết định thu hồi đất số 12 của xã.")
    await chats.photo(CITIZEN, "p1")
    await chats.photo(CITIZEN, "p2")
    await chats.say(CITIZEN, "xong")
    # "2" is the map: the phone's own keyboard comes, and leaving takes it away.
    [map_asked] = await chats.say(CITIZEN, "2")
    [send] = [b for b in reply_keyboard(map_asked) if b.get("request_location")]
    assert send["text"] == t("request.location")
    asked_name = await chats.location(CITIZEN, 19.8, 105.9)
    assert "Luật Khiếu nại" in str(asked_name[-1].params["text"])
    assert said(asked_name)[0] == t("intake.location.received")
    assert "remove_keyboard" in str(asked_name[0].params["reply_markup"])
    [asked_phone] = await chats.say(CITIZEN, "Nguyễn Văn Bình")
    assert buttons(asked_phone)[0][0] == f"1. {t('request.contact')}"
    retry = await chats.say(CITIZEN, "0912")
    assert "Số điện thoại chưa đúng" in str(retry[0].params["text"])
    assert "Xin cho biết số điện thoại" in str(retry[-1].params["text"])
    [share_asked] = await chats.say(CITIZEN, "1")
    [share] = [b for b in reply_keyboard(share_asked) if b.get("request_contact")]
    assert share["text"] == t("request.contact")
    asked_address = await chats.contact(CITIZEN, "84912345678")
    assert said(asked_address)[0] == t("intake.phone.received", phone="0912345678")
    assert "remove_keyboard" in str(asked_address[0].params["reply_markup"])
    summary = await chats.say(CITIZEN, "Thôn Đông, xã Sơn Ninh")
    text = str(summary[-1].params["text"])
    for part in (
        "Khiếu nại",
        "Đất đai, xây dựng",
        "thu hồi đất",
        "Ảnh kèm theo: 2",
        "đã gửi vị trí trên bản đồ",
        "Nguyễn Văn Bình, 0912345678, Thôn Đông",
    ):
        assert part in text
    receipt = await chats.say(CITIZEN, "gui")
    assert "ký đơn" in str(receipt[-1].params["text"])
    [(name, phone, address, lat)] = await rows(
        config, "SELECT contact_name, contact_phone, contact_address, latitude FROM tickets"
    )
    assert (name, phone, address, lat) == (
        "Nguyễn Văn Bình",
        "0912345678",
        "Thôn Đông, xã Sơn Ninh",
        19.8,
    )
    assert await rows(config, "SELECT position, file_id FROM attachments ORDER BY position") == [
        (1, "big-p1"),
        (2, "big-p2"),
    ]


async def test_back_and_cancel_lose_nothing_then_nothing_is_filed(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Kiến nghị")
    await chats.tap(CITIZEN, "Giao thông")
    await chats.say(CITIZEN, "Đề nghị xã sửa cầu tràn thôn Bắc trước mùa mưa.")
    back = await chats.tap(CITIZEN, "Quay lại")
    assert "Đang ghi: Đề nghị xã sửa cầu tràn" in str(back[-1].params["text"])
    await chats.tap(CITIZEN, "Giữ nguyên")
    cancelled = await chats.say(CITIZEN, "huỷ")
    assert "Đã hủy đơn" in str(cancelled[0].params["text"])
    assert await rows(config, "SELECT * FROM tickets") == []
    assert await rows(config, "SELECT * FROM conversation_data") == []


async def test_unfinished_draft_is_resumed(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    menu = await chats.say(CITIZEN, "/start")
    assert "đơn soạn dở" in str(menu[-2].params["text"])
    assert "Việc này thuộc lĩnh vực nào?" in str(menu[-1].params["text"]), "asked again, last"
    looked = await chats.say(CITIZEN, "/tracuu")
    assert "chưa gửi hồ sơ nào" in str(looked[0].params["text"])
    assert "Việc này thuộc lĩnh vực nào?" in str(looked[-1].params["text"])
    resumed = await chats.say(CITIZEN, "/guidon")
    assert "Việc này thuộc lĩnh vực nào?" in str(resumed[-1].params["text"])


async def test_draft_is_stored_as_json(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Tố cáo")
    [(user_id, data)] = await rows(config, "SELECT user_id, data FROM conversation_data")
    assert user_id == CITIZEN
    assert json.loads(opened(config, data))["draft"]["kind"] == "denunciation"
    [(state,)] = await rows(config, "SELECT state FROM conversation_states")
    assert json.loads(str(state)) == "category"


async def file_by_typing(chats: Chats, user: int, kind: str, category: str) -> str:
    """A case typed step by step without contact details (a complaint asks for them); returns
    the receipt."""
    await chats.say(user, "/guidon")
    await chats.say(user, kind)
    await chats.say(user, category)
    await chats.say(user, "Cán bộ một cửa hẹn tôi ba lần mà không trả kết quả hồ sơ.")
    await chats.say(user, "xong")
    await chats.say(user, "bo qua")
    if kind == "khieu nai":
        await chats.say(user, "Nguyễn Văn Bình")
        await chats.say(user, "0912345678")
        await chats.say(user, "Thôn Đông, xã Sơn Ninh")
    else:
        await chats.say(user, "khong can")
    receipt = await chats.say(user, "gui")
    return "\n".join(str(c.params["text"]) for c in receipt)


async def test_a_complaint_receipt_names_the_office_whose_officer_holds_it(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    receipt = await file_by_typing(chats, CITIZEN, "khieu nai", "dat dai")
    [(assignee,)] = await rows(
        config,
        "SELECT o.department_id FROM tickets t JOIN officers o ON o.person_id = t.assignee_id",
    )
    assert assignee == "van-phong"
    assert "chuyển đến Văn phòng HĐND và UBND" in receipt
    assert "Phòng Kinh tế" not in receipt


async def test_a_conduct_receipt_names_the_leaders_never_an_empty_department(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    receipt = await file_by_typing(chats, CITIZEN, "phan anh", "thai do")
    assert "chuyển đến lãnh đạo UBND xã" in receipt
    assert "chưa có bộ phận" not in receipt


async def to_location(chats: Chats, user: int) -> list[Call]:
    """A feedback by buttons up to the location step; what asked for the place."""
    await chats.tap(user, "Gửi phản ánh")
    await chats.tap(user, "Phản ánh")
    await chats.tap(user, "Môi trường")
    await chats.say(user, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông đã một tuần.")
    return await chats.tap(user, "Không có ảnh")


NOISE = ("Đã ghi nhận.",)


def said(calls: list[Call]) -> list[str]:
    return [str(c.params["text"]) for c in calls]


async def test_the_location_step_numbers_what_can_be_typed_and_says_so(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    asked = await to_location(chats, CITIZEN)
    labels = [label for label, _ in buttons(asked[-1])]
    assert labels == ["1. Bỏ qua", "2. 📍 Gửi vị trí trên bản đồ", "↩️ Quay lại", "✖️ Hủy"]
    assert "gõ 1" in said(asked)[-1]
    assert "“2. 📍 Gửi vị trí trên bản đồ”" in said(asked)[-1]
    # "1" is "Bỏ qua", as its button says: the next question at once, nothing before it.
    [skipped] = await chats.say(CITIZEN, "1")
    assert "để lại họ tên" in said([skipped])[0]


async def test_a_pressed_numbered_reply_button_and_a_typed_place_are_understood(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await to_location(chats, CITIZEN)
    await chats.tap(CITIZEN, "Gửi vị trí trên bản đồ")
    # "↩️ Quay lại" on the phone's keyboard: the location asked as before, the keyboard gone.
    back = await chats.say(CITIZEN, "↩️ Quay lại")
    assert said(back)[0] == t("intake.went_back")
    assert "remove_keyboard" in str(back[0].params["reply_markup"])
    assert said(back)[-1].startswith("Sự việc xảy ra ở đâu?")
    [typed] = await chats.say(CITIZEN, "Ngõ 3, thôn Đông")
    assert "để lại họ tên" in said([typed])[0]
    await chats.tap(CITIZEN, "Không cần")
    await chats.tap(CITIZEN, "Sửa")
    await chats.tap(CITIZEN, "Vị trí")
    # Editing offers to keep the place: "Bỏ qua" stays 1, the map 2, "Giữ nguyên" is 3.
    asked = chats.sent(CITIZEN)[-1]
    assert "Ngõ 3, thôn Đông" in said([asked])[0]
    labels = [label for label, _ in buttons(asked)]
    assert labels[:3] == ["1. Bỏ qua", "2. 📍 Gửi vị trí trên bản đồ", "3. Giữ nguyên"]
    await chats.tap(CITIZEN, "Gửi vị trí trên bản đồ")
    # On the phone's keyboard, "Bỏ qua" is still 1 and keeping is 2.
    labels = [b["text"] for b in reply_keyboard(chats.sent(CITIZEN)[-1])]
    assert labels[1:3] == ["1. Bỏ qua", "2. Giữ nguyên"]
    kept = await chats.say(CITIZEN, "2. Giữ nguyên")
    assert said(kept)[0] == t("intake.location.place", place="Ngõ 3, thôn Đông")
    assert "Ngõ 3, thôn Đông" in said(kept)[-1]
    assert not set(said(kept)) & set(NOISE)
    await chats.tap(CITIZEN, "Sửa")
    await chats.tap(CITIZEN, "Vị trí")
    await chats.tap(CITIZEN, "Bỏ qua")
    await chats.tap(CITIZEN, "Gửi")
    assert await rows(config, "SELECT place, latitude FROM tickets") == [(None, None)]


async def test_the_phone_step_numbers_sharing_and_keeping_the_number(
    chats: Chats,
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.say(CITIZEN, "khieu nai")
    await chats.say(CITIZEN, "dat dai")
    await chats.say(CITIZEN, "Tôi không đồng ý với quyết định thu hồi đất số 12 của xã.")
    await chats.say(CITIZEN, "xong")
    await chats.say(CITIZEN, "1")
    await chats.say(CITIZEN, "Nguyễn Văn Bình")
    back = await chats.say(CITIZEN, "quay lai")
    assert not set(said(back)) & set(NOISE)
    await chats.say(CITIZEN, "giu nguyen")
    await chats.say(CITIZEN, "0912345678")
    await chats.say(CITIZEN, "Thôn Đông, xã Sơn Ninh")
    await chats.tap(CITIZEN, "Sửa")
    asked = await chats.tap(CITIZEN, "Thông tin liên hệ")
    assert "Nguyễn Văn Bình" in said(asked)[-1]
    asked = await chats.say(CITIZEN, "1")
    labels = [label for label, _ in buttons(asked[-1])]
    assert labels[:2] == ["1. 📱 Gửi số điện thoại của tôi", "2. Giữ nguyên"]
    assert "Đang ghi: 0912345678" in said(asked)[-1]
    [kept] = await chats.say(CITIZEN, "2")  # one message: the next question
    assert "Xin cho biết địa chỉ" in said([kept])[0]


async def test_a_draft_kept_before_the_keyboard_was_a_choice_still_takes_it_away(
    chats: Chats,
) -> None:
    """Drafts stored by the previous version showed the phone's keyboard at the location
    step; leaving it says what was recorded and takes the keyboard away, as it did then."""
    await agree(chats, CITIZEN)
    await to_location(chats, CITIZEN)
    stored = chats.app.user_data[CITIZEN][DRAFT_KEY]
    del stored["keyboard"], stored["phone_buttons"]
    chats.app.mark_data_for_update_persistence(user_ids=[CITIZEN])
    await chats.app.update_persistence()  # stored as the previous version left it
    left = await chats.say(CITIZEN, "Ngõ 3, thôn Đông")
    assert said(left)[0] == t("intake.location.place", place="Ngõ 3, thôn Đông")
    assert "remove_keyboard" in str(left[0].params["reply_markup"])
    assert "để lại họ tên" in said(left)[-1]
