"""❓ Hỏi xã through the real Application: asking from the menu, the offer for unmatched text
(also across a restart), forged buttons, the officer's answer, the FAQ proposal and approval,
the next citizen answered from the FAQ at once, and a leader withdrawing an entry."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.services import Services
from bot.texts import t
from handlers.wiring.application import build_application
from storage.backends import open_database
from tests.handlers.test_casework_flow import CHAIRMAN, ECONOMY, OFFICE, texts, toasts
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock
from tests.support.offline import OfflineRequest

CITIZEN = 8101
NEXT_CITIZEN = 8102
THIRD_CITIZEN = 8103
QUESTION = "Bao giờ xã phát gạo cho các hộ bị lũ ạ?"
ANSWER = "Xã phát gạo hỗ trợ tại nhà văn hóa các thôn vào sáng thứ Bảy tuần này."


async def asked(chats: Chats, user: int = CITIZEN) -> str:
    """A question filed from the menu; returns its code."""
    await agree(chats, user)
    prompt = await chats.say(user, "hoi xa")
    assert "Ông/bà muốn hỏi gì?" in str(prompt[-1].params["text"])
    read_back = await chats.say(user, QUESTION)
    assert QUESTION in str(read_back[-1].params["text"])
    receipt = await chats.tap(user, "Gửi câu hỏi")
    text = chats.last_text(user)
    assert "Đã gửi câu hỏi" in text, receipt
    return text.split("Mã: ")[1].split()[0]


async def test_a_question_from_the_menu_reaches_the_office(chats: Chats, config: Config) -> None:
    code = await asked(chats)
    assert "Hạn trả lời: 02/12/2026" in chats.last_text(CITIZEN)
    assert await rows(config, "SELECT code, kind, category_id, status FROM tickets") == [
        (code, "question", "", "new")
    ]
    card = texts(chats, OFFICE)[-1]
    assert code in card
    assert "Câu hỏi" in card
    labels = [label for label, _ in buttons(chats.sent(OFFICE)[-1])]
    assert labels[0].endswith("✍️ Trả lời")
    assert not any("Tiếp nhận" in label or "Giải quyết" in label for label in labels)


async def test_edit_and_cancel_keep_control_with_the_citizen(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "hoi xa")
    short = await chats.say(CITIZEN, "alo")
    assert "ngắn quá" in str(short[0].params["text"])
    await chats.say(CITIZEN, QUESTION)
    again = await chats.say(CITIZEN, "2")
    assert "gõ lại câu hỏi" in str(again[-1].params["text"])
    await chats.say(CITIZEN, "Đăng ký kết hôn cần những giấy tờ gì?")
    cancelled = await chats.say(CITIZEN, "hủy")
    assert "câu hỏi chưa được gửi" in str(cancelled[0].params["text"])
    assert await rows(config, "SELECT count(*) FROM tickets") == [(0,)]


async def test_unmatched_text_is_offered_and_kept_across_a_restart(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    offer = await chats.say(CITIZEN, QUESTION)
    labels = [label for label, _ in buttons(offer[-1])]
    assert labels == [
        "1. ❓ Gửi câu hỏi này cho xã",
        "2. 📝 Gửi phản ánh, kiến nghị",
        "3. 📋 Xem menu",
    ]
    assert all(len(data) <= 16 for _, data in buttons(offer[-1])), "only a short reference"
    assert QUESTION not in str([data for _, data in buttons(offer[-1])])
    # A second process on the same file, as after kill -9.
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            read_back = await again.say(CITIZEN, "1")
            assert QUESTION in str(read_back[-1].params["text"])
            await again.say(CITIZEN, "gửi")
            assert "Đã gửi câu hỏi" in again.last_text(CITIZEN)
    finally:
        await db.close()
    assert await rows(config, "SELECT kind, content FROM tickets") == [("question", QUESTION)]


async def test_a_pressed_offer_after_a_restart_files_the_text_as_a_case(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    offer = await chats.say(CITIZEN, "Đèn đường ở ngõ 5 thôn Đông hỏng cả tháng nay.")
    [case_button] = [data for label, data in buttons(offer[-1]) if "phản ánh" in label]
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            await again.press(CITIZEN, case_button)
            assert "loại đơn nào" in again.last_text(CITIZEN)
            await again.tap(CITIZEN, "Phản ánh")
            content = await again.tap(CITIZEN, "Giao thông")
            assert "Đèn đường ở ngõ 5" in str(content[-1].params["text"])
    finally:
        await db.close()


@pytest.mark.parametrize(
    "data",
    [
        "qo.deadbeef|ask",  # a reference no offer of this person has
        "qo.deadbeef|case",
        "qo.deadbeef|menu",
        "qo.deadbeef|delete",
        "qa.deadbeef|send",
        "qa.x|cancel",
        "faqp.1|propose",
        "faqd.1|approve",
        "faqd.abc|approve",
    ],
)
async def test_forged_buttons_change_nothing(chats: Chats, config: Config, data: str) -> None:
    await agree(chats, CITIZEN)
    offer = await chats.say(CITIZEN, QUESTION)
    await chats.press(CITIZEN, data)
    assert await rows(config, "SELECT count(*) FROM tickets") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM faq_entries") == [(0,)]
    # The text the offer keeps is still there for the real button.
    [ask] = [d for label, d in buttons(offer[-1]) if "câu hỏi" in label]
    await chats.press(CITIZEN, ask)
    assert QUESTION in chats.last_text(CITIZEN)


async def test_a_forged_offer_reference_never_sends_the_kept_text(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    offer = await chats.say(CITIZEN, QUESTION)
    [ask] = [data for label, data in buttons(offer[-1]) if "câu hỏi" in label]
    await chats.press(CITIZEN, ask.replace(ask.split("|")[0], "qo.00000000"))
    assert QUESTION not in chats.last_text(CITIZEN)
    await chats.press(CITIZEN, ask)
    assert QUESTION in chats.last_text(CITIZEN)
    # The offer is used: pressing it again finds nothing kept.
    used = await chats.press(CITIZEN, ask)
    assert "không còn" in " ".join(str(c.params.get("text")) for c in used)
    # The question being written is asked again, last.
    assert QUESTION in chats.last_text(CITIZEN)


async def test_answered_proposed_approved_then_the_next_citizen_is_answered_at_once(
    chats: Chats, config: Config
) -> None:
    code = await asked(chats)
    await chats.tap(OFFICE, "Trả lời")
    await chats.say(OFFICE, ANSWER)
    await chats.tap(OFFICE, "Gửi kết quả")
    assert ANSWER in texts(chats, CITIZEN)[-1]
    await chats.tap(CITIZEN, "Hài lòng")
    assert await rows(config, "SELECT status, rating FROM tickets") == [("resolved", "satisfied")]
    # A colleague of another department may not propose it; the one who answered may.
    [propose] = [d for c in chats.sent(OFFICE) for label, d in buttons(c) if "hỏi đáp" in label]
    await chats.press(ECONOMY, propose)
    assert await rows(config, "SELECT count(*) FROM faq_entries") == [(0,)]
    await chats.press(OFFICE, propose)
    assert code in texts(chats, OFFICE)[-1]
    [approve] = [data for label, data in buttons(chats.sent(CHAIRMAN)[-1]) if "Duyệt" in label]
    await chats.press(OFFICE, approve)  # forged: the officer is no leader
    assert await rows(config, "SELECT status FROM faq_entries") == [("proposed",)]
    await chats.press(CHAIRMAN, approve)
    assert await rows(config, "SELECT status FROM faq_entries") == [("approved",)]
    await agree(chats, NEXT_CITIZEN)
    await chats.say(NEXT_CITIZEN, "hoi xa")
    found = await chats.say(NEXT_CITIZEN, "bao gio xa phat gao cho cac ho bi lu")
    assert ANSWER in str(found[-1].params["text"])
    await chats.tap(NEXT_CITIZEN, "Đã rõ")
    # Typed straight away, without the menu and with a typo, it is answered just the same.
    await agree(chats, THIRD_CITIZEN)
    found = await chats.say(THIRD_CITIZEN, "bao gio xa phat gao cac ho bi lux")
    assert ANSWER in str(found[-1].params["text"])
    await chats.tap(THIRD_CITIZEN, "Đã rõ")
    assert await rows(config, "SELECT count(*) FROM tickets") == [(1,)]


async def approved_entry(chats: Chats) -> None:
    """QUESTION answered by the office, proposed, approved by the chairman."""
    await asked(chats)
    await chats.tap(OFFICE, "Trả lời")
    await chats.say(OFFICE, ANSWER)
    await chats.tap(OFFICE, "Gửi kết quả")
    [propose] = [d for c in chats.sent(OFFICE) for label, d in buttons(c) if "hỏi đáp" in label]
    await chats.press(OFFICE, propose)
    [approve] = [data for label, data in buttons(chats.sent(CHAIRMAN)[-1]) if "Duyệt" in label]
    await chats.press(CHAIRMAN, approve)


async def test_a_leader_lists_the_entries_and_withdraws_one_after_confirming(
    chats: Chats, config: Config
) -> None:
    empty = await chats.say(CHAIRMAN, "/hoidap")
    assert "Chưa có mục hỏi đáp nào" in str(empty[-1].params["text"])
    await approved_entry(chats)
    listed = await chats.say(CHAIRMAN, "/hoidap")
    text = str(listed[-1].params["text"])
    assert "đang dùng (1 mục)" in text
    assert QUESTION in text
    assert ANSWER in text
    [(label, withdraw)] = buttons(listed[-1])
    assert label == "🗑 Gỡ mục 1"
    # Only a leader: the officer who answered may neither list nor withdraw.
    refused = await chats.say(OFFICE, "/hoidap")
    assert "lãnh đạo" in str(refused[-1].params["text"])
    await chats.press(OFFICE, withdraw)
    assert toasts(chats)[-1] == t("case.not_allowed")
    asked_once = await chats.press(CHAIRMAN, withdraw)
    confirm = asked_once[-1]
    assert "Gỡ mục hỏi đáp số 1?" in str(confirm.params["text"])
    [(_, yes), (_, keep)] = buttons(confirm)
    await chats.press(CHAIRMAN, keep)
    assert "Đã giữ lại" in chats.last_text(CHAIRMAN)
    await chats.press(OFFICE, yes)  # forged: the officer is no leader
    assert toasts(chats)[-1] == t("faq.leaders_only")
    assert await rows(config, "SELECT withdrawn_at IS NULL FROM faq_entries") == [(1,)]
    await chats.press(CHAIRMAN, yes)
    assert "Đã gỡ mục hỏi đáp số 1" in chats.last_text(CHAIRMAN)
    assert "đã gỡ câu trả lời" in texts(chats, OFFICE)[-1]
    await chats.press(CHAIRMAN, yes)
    assert toasts(chats)[-1] == t("faq.withdrawn_already")
    assert "Chưa có mục hỏi đáp nào" in str(
        (await chats.say(CHAIRMAN, "/hoidap"))[-1].params["text"]
    )
    # The next citizen asking the same thing is no longer answered from it: it goes to an officer.
    await agree(chats, NEXT_CITIZEN)
    offer = await chats.say(NEXT_CITIZEN, "bao gio xa phat gao cho cac ho bi lu")
    assert ANSWER not in str(offer[-1].params["text"])
    assert any("Gửi câu hỏi này cho xã" in label for label, _ in buttons(offer[-1]))


async def test_hoso_offers_the_faq_until_the_question_is_proposed(
    chats: Chats, config: Config
) -> None:
    code = await asked(chats)
    await chats.say(OFFICE, f"/hoso {code}")
    assert not any("hỏi đáp" in label for c in chats.sent(OFFICE) for label, _ in buttons(c))
    await chats.tap(OFFICE, "Trả lời")
    await chats.say(OFFICE, ANSWER)
    await chats.tap(OFFICE, "Gửi kết quả")
    shown = await chats.say(OFFICE, f"/hoso {code}")
    assert f"Câu hỏi {code} đã được trả lời" in str(shown[-1].params["text"])
    [(label, propose)] = buttons(shown[-1])
    assert label.endswith("➕ Thêm vào hỏi đáp")
    await chats.press(OFFICE, propose)
    assert await rows(config, "SELECT status FROM faq_entries") == [("proposed",)]
    again = await chats.say(OFFICE, f"/hoso {code}")
    assert not any("hỏi đáp" in label for c in again for label, _ in buttons(c))
