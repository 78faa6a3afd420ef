"""Citizen → officer → citizen through the real Application: every step, every notice."""

from __future__ import annotations

import json
import re
from functools import partial

import pytest

from bot.config import Config
from bot.dialogs.notices import RATE_REF, rating_options
from bot.messages import Notice
from bot.services.case_views import WORK_SHOWN
from handlers.citizen.latest_question import notice_shown
from handlers.telegram.menus import announce_commands
from handlers.telegram.sender import TelegramSender
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.handlers.test_supervision import file
from tests.support.chat import Chats, buttons
from tests.support.offline import Call

CITIZEN = 8001
OTHER_CITIZEN = 8002
CHAIRMAN = 100000001  # leader, admin
OFFICE = 100000002  # officer, reception, Văn phòng
ECONOMY = 100000003  # officer, Phòng Kinh tế
SUPERVISOR = 100000004


def texts(chats: Chats, user: int) -> list[str]:
    return [str(c.params.get("text") or c.params.get("caption") or "") for c in chats.sent(user)]


async def filed(chats: Chats) -> str:
    await agree(chats, CITIZEN)
    return await file_feedback(chats, CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")


async def file_with_identity(
    chats: Chats, kind: str, content: str, name: str, phone: str, address: str
) -> None:
    """A complaint or denunciation about land, filed by buttons, with the identity it needs."""
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, kind)
    await chats.tap(CITIZEN, "Đất đai")
    await chats.say(CITIZEN, content)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    for answer in (name, phone, address, "gửi"):
        await chats.say(CITIZEN, answer)


