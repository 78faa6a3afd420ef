"""/dulieu and /xoadulieu through the real Application: each person sees only their own data,
a request is confirmed by button or by typing, the Office completes it from its notice."""

from __future__ import annotations

from bot.services import Services
from bot.services.citizens import find_citizen
from bot.services.intake import submit_case
from tests.handlers.test_casework_flow import asked_by_economy
from tests.handlers.test_citizen_flow import agree, file_feedback
from tests.handlers.test_reception import books_thursday
from tests.services.factories import feedback, fetch
from tests.support.chat import Chats, buttons

CITIZEN = 7001
NEIGHBOUR = 7002
OFFICE = 100000002
ECONOMY = 100000003
CHAIRMAN = 100000001


def texts(chats: Chats, user: int) -> list[str]:
    return [str(c.params.get("text") or "") for c in chats.sent(user)]


async def test_my_data_shows_my_cases_and_nobody_elses(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await agree(chats, NEIGHBOUR)
    mine = await file_feedback(chats, CITIZEN, "Rác thải đổ bừa bãi ở đầu ngõ 3 thôn Đông.")
    theirs = await file_feedback(chats, NEIGHBOUR, "Cống thoát nước ở xóm Bãi bị tắc lâu ngày.")

    shown = "\n".join(str(c.params["text"]) for c in await chats.say(CITIZEN, "/dulieu"))

    assert mine in shown
    assert "Rác thải đổ bừa bãi" in shown
    assert "bản thông báo hiện hành" in shown
    assert theirs not in shown
    assert "Cống thoát nước" not in shown
    assert "Dân 7002" not in shown


async def test_erasure_by_typed_answers_then_office_button(
    chats: Chats, services: Services
) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Rác thải đổ bừa bãi ở đầu ngõ 3 thôn Đông.")
    asked = await chats.say(CITIZEN, "/xoadulieu")
    assert "xác nhận" in str(asked[-1].params["text"])
    again = await chats.say(CITIZEN, "có lẽ")
    assert "gõ 1" in str(again[-1].params["text"])
    filed = await chats.say(CITIZEN, "1")
    assert "Đã ghi nhận yêu cầu số 1" in str(filed[-1].params["text"])

    notice = next(c for c in reversed(chats.sent(OFFICE)) if buttons(c))
    [(_, data)] = buttons(notice)
    refused = await chats.press(ECONOMY, data)
    assert refused == [] or all("Xóa dữ liệu" not in str(c.params) for c in refused)
    assert (await fetch(services.db, "SELECT completed_at FROM erasure_requests"))[0][0] is None

    await chats.press(OFFICE, data)
    assert any("Đã xóa dữ liệu" in text for text in texts(chats, OFFICE))
    assert any("đã xóa dữ liệu cá nhân" in text for text in texts(chats, CITIZEN))
    [case] = await fetch(services.db, "SELECT code, erased_at FROM tickets")
    assert case[0] == code
    assert case[1] is not None
    people = await fetch(services.db, "SELECT * FROM people WHERE external_id = ?", (str(CITIZEN),))
    assert people == []
    # Writing again starts afresh: the notice, as for anyone new.
    fresh = await chats.say(CITIZEN, "/dulieu")
    assert "Đồng ý" in str(buttons(fresh[-1]))


async def test_keeping_by_button_files_nothing(chats: Chats, services: Services) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/xoadulieu")
    kept = await chats.tap(CITIZEN, "Không xóa")
    assert "không xóa gì" in str(kept[-1].params["text"])
    assert await fetch(services.db, "SELECT * FROM erasure_requests") == []


async def test_a_new_notice_version_asks_again(chats: Chats, services: Services) -> None:
    await agree(chats, CITIZEN)
    async with services.db.transaction() as conn:
        await conn.execute("UPDATE people SET consent_notice = '2026-01-01'")
    asked = await chats.say(CITIZEN, "/tracuu")
    assert any("đã thay đổi" in str(c.params["text"]) for c in asked)
    await chats.tap(CITIZEN, "Đồng ý")
    [row] = await fetch(
        services.db, "SELECT consent_notice FROM people WHERE external_id = ?", (str(CITIZEN),)
    )
    assert row[0] == "2026-11-29"


async def test_a_retired_officer_is_asked_to_agree_without_being_told_of_a_change(
    chats: Chats,
) -> None:
    """An officer never agreed to the citizens' notice: once retired, it is their first."""
    await chats.say(ECONOMY, "/start")
    await chats.say(CHAIRMAN, f"/canbo xoa {ECONOMY}")
    asked = " ".join(str(c.params["text"]) for c in await chats.say(ECONOMY, "/start"))
    assert "Đồng ý" in asked or "đồng ý" in asked
    assert "đã thay đổi" not in asked


async def test_long_data_comes_in_parts_and_a_decliner_of_a_new_notice_still_sees_it(
    chats: Chats, services: Services
) -> None:
    await agree(chats, CITIZEN)
    citizen = await find_citizen(services.db, "telegram", str(CITIZEN))
    assert citizen is not None
    for n in range(2):
        content = f"Đoạn đường số {n} hư hỏng nặng. " + "Ổ gà rất nhiều. " * 240
        draft = feedback(f"draft-long-{n}", content=content)
        await submit_case(services.db, services.clock, services.config, citizen, draft)
    async with services.db.transaction() as conn:
        await conn.execute("UPDATE people SET consent_notice = '2026-01-01'")
    await chats.say(CITIZEN, "/start")
    declined = await chats.tap(CITIZEN, "Không đồng ý")
    assert "/xoadulieu" in str(declined[-1].params["text"])

    parts = await chats.say(CITIZEN, "/dulieu")

    assert len(parts) >= 2
    assert all(len(str(c.params["text"])) <= 4096 for c in parts)
    shown = "\n".join(str(c.params["text"]) for c in parts)
    assert "Đoạn đường số 0" in shown
    assert "Đoạn đường số 1" in shown
    assert "bản thông báo trước" in shown


async def test_erasure_while_a_question_is_open_frees_the_case_and_tells_its_officer(
    chats: Chats, services: Services
) -> None:
    await agree(chats, CITIZEN)
    code = await file_feedback(chats, CITIZEN, "Rác thải đổ bừa bãi ở đầu ngõ 3 thôn Đông.")
    await asked_by_economy(chats, "Ông/bà ở thôn nào?")
    await chats.say(CITIZEN, "/xoadulieu")
    await chats.say(CITIZEN, "1")
    before = len(chats.sent(ECONOMY))

    notice = next(c for c in reversed(chats.sent(OFFICE)) if buttons(c))
    [(_, data)] = buttons(notice)
    await chats.press(OFFICE, data)

    [(status,)] = await fetch(services.db, "SELECT status FROM tickets")
    assert status == "in_progress"
    [told] = texts(chats, ECONOMY)[before:]
    assert code in told
    assert "xóa dữ liệu" in told
    assert "Rác thải" not in told
    history = await fetch(
        services.db, "SELECT from_status, to_status FROM ticket_events WHERE action = 'no_answer'"
    )
    assert [tuple(row) for row in history] == [("waiting_citizen", "in_progress")]
    work = " ".join(str(c.params["text"]) for c in await chats.say(ECONOMY, "/viec"))
    assert code in work
    assert "Chờ người dân" not in work


async def test_my_data_shows_a_booking_by_its_session_and_the_consent_by_its_day(
    chats: Chats,
) -> None:
    await agree(chats, CITIZEN)
    await books_thursday(chats, CITIZEN, "Hỏi về đất.")

    shown = "\n".join(str(c.params["text"]) for c in await chats.say(CITIZEN, "/dulieu"))

    assert "Thứ Năm 03/12/2026, 07:30–11:00: Hỏi về đất." in shown
    assert "28/11/2026: Hỏi về đất." not in shown
    consent = next(line for line in shown.splitlines() if "Đồng ý" in line)
    assert "28/11/2026" in consent
    assert "2026-11-29" not in consent
    assert "bản thông báo hiện hành" in consent
