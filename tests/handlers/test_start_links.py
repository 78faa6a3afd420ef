"""Links a commune prints (t.me/<bot>?start=…): /start's payload opens what the link names,
after the privacy notice for someone new."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.support.chat import Chats
from tests.support.offline import Call

CITIZEN = 5301
NEIGHBOUR = 5302
NEWCOMER = 5303

KIND_QUESTION = "Ông/bà muốn gửi loại đơn nào?"
SCHEDULE = "Lịch tiếp công dân sắp tới"


def said(calls: list[Call]) -> str:
    return "\n".join(str(c.params["text"]) for c in calls)


async def test_a_new_case_link_opens_the_form(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    opened = await chats.say(CITIZEN, "/start guidon")
    assert KIND_QUESTION in said(opened)
    asked = await chats.say(CITIZEN, "1")
    assert "Việc này thuộc lĩnh vực nào?" in said(asked)


async def test_the_schedule_link_shows_the_schedule(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    assert SCHEDULE in said(await chats.say(CITIZEN, "/start lich"))


async def test_a_case_link_shows_the_case_to_its_owner_only(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Đèn đường trước nhà văn hóa thôn bị hỏng.")
    shown = said(await chats.say(CITIZEN, f"/start {code}"))
    assert f"Hồ sơ {code}" in shown
    assert "Đèn đường" in shown
    await agree(chats, NEIGHBOUR)
    other = said(await chats.say(NEIGHBOUR, f"/start {code}"))
    looked_up = said(await chats.say(NEIGHBOUR, f"/tracuu {code}"))
    assert other == looked_up
    assert "Không tìm thấy hồ sơ" in other
    assert "Đèn đường" not in other


async def test_an_unknown_payload_is_an_ordinary_start(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    plain = said(await chats.say(CITIZEN, "/start"))
    assert said(await chats.say(CITIZEN, "/start quangcao_2026")) == plain


@pytest.mark.parametrize("how", ["tap", "type"])
async def test_before_consent_the_link_waits_for_the_notice_then_opens_the_form(
    chats: Chats, config: Config, how: str
) -> None:
    notice = said(await chats.say(NEWCOMER, "/start guidon"))
    assert "Ông/bà có đồng ý không?" in notice
    assert KIND_QUESTION not in notice
    assert await rows(config, f"SELECT * FROM people WHERE external_id = '{NEWCOMER}'") == []
    assert await rows(config, "SELECT * FROM conversation_data") == []
    if how == "tap":
        answered = sum(c.method == "answerCallbackQuery" for c in chats.request.calls)
        agreed = await chats.tap(NEWCOMER, "Đồng ý")
        # Telegram takes one answer to a press.
        assert sum(c.method == "answerCallbackQuery" for c in chats.request.calls) == answered + 1
    else:
        agreed = await chats.say(NEWCOMER, "dong y")
    assert "Cảm ơn ông/bà đã đồng ý" in said(agreed)
    assert KIND_QUESTION in said(agreed)
    # The form is open: the next answer is its first step's.
    asked = await chats.say(NEWCOMER, "phan anh")
    assert "Việc này thuộc lĩnh vực nào?" in said(asked)


async def test_before_consent_a_schedule_link_shows_the_schedule_once_agreed(
    chats: Chats,
) -> None:
    await chats.say(NEWCOMER, "/start lich")
    agreed = said(await chats.tap(NEWCOMER, "Đồng ý"))
    assert "Cảm ơn ông/bà đã đồng ý" in agreed
    assert SCHEDULE in agreed


async def test_before_consent_someone_elses_case_link_is_not_found(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Cống thoát nước trước chợ bị tắc nhiều ngày.")
    await chats.say(NEWCOMER, f"/start {code}")
    agreed = said(await chats.say(NEWCOMER, "1"))
    assert "Không tìm thấy hồ sơ" in agreed
    assert "Cống thoát nước" not in agreed


async def test_declining_forgets_the_link(chats: Chats) -> None:
    await chats.say(NEWCOMER, "/start guidon")
    await chats.tap(NEWCOMER, "Không đồng ý")
    await chats.say(NEWCOMER, "/start")
    agreed = said(await chats.tap(NEWCOMER, "Đồng ý"))
    assert KIND_QUESTION not in agreed