async def test_the_whole_loop(chats: Chats, config: Config) -> None:
    code = await filed(chats)
    receipt = texts(chats, CITIZEN)[-1]
    assert "Phòng Kinh tế" in receipt
    # Filed on Saturday 28/11/2026: ten working days run from Monday 30/11.
    assert "Hạn trả lời: 11/12/2026" in receipt
    card = chats.sent(ECONOMY)[-1]
    assert f"Hồ sơ mới {code}" in str(card.params["text"])
    assert "Rác thải đổ trộm" in str(card.params["text"])
    assert "Hạn trả lời: 11/12/2026" in str(card.params["text"])
    labels = [label for label, _ in buttons(card)]
    assert any("Tiếp nhận" in label for label in labels)
    assert not any("Giải quyết" in label for label in labels), "not before acceptance"

    await chats.tap(ECONOMY, "Tiếp nhận")
    assert "đã được thụ lý" in texts(chats, CITIZEN)[-1]

    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Rác đổ ở bên trái hay bên phải cổng làng?")
    question = chats.sent(CITIZEN)[-1]
    assert "Rác đổ ở bên trái hay bên phải cổng làng?" in str(question.params["text"])
    await chats.tap(CITIZEN, "Trả lời")
    await chats.say(CITIZEN, "Bên phải, cạnh cột điện số 12.")
    assert "Bên phải, cạnh cột điện số 12." in texts(chats, ECONOMY)[-1]

    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thu gom rác và cắm biển cấm đổ rác.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    result = chats.sent(CITIZEN)[-1]
    assert "Đã thu gom rác và cắm biển cấm đổ rác." in str(result.params["text"])
    await chats.tap(CITIZEN, "Hài lòng")
    await chats.say(CITIZEN, "Cảm ơn các anh chị cán bộ.")
    assert "hài lòng" in " ".join(texts(chats, ECONOMY)[-2:])
    assert "Cảm ơn các anh chị cán bộ." in texts(chats, ECONOMY)[-1]

    actions = await rows(config, "SELECT action, from_status, to_status FROM ticket_events")
    assert actions == [
        ("submitted", None, "new"),
        ("accept", "new", "accepted"),
        ("ask", "accepted", "waiting_citizen"),
        ("citizen_reply", "waiting_citizen", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("rate", "resolved", "resolved"),
        ("rating_comment", "resolved", "resolved"),
    ]
    [(status, rating, result_text)] = await rows(
        config, "SELECT status, rating, result FROM tickets"
    )
    assert (status, rating) == ("resolved", "satisfied")
    assert result_text == "Đã thu gom rác và cắm biển cấm đổ rác."


async def test_unsatisfied_reopens_and_alerts_the_leader(chats: Chats, config: Config) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã nhắc nhở hộ gia đình liên quan.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    await chats.tap(CITIZEN, "Chưa hài lòng")
    assert any(f"Hồ sơ {code} được mở lại" in text for text in texts(chats, CHAIRMAN))
    assert "được mở lại" in " ".join(texts(chats, CITIZEN)[-2:])
    [(status,)] = await rows(config, "SELECT status FROM tickets")
    assert status == "reopened"


async def resolved(chats: Chats) -> str:
    """A filed case, accepted and resolved: the citizen's last message is the rating question."""
    code = await filed(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã nhắc nhở hộ gia đình liên quan.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    return code


def toasts(chats: Chats) -> list[str]:
    """What the small pop-ups on pressed buttons said (Telegram's answerCallbackQuery)."""
    calls = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    return [str(c.params.get("text") or "") for c in calls]


async def test_unsatisfied_is_acknowledged_once_and_the_question_comes_last(
    chats: Chats,
) -> None:
    code = await resolved(chats)
    got = await chats.tap(CITIZEN, "Chưa hài lòng")
    said = [str(c.params["text"]) for c in got]
    assert len(said) == 2, said
    assert "ghi nhận" in said[0]
    assert code in said[0]
    assert "góp ý thêm" in said[-1]


async def test_a_double_tap_on_unsatisfied_keeps_the_comment(chats: Chats, config: Config) -> None:
    await resolved(chats)
    [_, unsatisfied] = [data for _, data in buttons(chats.sent(CITIZEN)[-1])]
    await chats.press(CITIZEN, unsatisfied)
    asked = chats.last_text(CITIZEN)
    second = await chats.press(CITIZEN, unsatisfied)
    assert not second, "the question stays the last message"
    assert "đã đánh giá" in toasts(chats)[-1]
    assert chats.last_text(CITIZEN) == asked
    await chats.say(CITIZEN, "Rác vẫn còn ở đầu ngõ.")
    assert "Cảm ơn ông/bà đã góp ý" in chats.last_text(CITIZEN)
    assert "Rác vẫn còn ở đầu ngõ." in texts(chats, ECONOMY)[-1]
    assert "/hoso" not in " ".join(texts(chats, CITIZEN))
    assert await rows(config, "SELECT rating, rating_comment, status FROM tickets") == [
        ("unsatisfied", "Rác vẫn còn ở đầu ngõ.", "reopened")
    ]
    assert await rows(config, "SELECT count(*) FROM ticket_events WHERE action = 'rate'") == [(1,)]


async def test_a_double_tap_on_send_files_once_and_answers_in_the_popup(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    for label in ("Gửi phản ánh", "Phản ánh", "Môi trường"):
        await chats.tap(CITIZEN, label)
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "Bỏ qua")
    read_back = await chats.tap(CITIZEN, "Không cần")
    send = next(data for label, data in buttons(read_back[-1]) if "Gửi" in label)
    await chats.press(CITIZEN, send)
    code = chats.last_text(CITIZEN).split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]
    second = await chats.press(CITIZEN, send)
    assert not second, "the receipt stays the last message"
    assert f"Đơn này đã được gửi, mã hồ sơ {code}" in toasts(chats)[-1]
    assert await rows(config, "SELECT count(*) FROM tickets") == [(1,)]


async def test_a_double_tap_on_send_result_answers_in_the_popup(
    chats: Chats, config: Config
) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    read_back = await chats.say(ECONOMY, "Đã nhắc nhở hộ gia đình liên quan.")
    send = next(data for label, data in buttons(read_back[-1]) if "Gửi kết quả" in label)
    await chats.press(ECONOMY, send)
    second = await chats.press(ECONOMY, send)
    assert not second, "no message and no command list for a press already done"
    assert "không còn dùng được" in toasts(chats)[-1]
    assert await rows(config, "SELECT count(*) FROM ticket_events WHERE action = 'resolve'") == [
        (1,)
    ]


async def test_a_late_press_of_a_rating_button_is_answered_kindly(
    chats: Chats, config: Config
) -> None:
    await resolved(chats)
    [satisfied, unsatisfied] = [data for _, data in buttons(chats.sent(CITIZEN)[-1])]
    await chats.press(CITIZEN, unsatisfied)
    await chats.tap(CITIZEN, "Bỏ qua")
    for data in (satisfied, unsatisfied):
        late = await chats.press(CITIZEN, data)
        assert "đã đánh giá" in str(late[-1].params["text"])
    assert "/hoso" not in " ".join(texts(chats, CITIZEN))
    assert await rows(config, "SELECT rating, status FROM tickets") == [("unsatisfied", "reopened")]


async def test_an_old_answer_button_does_not_end_the_comment_question(
    chats: Chats, config: Config
) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Rác ở bên trái hay bên phải cổng?")
    [(_, answer)] = buttons(chats.sent(CITIZEN)[-1])
    await chats.tap(CITIZEN, "Trả lời")
    await chats.say(CITIZEN, "Bên phải.")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thu gom.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    await chats.tap(CITIZEN, "Hài lòng")
    refused = await chats.press(CITIZEN, answer)
    assert not refused, "the comment question stays the last message"
    assert "đã kết thúc" in toasts(chats)[-1]
    await chats.say(CITIZEN, "Cán bộ làm nhanh, cảm ơn.")
    assert "Cảm ơn ông/bà đã góp ý" in chats.last_text(CITIZEN)
    assert await rows(config, "SELECT rating_comment FROM tickets") == [
        ("Cán bộ làm nhanh, cảm ơn.",)
    ]


async def test_the_rating_can_be_typed_by_number(chats: Chats, config: Config) -> None:
    await resolved(chats)
    got = await chats.say(CITIZEN, "2")
    assert "góp ý thêm" in str(got[-1].params["text"])
    await chats.say(CITIZEN, "Vẫn còn rác.")
    assert await rows(config, "SELECT rating, rating_comment, status FROM tickets") == [
        ("unsatisfied", "Vẫn còn rác.", "reopened")
    ]


async def test_the_rating_can_be_typed_in_words_without_diacritics(
    chats: Chats, config: Config
) -> None:
    await resolved(chats)
    await chats.say(CITIZEN, "chua hai long")
    assert "góp ý thêm" in chats.last_text(CITIZEN)
    assert await rows(config, "SELECT rating, status FROM tickets") == [("unsatisfied", "reopened")]


async def test_an_officers_question_takes_its_typed_number(chats: Chats) -> None:
    """ "1. ✍️ Trả lời" under the officer's question: a typed "1" is that button, not the
    main menu's "1" (a new case)."""
    await filed(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Rác ở bên trái hay bên phải cổng?")
    asked = await chats.say(CITIZEN, "1")
    assert "gõ nội dung gửi cán bộ" in str(asked[-1].params["text"])
    await chats.say(CITIZEN, "Bên phải.")
    assert "Bên phải." in texts(chats, ECONOMY)[-1]


async def test_a_number_goes_to_the_menu_once_the_menu_is_the_latest_question(
    chats: Chats, config: Config
) -> None:
    await resolved(chats)
    await chats.say(CITIZEN, "/start")
    listed = await chats.say(CITIZEN, "2")
    assert "Các hồ sơ của ông/bà" in str(listed[-1].params["text"])
    assert await rows(config, "SELECT rating, status FROM tickets") == [(None, "resolved")]


async def test_tracuu_shows_the_result_and_takes_the_rating(chats: Chats, config: Config) -> None:
    code = await resolved(chats)
    await chats.say(CITIZEN, "/start")
    shown = await chats.say(CITIZEN, f"/tracuu {code}")
    assert "Đã nhắc nhở hộ gia đình liên quan." in " ".join(str(c.params["text"]) for c in shown)
    labels = [label for label, _ in buttons(shown[-1])]
    assert labels == ["1. 👍 Hài lòng", "2. 👎 Chưa hài lòng"]
    await chats.say(CITIZEN, "2")
    assert "góp ý thêm" in chats.last_text(CITIZEN)
    await chats.say(CITIZEN, "Rác vẫn đổ trộm ban đêm.")
    assert "Rác vẫn đổ trộm ban đêm." in texts(chats, ECONOMY)[-1]
    assert await rows(config, "SELECT rating, rating_comment FROM tickets") == [
        ("unsatisfied", "Rác vẫn đổ trộm ban đêm.")
    ]
    again = await chats.say(CITIZEN, f"/tracuu {code}")
    assert not any(buttons(c) for c in again if "Hài lòng" in str(buttons(c)))


async def test_a_typed_code_offers_the_rating_as_buttons_too(chats: Chats, config: Config) -> None:
    code = await resolved(chats)
    shown = await chats.say(CITIZEN, code)
    assert [label for label, _ in buttons(shown[-1])] == ["1. 👍 Hài lòng", "2. 👎 Chưa hài lòng"]
    await chats.tap(CITIZEN, "Hài lòng")
    await chats.tap(CITIZEN, "Bỏ qua")
    assert await rows(config, "SELECT rating FROM tickets") == [("satisfied",)]


async def test_typed_answer_reaches_the_officer(chats: Chats) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Ông/bà cho biết số nhà gần nhất?")
    answer = await chats.say(CITIZEN, "Số nhà 15")
    assert "Đã chuyển nội dung" in str(answer[-1].params["text"])
    assert "Số nhà 15" in texts(chats, ECONOMY)[-1]


async def test_refusal_needs_a_reason_and_reaches_the_citizen(chats: Chats, config: Config) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Từ chối")
    await chats.say(ECONOMY, "Việc này thuộc thẩm quyền của Công ty Điện lực.")
    assert "Công ty Điện lực" in texts(chats, CITIZEN)[-1]
    assert "không được thụ lý" in texts(chats, CITIZEN)[-1]
    [(status, result)] = await rows(config, "SELECT status, result FROM tickets")
    assert status == "refused"
    assert result == "Việc này thuộc thẩm quyền của Công ty Điện lực."


async def test_reassign_routes_within_the_new_department(chats: Chats, config: Config) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "Công an xã")
    await chats.say(ECONOMY, "Có dấu hiệu vi phạm trật tự, đề nghị công an xử lý.")
    # Nobody works in the police queue in the example config: the Office triages, and the
    # citizen is told whose desk it is on, not a queue nobody reads.
    assert any(code in text for text in texts(chats, OFFICE))
    assert "chuyển sang Văn phòng HĐND và UBND" in texts(chats, CITIZEN)[-1]
    [(department, assignee)] = await rows(
        config,
        "SELECT t.department_id, p.external_id FROM tickets t "
        "JOIN people p ON p.id = t.assignee_id",
    )
    assert assignee == str(OFFICE)
    assert department in ("cong-an", "van-phong")


async def test_nobody_else_can_act_on_the_case(chats: Chats, config: Config) -> None:
    await filed(chats)
    card = chats.sent(ECONOMY)[-1]
    accept = next(data for label, data in buttons(card) if "Tiếp nhận" in label)
    for intruder in (OFFICE, SUPERVISOR, OTHER_CITIZEN):
        if intruder == OTHER_CITIZEN:
            await agree(chats, OTHER_CITIZEN)
        await chats.press(intruder, accept)
    assert await rows(config, "SELECT status FROM tickets") == [("new",)]
    answers = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    assert sum("không có quyền" in str(a.params.get("text")) for a in answers) >= 2
    # The right officer presses twice (or the press comes again after a crash that cut its
    # answer short): the second press changes nothing and gets the answer the first got.
    await chats.press(ECONOMY, accept)
    await chats.press(ECONOMY, accept)
    assert await rows(config, "SELECT count(*) FROM ticket_events WHERE action = 'accept'") == [
        (1,)
    ]
    told = [text for text in texts(chats, ECONOMY) if text.startswith("Đã tiếp nhận hồ sơ")]
    assert len(told) == 2
    assert sum("đã được thụ lý" in text for text in texts(chats, CITIZEN)) == 1


async def test_forged_case_buttons(chats: Chats, config: Config) -> None:
    await filed(chats)
    for data in (
        "case.999|accept",
        "case.1|delete",
        "case.x|accept",
        "case.1|resolve",
        "rate.1|yes",
    ):
        await chats.press(ECONOMY, data)
    assert await rows(config, "SELECT status FROM tickets") == [("new",)]


async def test_officer_commands(chats: Chats) -> None:
    code = await filed(chats)
    work = await chats.say(ECONOMY, "/viec")
    assert code in str(work[-1].params["text"])
    case = await chats.say(ECONOMY, f"/hoso {code}")
    assert "Lịch sử hồ sơ" in str(case[-1].params["text"])
    assert "Gửi đơn" in str(case[-1].params["text"])
    hidden = await chats.say(SUPERVISOR, f"/hoso {code}")
    assert "không có quyền xem" in str(hidden[-1].params["text"])
    citizen = await chats.say(CITIZEN, "/viec")
    assert "dành cho cán bộ" in str(citizen[-1].params["text"])


@pytest.mark.slow
async def test_an_officer_with_many_cases_sees_how_many_and_the_most_urgent(
    chats: Chats, config: Config
) -> None:
    codes = []
    for n in range(WORK_SHOWN + 5):
        citizen = 81_000 + n
        await agree(chats, citizen)
        codes.append(await file_feedback(chats, citizen, f"Rác thải đổ trộm ở ngõ {n}, thôn Đông."))
    work = (await chats.say(ECONOMY, "/viec"))[-1]
    assert f"({WORK_SHOWN + 5})" in str(work.params["text"])
    # Filed at the same moment, so due the same day: in the order they were filed.
    assert [label for label, _ in buttons(work)] == codes[:WORK_SHOWN]
    greeting = (await chats.say(ECONOMY, "/start"))[-1]
    assert str(WORK_SHOWN + 5) in str(greeting.params["text"])


async def test_denouncer_identity_reaches_only_leaders(chats: Chats, config: Config) -> None:
    await file_with_identity(
        chats,
        "Tố cáo",
        "Ông X lấn chiếm đất công ở xứ đồng Cửa Làng để xây nhà.",
        "Trần Văn Mật",
        "0987654321",
        "Xóm Giữa, xã Sơn Ninh",
    )
    # Sealed: not even the leader's card carries it; the leader opens it, and only in the chat.
    assert "Trần Văn Mật" not in " ".join(texts(chats, CHAIRMAN))
    await chats.tap(CHAIRMAN, "Xem danh tính")
    leader = " ".join(texts(chats, CHAIRMAN))
    assert "Trần Văn Mật" in leader
    for other in (OFFICE, ECONOMY, SUPERVISOR):
        seen = " ".join(texts(chats, other))
        assert "Trần Văn Mật" not in seen
        assert "0987654321" not in seen
        assert "Xóm Giữa" not in seen


async def test_id_and_officer_admin(chats: Chats, config: Config) -> None:
    stranger = await chats.say(9999, "/id")
    assert "9999" in str(stranger[-1].params["text"])
    assert await rows(config, "SELECT * FROM people WHERE external_id = '9999'") == []
    refused = await chats.say(ECONOMY, "/canbo them 9999 officer kinh-te Hoàng Văn Mới")
    assert "dành cho quản trị viên" in str(refused[-1].params["text"])
    added = await chats.say(CHAIRMAN, "/canbo them 9999 officer kinh-te Hoàng Văn Mới")
    assert "Đã thêm cán bộ Hoàng Văn Mới" in str(added[-1].params["text"])
    start = await chats.say(9999, "/start")
    assert "Chào anh/chị Hoàng Văn Mới" in str(start[-1].params["text"])
    await chats.say(CHAIRMAN, "/canbo xoa 9999")
    audit = await rows(config, "SELECT action FROM admin_events ORDER BY id")
    assert audit == [("officer_added",), ("officer_removed",)]
    # No longer an officer: an ordinary person, who meets the privacy notice first.
    after = await chats.say(9999, "/viec")
    assert "cần đồng ý" in str(after[-1].params["text"])


async def test_a_complaint_is_due_thirty_days_after_acceptance(
    chats: Chats, config: Config
) -> None:
    await file_with_identity(
        chats,
        "Khiếu nại",
        "Tôi khiếu nại quyết định thu hồi đất số 12/QĐ-UBND của xã.",
        "Lê Thị Hoa",
        "0912345678",
        "Thôn Bắc, xã Sơn Ninh",
    )
    # Ten days to accept, counted from Saturday 28/11: Tuesday 8/12.
    receipt = texts(chats, CITIZEN)[-1]
    assert "Hạn thụ lý (xã trả lời nhận hay không nhận giải quyết): 08/12/2026" in receipt
    assert "Hạn trả lời" not in receipt
    # A complaint goes to reception (the Office), and every leader sees it.
    assert any("Hồ sơ mới" in text for text in texts(chats, OFFICE))
    assert any("Lê Thị Hoa" in text for text in texts(chats, CHAIRMAN))
    await chats.tap(OFFICE, "Tiếp nhận")
    # Thirty days from acceptance on 28/11 is Monday 28/12.
    assert "Hạn giải quyết: 28/12/2026" in texts(chats, CITIZEN)[-1]
    assert await rows(config, "SELECT due_on FROM tickets") == [("2026-12-28",)]


async def test_reassigned_as_conduct_reaches_leaders_not_the_officer(
    chats: Chats, config: Config
) -> None:
    code = await filed(chats)
    before = len(chats.sent(OFFICE))
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "thái độ, tác phong")
    await chats.tap(ECONOMY, "Trần Thị Bình")
    await chats.say(ECONOMY, "Người dân phản ánh cán bộ văn phòng gây phiền hà khi làm thủ tục.")
    assert len(chats.sent(OFFICE)) == before, "the officer concerned hears nothing of it"
    assert any(code in text for text in texts(chats, CHAIRMAN))
    assert "lãnh đạo UBND xã" in texts(chats, CITIZEN)[-1]
    [(category, department, assignee, subject)] = await rows(
        config,
        "SELECT t.category_id, t.department_id, a.external_id, s.external_id FROM tickets t "
        "JOIN people a ON a.id = t.assignee_id JOIN people s ON s.id = t.subject_id",
    )
    assert (category, department) == ("thai-do-can-bo", None)
    assert (assignee, subject) == (str(CHAIRMAN), str(OFFICE))
    # The officer concerned cannot open it either.
    hidden = await chats.say(OFFICE, f"/hoso {code}")
    assert "không có quyền xem" in str(hidden[-1].params["text"])


