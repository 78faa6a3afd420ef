"""Abuse limits through the real Application: floods, cases per day, long texts."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config
from bot.texts import t
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.support.chat import Chats
from tests.support.clock import FixedClock

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
