"""Abuse limits through the real Application: floods, cases per day, long texts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.config import Config
from bot.services import Services
from bot.texts import t
from handlers.wiring.application import build_application
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.support.chat import Chats
from tests.support.clock import FixedClock
from tests.support.offline import OfflineRequest

FLOODER = 7301
NEIGHBOUR = 7302
OFFICE = 100000002  # officer, reception
TOO_FAST = t("limits.too_fast", limit=30)


def texts(chats: Chats, user: int) -> list[str]:
    return [str(call.params.get("text", "")) for call in chats.sent(user)]


async def test_a_flooder_is_told_once_then_dropped_while_others_are_served(
    chats: Chats, clock: FixedClock
) -> None:
    await agree(chats, FLOODER)
    before = len(chats.sent(FLOODER))
    for n in range(200):
        await chats.say(FLOODER, f"alo {n}")
    answers = texts(chats, FLOODER)[before:]
    assert answers.count(TOO_FAST) == 1
    # 28 of the minute's 30 went to agreeing and the first messages; one answer each.
    assert len(answers) == 30 - 2 + 1
    await agree(chats, NEIGHBOUR)
    served = await chats.say(NEIGHBOUR, "/tracuu")
    assert served
    assert TOO_FAST not in texts(chats, NEIGHBOUR)
    # A minute later the flooder is heard again, and told again only if they flood again.
    clock.advance(timedelta(seconds=61))
    again = await chats.say(FLOODER, "alo")
    assert again
    assert TOO_FAST not in str(again[-1].params["text"])


async def test_a_flood_of_button_presses_is_dropped_too(chats: Chats) -> None:
    await agree(chats, FLOODER)
    for _ in range(100):
        await chats.press(FLOODER, "menu|lookup")
    assert texts(chats, FLOODER).count(TOO_FAST) == 1
    answered = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    assert len(answered) <= 31


async def test_officers_are_not_held_back(chats: Chats) -> None:
    await chats.say(OFFICE, "/start")
    for _ in range(40):
        await chats.say(OFFICE, "/viec")
    assert TOO_FAST not in texts(chats, OFFICE)
    assert len(chats.sent(OFFICE)) >= 41


@pytest.mark.slow
async def test_cases_beyond_the_day_are_refused_at_the_start(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, FLOODER)
    for n in range(5):
        await file_feedback(chats, FLOODER, f"Đường làng số {n} bị ngập sâu")
        clock.advance(timedelta(minutes=5))
    refused = await chats.say(FLOODER, "/guidon")
    assert t("limits.cases_per_day", limit=5) in str(refused[-1].params["text"])
    assert await rows(config, "SELECT data FROM conversation_data") in ([], [("{}",)])
    clock.advance(timedelta(hours=24))
    code = await file_feedback(chats, FLOODER, "Đèn đường hỏng cả tuần nay")
    assert code.endswith("00006")


LONG = "Nội dung rất dài. " * 120  # 2,160 characters, over note_max = 2000
CITIZEN = 7303
ECONOMY = 100000003  # officer of the department that receives environment cases
SUPERVISOR = 100000004


def too_long(staff: bool = False) -> str:
    key = "limits.too_long_staff" if staff else "limits.too_long"
    return t(key, length=len(LONG.strip()), max=2000)


async def test_long_texts_are_refused_with_the_limit_and_the_step_kept(
    chats: Chats, config: Config
) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    refused = await chats.say(ECONOMY, LONG)
    assert str(refused[-1].params["text"]) == too_long(staff=True)
    await chats.say(ECONOMY, "Rác đổ ở bên nào của cổng làng?")
    assert "Rác đổ ở bên nào" in texts(chats, CITIZEN)[-1]
    # Typed straight back, and through "Trả lời": both say the limit and keep waiting.
    typed = await chats.say(CITIZEN, LONG)
    assert str(typed[-1].params["text"]) == too_long()
    await chats.tap(CITIZEN, "Trả lời")
    answered = await chats.say(CITIZEN, LONG)
    assert str(answered[-1].params["text"]) == too_long()
    await chats.say(CITIZEN, "Bên phải, cạnh cột điện số 12.")
    assert "Bên phải, cạnh cột điện số 12." in texts(chats, ECONOMY)[-1]
    # A supervisor's recommendation is held to the same limit.
    await chats.say(SUPERVISOR, f"/giamsat {code}")
    await chats.tap(SUPERVISOR, "Kiến nghị giám sát")
    recommended = await chats.say(SUPERVISOR, LONG)
    assert str(recommended[-1].params["text"]) == too_long(staff=True)
    preview = await chats.say(SUPERVISOR, "Đề nghị xử lý dứt điểm.")
    assert "Đề nghị xử lý dứt điểm." in str(preview[-1].params["text"])
    notes = await rows(config, "SELECT note FROM ticket_events WHERE note IS NOT NULL")
    assert not any(LONG.strip() in str(note) for (note,) in notes)


async def test_a_long_booking_topic_says_the_limit(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/lich")
    await chats.tap(CITIZEN, "Đăng ký gặp: 03/12")
    topic = "Hỏi về đất đai. " * 25
    refused = await chats.say(CITIZEN, topic)
    expected = t("limits.too_long", length=len(topic.strip()), max=300)
    assert str(refused[-1].params["text"]) == expected
    done = await chats.say(CITIZEN, "Hỏi về việc cấp giấy chứng nhận quyền sử dụng đất.")
    assert "Đã đăng ký gặp" in str(done[-1].params["text"])


async def test_a_long_place_says_the_limit_and_keeps_the_draft(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    await chats.tap(CITIZEN, "Không có ảnh")
    refused = await chats.say(CITIZEN, "Thôn Đông, " * 40)
    assert "quá giới hạn 300 ký tự" in " ".join(str(c.params["text"]) for c in refused)
    await chats.say(CITIZEN, "Đầu ngõ 3, thôn Đông")
    await chats.tap(CITIZEN, "Không cần")
    summary = str(chats.sent(CITIZEN)[-1].params["text"])
    assert "Đầu ngõ 3, thôn Đông" in summary
    assert "Rác thải đổ trộm" in summary


@POSTGRESQL_ONLY
async def test_a_flooder_writing_to_two_processes_in_turn_is_held_to_one_rate(
    chats: Chats, config: Config, clock: FixedClock, reopen: Callable[[], Awaitable[Database]]
) -> None:
    """Two Applications on one PostgreSQL database, as two processes behind one webhook."""
    db = await reopen()
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    async with app:
        other = Chats(app, request)
        await agree(chats, FLOODER)
        before = len(chats.sent(FLOODER))
        for n in range(200):
            await (other if n % 2 else chats).say(FLOODER, f"alo {n}")
        answers = texts(chats, FLOODER)[before:] + texts(other, FLOODER)
    await db.close()
    assert answers.count(TOO_FAST) == 1
    assert len(answers) == 30 - 2 + 1