async def test_passing_on_names_the_new_holder_and_offers_nothing_left_to_do(
    chats: Chats, config: Config
) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "Văn phòng")
    done = await chats.say(ECONOMY, "Việc này thuộc hộ tịch, đề nghị Văn phòng xử lý.")
    text = str(done[-1].params["text"])
    assert f"Đã chuyển hồ sơ {code} đến Văn phòng HĐND và UBND" in text
    assert "Trần Thị Bình" in text, "the new holder is named"
    assert "Phòng Kinh tế" not in text
    assert buttons(done[-1]) == [], "no buttons the officer can no longer use"
    assert "Văn phòng HĐND và UBND" in texts(chats, CITIZEN)[-1]
    assert any(f"Hồ sơ {code} được chuyển đến" in text for text in texts(chats, OFFICE))
    assert await rows(config, "SELECT department_id, status FROM tickets") == [
        ("van-phong", "reassigned")
    ]
    # The Office (reception, who may pass on cases it can see) sends it back to Phòng Kinh tế.
    await chats.tap(OFFICE, "Chuyển")
    await chats.tap(OFFICE, "Phòng Kinh tế")
    back = await chats.say(OFFICE, "Đây là việc môi trường, trả về Phòng Kinh tế.")
    assert f"Đã chuyển hồ sơ {code} đến Phòng Kinh tế" in str(back[-1].params["text"])
    assert "Lê Văn Cường" in str(back[-1].params["text"])
    assert buttons(back[-1]) == [], "out of the Office's sight: nothing it could press"


async def test_a_case_about_the_only_leader_is_held_by_the_office_sealed_from_him(
    chats: Chats, config: Config
) -> None:
    code = await filed(chats)
    chairman_before = len(chats.sent(CHAIRMAN))
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "thái độ, tác phong")
    await chats.tap(ECONOMY, "Nguyễn Văn An")
    done = await chats.say(ECONOMY, "Người dân phản ánh Chủ tịch xã hứa rồi không làm.")
    # One story: the Office holds it, and everyone told says so.
    assert "Văn phòng HĐND và UBND" in str(done[-1].params["text"])
    assert "Trần Thị Bình" in str(done[-1].params["text"])
    assert "Văn phòng HĐND và UBND" in texts(chats, CITIZEN)[-1]
    card = next(text for text in texts(chats, OFFICE) if f"Hồ sơ {code} được chuyển đến" in text)
    assert "Hạn trả lời: 11/12/2026" in card
    assert "cấp trên" in card, "the holder is told the case goes to the level above"
    work = await chats.say(OFFICE, "/viec")
    assert code in str(work[-1].params["text"])
    assert "11/12/2026" in str(work[-1].params["text"])
    assert any(code in text for text in texts(chats, SUPERVISOR))
    # The chairman it is about hears nothing, lists nothing and opens nothing.
    assert len(chats.sent(CHAIRMAN)) == chairman_before
    assert code not in str((await chats.say(CHAIRMAN, "/viec"))[-1].params["text"])
    hidden = await chats.say(CHAIRMAN, f"/hoso {code}")
    assert "không có quyền xem" in str(hidden[-1].params["text"])
    [(department, assignee, subject, status)] = await rows(
        config,
        "SELECT t.department_id, a.external_id, s.external_id, t.status FROM tickets t "
        "JOIN people a ON a.id = t.assignee_id JOIN people s ON s.id = t.subject_id",
    )
    assert (department, assignee, subject, status) == (
        "van-phong",
        str(OFFICE),
        str(CHAIRMAN),
        "reassigned",
    )
    # The Office can act on it: it opens it from /viec and accepts, the citizen is told.
    await chats.tap(OFFICE, code)
    await chats.tap(OFFICE, "Tiếp nhận")
    assert "đã được thụ lý" in texts(chats, CITIZEN)[-1]


async def test_a_late_press_on_an_officer_step_answers_in_officer_words(chats: Chats) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    target = next(c for c in reversed(chats.sent(ECONOMY)) if buttons(c))
    police = next(data for label, data in buttons(target) if "Công an" in label)
    await chats.say(ECONOMY, "/huy")
    late = await chats.press(ECONOMY, police)
    answers = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    said = " ".join([str(answers[-1].params.get("text")), *(str(c.params["text"]) for c in late)])
    assert "anh/chị" in said
    assert "/viec" in said, "the officer's own commands"
    for citizen_words in ("Ông/bà", "Gửi phản ánh"):
        assert citizen_words not in said, "never the citizen menu"
    idle = str((await chats.say(ECONOMY, "/huy"))[-1].params["text"])
    assert "/viec" in idle
    for citizen_words in ("Ông/bà", "Gửi phản ánh"):
        assert citizen_words not in idle


async def test_a_complex_complaint_gets_the_longer_period(chats: Chats, config: Config) -> None:
    await file_with_identity(
        chats,
        "Khiếu nại",
        "Tôi khiếu nại việc xã cấp sổ đỏ chồng lấn lên thửa đất của gia đình.",
        "Phạm Văn Lâm",
        "0911222333",
        "Thôn Nam, xã Sơn Ninh",
    )
    card = chats.sent(OFFICE)[-1]
    assert not any("phức tạp" in label for label, _ in buttons(card)), "not before acceptance"
    await chats.tap(OFFICE, "Tiếp nhận")
    assert any("phức tạp" in label for label, _ in buttons(chats.sent(OFFICE)[-1]))
    await chats.tap(OFFICE, "phức tạp")
    await chats.say(OFFICE, "Phải đo đạc lại ranh giới với Văn phòng đăng ký đất đai.")
    # 45 days from acceptance on 28/11/2026 is Tuesday 12/01/2027.
    notice = texts(chats, CITIZEN)[-1]
    assert "Hạn giải quyết mới: 12/01/2027" in notice
    assert "đo đạc lại ranh giới" in notice
    assert await rows(config, "SELECT due_on, complex FROM tickets") == [("2027-01-12", 1)]
    events = await rows(config, "SELECT action, note FROM ticket_events WHERE action = 'complex'")
    assert events == [("complex", "Phải đo đạc lại ranh giới với Văn phòng đăng ký đất đai.")]


async def test_each_officer_is_told_the_commands_their_roles_allow(chats: Chats) -> None:
    def commands(calls: list[Call]) -> set[str]:
        return set(re.findall(r"^/(\w+) — ", str(calls[-1].params["text"]), re.MULTILINE))

    every = {"viec", "hoso", "nhandem", "id", "huy"}
    assert commands(await chats.say(ECONOMY, "/start")) == every
    assert commands(await chats.say(OFFICE, "/start")) == every | {"baocao"}
    assert commands(await chats.say(SUPERVISOR, "/start")) == every | {"giamsat"}
    chairman = every | {"lichtiep", "thongbao", "canbo", "chan", "giamsat", "baocao", "hoidap"}
    assert commands(await chats.say(CHAIRMAN, "/start")) == chairman
    # A mistyped command: an officer is shown their own list, a citizen the menu.
    unknown = await chats.say(SUPERVISOR, "/baocoa")
    assert "không biết lệnh này" in str(unknown[-1].params["text"])
    assert commands(unknown) == every | {"giamsat"}
    await agree(chats, CITIZEN)
    citizen = await chats.say(CITIZEN, "/baocoa")
    assert "/guidon" in str(citizen[-1].params["text"])
    assert not commands(citizen)


async def test_staff_sub_commands_take_diacritics_and_any_case(
    chats: Chats, config: Config
) -> None:
    added = await chats.say(CHAIRMAN, "/canbo thêm 9999 officer kinh-te Hoàng Văn Mới")
    assert "Đã thêm cán bộ Hoàng Văn Mới" in str(added[-1].params["text"])
    changed = await chats.say(CHAIRMAN, "/canbo THÊM 9999 officer,reception kinh-te Hoàng Văn Mới")
    assert "Đã thêm cán bộ Hoàng Văn Mới" in str(changed[-1].params["text"])
    removed = await chats.say(CHAIRMAN, "/canbo Xóa 9999")
    assert "Đã thôi giao việc" in str(removed[-1].params["text"])
    audit = await rows(config, "SELECT action FROM admin_events ORDER BY id")
    assert audit == [("officer_added",), ("officer_added",), ("officer_removed",)]


def menus(chats: Chats, method: str, chat_id: int) -> list[set[str]]:
    """The command menus `method` set (or deleted: empty) for one chat, in order."""
    found = []
    for call in chats.request.calls:
        scope = call.params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        if call.method != method or scope != {"type": "chat", "chat_id": chat_id}:
            continue
        commands = call.params.get("commands") or "[]"
        listed = json.loads(commands) if isinstance(commands, str) else commands
        found.append({c["command"] for c in listed})
    return found


async def test_staff_menus_follow_every_change_of_an_officer(chats: Chats) -> None:
    every = {"viec", "hoso", "nhandem", "id", "huy"}
    await chats.say(CHAIRMAN, "/canbo them 9999 officer kinh-te Hoàng Văn Mới")
    assert menus(chats, "setMyCommands", 9999) == [every]
    await chats.say(CHAIRMAN, "/canbo them 9999 officer,leader kinh-te Hoàng Văn Mới")
    leader = every | {"lichtiep", "thongbao", "giamsat", "baocao", "hoidap"}
    assert menus(chats, "setMyCommands", 9999) == [every, leader]
    await chats.say(CHAIRMAN, "/canbo xoa 9999")
    assert menus(chats, "deleteMyCommands", 9999) == [set()]
    # An officer who opens the bot after start-up gets their menu then.
    await chats.say(ECONOMY, "/start")
    assert menus(chats, "setMyCommands", ECONOMY) == [every]
    # A citizen's /start sets nothing for their chat.
    await agree(chats, CITIZEN)
    assert menus(chats, "setMyCommands", CITIZEN) == []
    # At start-up: every active officer's menu again, and a retired one's is deleted.
    await announce_commands(chats.app)
    assert menus(chats, "setMyCommands", ECONOMY) == [every, every]
    assert menus(chats, "setMyCommands", 9999) == [every, leader]
    assert menus(chats, "deleteMyCommands", 9999) == [set(), set()]


async def test_a_result_that_never_reached_the_citizen_is_listed_for_a_call(
    chats: Chats, config: Config
) -> None:
    """The citizen blocked the bot before the result went: the officer's and the leaders'
    /viec list the case with the phone the citizen left, so someone can call; not other
    officers'. Rated or reopened, it leaves the list."""
    code = await file(
        chats,
        CITIZEN,
        "Phản ánh",
        "Môi trường",
        "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.",
        ("Nguyễn Văn Nam", "0912 345 678", "Thôn Đông"),
    )
    await chats.tap(ECONOMY, "Tiếp nhận")
    chats.request.blocked.add(CITIZEN)
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thu gom rác.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    await chats.app.bot_data.deliverer.deliver_due()

    for staff in (ECONOMY, CHAIRMAN):
        work = str((await chats.say(staff, "/viec"))[-1].params["text"])
        assert "chưa đến được người dân" in work, work
        assert f"{code}: 0912345678" in work, work
    other = str((await chats.say(OFFICE, "/viec"))[-1].params["text"])
    assert code not in other

    chats.request.blocked.discard(CITIZEN)
    await chats.press(CITIZEN, "rate.1|satisfied")
    work = str((await chats.say(ECONOMY, "/viec"))[-1].params["text"])
    assert code not in work


async def test_the_card_names_the_holder_the_citizen_is_told(chats: Chats) -> None:
    await file_with_identity(
        chats,
        "Khiếu nại",
        "Tôi khiếu nại việc xã cấp sổ đỏ chồng lấn lên thửa đất của gia đình.",
        "Phạm Văn Lâm",
        "0911222333",
        "Thôn Nam, xã Sơn Ninh",
    )
    assert "Văn phòng HĐND và UBND" in texts(chats, CITIZEN)[-1]
    for staff in (OFFICE, CHAIRMAN):
        card = next(text for text in texts(chats, staff) if "Hồ sơ mới" in text)
        assert "Bộ phận: Văn phòng HĐND và UBND" in card, card
        assert "Phòng Kinh tế" not in card
    viewed = str((await chats.tap(OFFICE, "Tiếp nhận"))[-1].params["text"])
    assert "Phòng Kinh tế" not in viewed


async def test_a_conduct_card_names_the_leaders(chats: Chats) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "thái độ, tác phong")
    await chats.tap(ECONOMY, "Trần Thị Bình")
    await chats.say(ECONOMY, "Người dân phản ánh cán bộ văn phòng gây phiền hà khi làm thủ tục.")
    card = next(text for text in texts(chats, CHAIRMAN) if f"Hồ sơ {code} được chuyển" in text)
    assert "chưa có bộ phận" not in card
    assert "lãnh đạo UBND xã" in card
    opened = str((await chats.say(CHAIRMAN, f"/hoso {code}"))[-1].params["text"])
    assert "chưa có bộ phận" not in opened


def officer_words(text: str) -> None:
    """What an officer reads: their own words and commands, never the citizen's menu."""
    for citizen_words in ("Ông/bà", "ông/bà", "Gửi phản ánh"):
        assert citizen_words not in text, text


async def test_an_officers_free_text_and_numbers_get_their_commands(chats: Chats) -> None:
    for typed in ("hello", "2", "1", "9"):
        said = " ".join(str(c.params["text"]) for c in await chats.say(ECONOMY, typed))
        assert "/viec" in said, said
        officer_words(said)
    await filed(chats)
    await chats.tap(ECONOMY, "Từ chối")
    await chats.say(ECONOMY, "Việc này thuộc thẩm quyền của Công ty Điện lực.")
    after = " ".join(str(c.params["text"]) for c in await chats.say(ECONOMY, "1"))
    assert "loại đơn" not in after
    assert "/viec" in after
    officer_words(after)
    # The citizen's menu is still theirs by its commands.
    form = await chats.say(ECONOMY, "/guidon")
    assert "loại đơn" in str(form[-1].params["text"])


async def test_text_at_an_officers_list_asks_the_list_again(chats: Chats, config: Config) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    again = await chats.say(ECONOMY, "gửi cho anh Tuấn")
    said = " ".join(str(c.params["text"]) for c in again)
    officer_words(said)
    assert "bộ phận nào" in str(again[-1].params["text"])
    assert any("Công an" in label for label, _ in buttons(again[-1]))
    await chats.say(ECONOMY, "thai do tac phong")
    subject = await chats.say(ECONOMY, "ai đó")
    officer_words(" ".join(str(c.params["text"]) for c in subject))
    assert "cán bộ nào" in str(subject[-1].params["text"])
    assert any("Trần Thị Bình" in label for label, _ in buttons(subject[-1]))
    await chats.say(ECONOMY, "tran thi binh")
    await chats.say(ECONOMY, "Người dân phản ánh cán bộ văn phòng gây phiền hà.")
    [(subject_id,)] = await rows(
        config, "SELECT s.external_id FROM tickets t JOIN people s ON s.id = t.subject_id"
    )
    assert subject_id == str(OFFICE)


async def about_the_chairman(chats: Chats) -> str:
    """A feedback passed as a case about the chairman: the Office holds it, sealed from him."""
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "thái độ, tác phong")
    subjects = [label for label, _ in buttons(chats.sent(ECONOMY)[-1])]
    assert not any("Phạm Thị Dung" in label for label in subjects), "not a commune officer"
    asked = await chats.tap(ECONOMY, "Nguyễn Văn An")
    prompt = str(asked[-1].params["text"])
    assert "Chuyển đến Phản ánh" not in prompt
    assert "lý do" in prompt
    await chats.say(ECONOMY, "Người dân phản ánh Chủ tịch xã hứa rồi không làm.")
    return code


async def test_passing_a_case_where_it_already_is_changes_nothing_and_tells_nobody(
    chats: Chats, config: Config
) -> None:
    await about_the_chairman(chats)
    told = {who: len(chats.sent(who)) for who in (CITIZEN, SUPERVISOR, CHAIRMAN)}
    listed = await chats.tap(OFFICE, "Chuyển")
    labels = [label for label, _ in buttons(listed[-1])]
    assert any("Văn phòng HĐND và UBND (cán bộ khác)" in label for label in labels)
    await chats.tap(OFFICE, "thái độ, tác phong")
    await chats.tap(OFFICE, "Nguyễn Văn An")
    kept = await chats.say(OFFICE, "Chuyển lại cho đúng người.")
    assert "đã ở" in str(kept[-2].params["text"])
    await chats.tap(OFFICE, "Chuyển")
    await chats.say(OFFICE, "van phong")
    kept = await chats.say(OFFICE, "Chuyển cho cán bộ khác của Văn phòng.")
    assert "đã ở" in str(kept[-2].params["text"])
    assert {who: len(chats.sent(who)) for who in told} == told, "nobody is told again"
    assert await rows(config, "SELECT count(*) FROM ticket_events WHERE action = 'reassign'") == [
        (1,)
    ]


async def test_unsatisfied_about_the_only_leader_is_not_promised_to_the_leaders(
    chats: Chats,
) -> None:
    await about_the_chairman(chats)
    await chats.tap(OFFICE, "Tiếp nhận")
    await chats.tap(OFFICE, "Giải quyết")
    await chats.say(OFFICE, "Đã chuyển đơn lên UBND huyện và báo ông/bà kết quả.")
    await chats.tap(OFFICE, "Gửi kết quả")
    before = len(chats.sent(CHAIRMAN))
    thanks = " ".join(str(c.params["text"]) for c in await chats.tap(CITIZEN, "Chưa hài lòng"))
    assert "mở lại" in thanks
    assert "lãnh đạo" not in thanks
    assert len(chats.sent(CHAIRMAN)) == before


async def asked_by_economy(chats: Chats, question: str) -> None:
    """The officer of the filed case asks the citizen `question` (accepting it first if new)."""
    if any("Tiếp nhận" in label for label, _ in buttons(chats.sent(ECONOMY)[-1])):
        await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, question)


async def test_an_answer_that_reads_like_skip_or_a_number_reaches_the_officer(
    chats: Chats, config: Config
) -> None:
    """Only the rating's comment has "Bỏ qua": an answer is never taken for it."""
    await filed(chats)
    for answer in ("Không", "bỏ qua", "1"):
        await asked_by_economy(chats, "Chiều mai ông/bà có ở nhà không, hay cột số mấy?")
        await chats.say(CITIZEN, "1")
        sent = await chats.say(CITIZEN, answer)
        assert "Đã chuyển nội dung" in str(sent[0].params["text"]), answer
        assert f"«{answer}»" in texts(chats, ECONOMY)[-1] or answer in texts(chats, ECONOMY)[-1]
    replies = await rows(
        config, "SELECT note FROM ticket_events WHERE action = 'citizen_reply' ORDER BY id"
    )
    assert replies == [("Không",), ("bỏ qua",), ("1",)]


async def test_any_number_typed_under_the_answer_button_is_the_answer(
    chats: Chats, config: Config
) -> None:
    """Under "1. ✍️ Trả lời", "2" answers "trái (1) hay phải (2)?", not the old main menu."""
    await filed(chats)
    for answer in ("2", "3"):
        await asked_by_economy(chats, "Rác ở bên trái (1) hay bên phải (2) cổng?")
        got = await chats.say(CITIZEN, answer)
        assert "Đã chuyển nội dung" in str(got[0].params["text"]), answer
        assert "Các hồ sơ của ông/bà" not in " ".join(str(c.params["text"]) for c in got)
    replies = await rows(
        config, "SELECT note FROM ticket_events WHERE action = 'citizen_reply' ORDER BY id"
    )
    assert replies == [("2",), ("3",)]


async def half_written(chats: Chats) -> None:
    """A second case left at the content step: /guidon, 1 (Phản ánh), 2 (Môi trường)."""
    for said in ("/guidon", "1", "2"):
        await chats.say(CITIZEN, said)
    assert "nội dung" in chats.last_text(CITIZEN)


async def test_a_typed_answer_to_the_officer_is_not_taken_by_a_half_written_draft(
    chats: Chats, config: Config
) -> None:
    await filed(chats)
    await half_written(chats)
    await asked_by_economy(chats, "Rác đổ ở bên trái hay bên phải cổng làng?")
    got = await chats.say(CITIZEN, "Bên phải cổng làng, cạnh cột điện.")
    assert "Bên phải cổng làng, cạnh cột điện." in texts(chats, ECONOMY)[-1]
    said = [str(c.params["text"]) for c in got]
    assert "Đã chuyển nội dung" in said[0]
    assert "đang có một đơn soạn dở" in said[-2]
    assert "nội dung" in said[-1], "the draft's question is asked again, last"
    assert "Ông/bà cần gì ạ?" not in " ".join(said)
    # The draft is as it was: its content is still to be written, and is.
    await chats.say(CITIZEN, "Cống thoát nước trước chợ bị tắc, nước tràn lên đường.")
    assert "ảnh" in chats.last_text(CITIZEN)
    assert await rows(config, "SELECT count(*) FROM tickets") == [(1,)]


async def test_a_number_after_lich_answers_the_question_shown_last(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    shown = await chats.say(CITIZEN, "/lich")
    assert "Lịch tiếp công dân" in str(shown[0].params["text"])
    assert "đang có một đơn soạn dở" in str(shown[-2].params["text"])
    assert "loại đơn" in str(shown[-1].params["text"])
    picked = await chats.say(CITIZEN, "1")
    assert "lĩnh vực" in str(picked[-1].params["text"]), "1 answered the draft's question"
    switched = await chats.say(CITIZEN, "bật nhắc lịch")
    assert "Đã bật nhắc lịch" in str(switched[0].params["text"])
    assert "lĩnh vực" in str(switched[-1].params["text"])
    assert await rows(config, "SELECT count(*) FROM reception_bookings") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM tickets") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM reception_subscribers") == [(1,)]


async def test_a_second_look_up_keeps_the_comment_question_last(
    chats: Chats, config: Config
) -> None:
    code = await resolved(chats)
    await chats.tap(CITIZEN, "Chưa hài lòng")
    again = await chats.say(CITIZEN, f"/tracuu {code}")
    assert "góp ý thêm" in str(again[-1].params["text"])
    await chats.say(CITIZEN, "Rác vẫn còn.")
    assert await rows(config, "SELECT rating_comment FROM tickets") == [("Rác vẫn còn.",)]


async def test_a_second_copy_of_the_result_during_the_comment_says_both(
    chats: Chats, config: Config
) -> None:
    await resolved(chats)
    result = chats.sent(CITIZEN)[-1]
    await chats.tap(CITIZEN, "Chưa hài lòng")
    [(ticket_id,)] = await rows(config, "SELECT id FROM tickets")
    notice = Notice(
        text=str(result.params["text"]), ref=f"{RATE_REF}.{ticket_id}", options=rating_options()
    )
    await TelegramSender(chats.app.bot, partial(notice_shown, chats.app)).send(str(CITIZEN), notice)
    got = [str(c.params["text"]) for c in await chats.say(CITIZEN, "1")]
    assert "đã đánh giá" in got[0]
    assert "góp ý thêm" in got[-1], "the comment question is still open, and said so"
    await chats.say(CITIZEN, "Rác vẫn còn.")
    assert await rows(config, "SELECT rating, rating_comment FROM tickets") == [
        ("unsatisfied", "Rác vẫn còn.")
    ]


async def test_the_office_marks_a_case_it_holds_as_about_the_chairman(
    chats: Chats, config: Config
) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.tap(ECONOMY, "Văn phòng")
    await chats.say(ECONOMY, "Việc này thuộc Văn phòng.")
    supervisor_before = len(chats.sent(SUPERVISOR))
    citizen_before = len(chats.sent(CITIZEN))
    await chats.tap(OFFICE, "Chuyển")
    await chats.tap(OFFICE, "thái độ, tác phong")
    await chats.tap(OFFICE, "Nguyễn Văn An")
    done = await chats.say(OFFICE, "Người dân phản ánh Chủ tịch xã hứa rồi không làm.")
    assert "đã ở" not in " ".join(str(c.params.get("text")) for c in done)
    [(category, department, assignee, subject)] = await rows(
        config,
        "SELECT t.category_id, t.department_id, a.external_id, s.external_id FROM tickets t "
        "JOIN people a ON a.id = t.assignee_id JOIN people s ON s.id = t.subject_id",
    )
    assert (category, department, assignee, subject) == (
        "thai-do-can-bo",
        "van-phong",
        str(OFFICE),
        str(CHAIRMAN),
    )
    assert len(chats.sent(CITIZEN)) > citizen_before, "the citizen is told"
    assert any(code in text for text in texts(chats, SUPERVISOR)[supervisor_before:])
    hidden = await chats.say(CHAIRMAN, f"/hoso {code}")
    assert "không có quyền xem" in str(hidden[-1].params["text"])


async def test_passing_to_a_unit_without_officers_says_where_the_case_will_go(
    chats: Chats, config: Config
) -> None:
    code = await filed(chats)
    listed = await chats.tap(ECONOMY, "Chuyển")
    labels = [label for label, _ in buttons(listed[-1])]
    office = "hồ sơ sẽ về Văn phòng HĐND và UBND"
    assert "3. Phòng Văn hóa – Xã hội (chưa có cán bộ)" in labels
    assert "2. Phòng Kinh tế (không có cán bộ khác)" in labels
    assert "1. Văn phòng HĐND và UBND" in labels, "a unit with officers is named plainly"
    asked = await chats.say(ECONOMY, "3")
    prompt = str(asked[-1].params["text"])
    assert "Phòng Văn hóa – Xã hội" in prompt
    assert office in prompt, "said before the reason is asked"
    await chats.say(ECONOMY, "Việc văn hóa.")
    assert "Văn phòng HĐND và UBND" in texts(chats, CITIZEN)[-1]
    assert any(f"Hồ sơ {code} được chuyển đến" in text for text in texts(chats, OFFICE))


async def test_the_only_officer_of_a_unit_is_told_a_colleague_pass_goes_to_the_office(
    chats: Chats,
) -> None:
    await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    asked = await chats.say(ECONOMY, "2")
    prompt = str(asked[-1].params["text"])
    assert "Phòng Kinh tế chưa có cán bộ nào khác" in prompt
    assert "hồ sơ sẽ về Văn phòng HĐND và UBND" in prompt


async def test_officers_read_statuses_in_officer_words(chats: Chats) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Ông/bà cho biết số nhà gần nhất?")
    work = await chats.say(ECONOMY, "/viec")
    assert "Chờ người dân bổ sung" in str(work[-1].params["text"])
    opened = await chats.tap(ECONOMY, code)
    record = await chats.say(CHAIRMAN, f"/hoso {code}")
    shown = "\n".join(str(c.params.get("text")) for c in [*work, *opened, *record])
    assert "Chờ người dân bổ sung" in shown
    assert "ông/bà" not in shown.replace("Ông/bà cho biết số nhà gần nhất?", "")


async def test_the_full_record_names_the_holder_the_card_names(chats: Chats) -> None:
    await file_with_identity(
        chats,
        "Tố cáo",
        "Ông X lấn chiếm đất công ở xứ đồng Cửa Làng để xây nhà.",
        "Trần Văn Mật",
        "0987654321",
        "Xóm Giữa, xã Sơn Ninh",
    )
    card = next(text for text in texts(chats, CHAIRMAN) if "Hồ sơ mới" in text)
    assert "Bộ phận: lãnh đạo UBND xã" in card
    code = re.findall(r"SN-\d{4}-\d{5}", card)[0]
    record = str((await chats.say(CHAIRMAN, f"/hoso {code}"))[-1].params["text"])
    assert "Bộ phận: lãnh đạo UBND xã" in record
    assert "Bộ phận: Phòng Kinh tế" not in record
    assert "Hàng chờ: Phòng Kinh tế" in record, "the queue, saying what it is"


async def test_the_full_record_of_a_case_passed_on_names_who_holds_it(chats: Chats) -> None:
    code = await filed(chats)
    await chats.tap(ECONOMY, "Chuyển")
    await chats.say(ECONOMY, "2")
    await chats.say(ECONOMY, "Cần cán bộ khác xem lại.")
    card = next(text for text in texts(chats, OFFICE) if f"Hồ sơ {code} được chuyển" in text)
    assert "Bộ phận: Văn phòng HĐND và UBND" in card
    record = str((await chats.say(CHAIRMAN, f"/hoso {code}"))[-1].params["text"])
    assert "Bộ phận: Văn phòng HĐND và UBND" in record
    assert "Bộ phận: Phòng Kinh tế" not in record
