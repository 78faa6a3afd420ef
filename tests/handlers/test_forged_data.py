"""Forged button data and command arguments, for every button family and every command that
takes arguments: each gets an answer, none raises, nothing is stored."""

from __future__ import annotations

import logging

import pytest

from bot.config import Config
from bot.texts import t
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.support.chat import Chats

CITIZEN = 7401
CHAIRMAN = 100000001  # leader, admin
ECONOMY = 100000003
SUPERVISOR = 100000004

# Every prefix a button of this bot carries, with the kinds of forgery a client can send.
FAMILIES = (
    "in.kind",
    "menu",
    "consent",
    "lookup",
    "rcps",
    "rcpb",
    "rcpx",
    "ann",
    "ann.w",
    "ann.c",
    "note",
    "reply.1",
    "add.1",
    "rate.1",
    "case.1",
    "officer.write",
    "officer.target",
    "officer.subject",
    "officer.confirm",
    "report.period",
    "watch.1",
    "watch.write",
    "watch.confirm",
    "erase",
    "erasec",
    "faqp.1",
    "faqd.1",
    "faqw",
    "faqw.1",
)
FORGERIES = (
    "{ref}|",
    "{ref}|khong-co",
    "{ref}|1|2",
    "{ref}|" + "9" * 40,
    "{ref}|p-1",
    "{ref}|o99999999999999999999",
    "{ref}|¹²",
    "{ref}|" + "đ" * 40,
)
NUMBERED = ("reply", "add", "rate", "case", "watch")
ODD_NUMBERS = ("¹²", "٣", "99999999999999999999", "-1", "0", "1.5", "")


def forged() -> list[str]:
    data = [form.format(ref=ref) for ref in FAMILIES for form in FORGERIES]
    data += [f"{ref}.{n}|accept" for ref in NUMBERED for n in ODD_NUMBERS]
    data += [f"{ref}.{n}|open" for ref in NUMBERED for n in ODD_NUMBERS]
    return data


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


def failed(chats: Chats, errors: pytest.LogCaptureFixture) -> list[str]:
    busy = t("error.busy")
    said = [str(c.params.get("text")) for c in chats.request.calls if c.params.get("text")]
    return [r.getMessage() for r in errors.records if r.levelno >= logging.ERROR] + [
        s for s in said if s == busy
    ]


@pytest.mark.parametrize("user", [CITIZEN, ECONOMY, CHAIRMAN, SUPERVISOR])
async def test_forged_buttons_are_answered_and_never_raise(
    chats: Chats, config: Config, errors: pytest.LogCaptureFixture, user: int
) -> None:
    await agree(chats, CITIZEN)
    await file_feedback(chats, CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    before = await rows(config, "SELECT id, status FROM tickets")
    if user != CITIZEN:
        await chats.say(user, "/start")
    for data in forged():
        await chats.press(user, data)
        # The rate gate would hold back a citizen pressing this fast; the clock stands still.
        chats.app.bot_data.limiter.windows.clear()
    assert failed(chats, errors) == []
    assert await rows(config, "SELECT id, status FROM tickets") == before
    presses = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    assert len(presses) >= len(forged())


COMMANDS = (
    "tracuu",
    "hoso",
    "giamsat",
    "canbo",
    "baocao",
    "lichtiep",
    "dangky",
    "chan",
    "hoidap",
)
ARGUMENTS = (
    "",
    "SN-2026-¹²",
    "SN-2026-" + "9" * 40,
    "x" * 3000,
    "them ¹² officer - Tên",
    "them 12 officer,admin,,, - " + "Tên " * 50,
    "xoa ٣",
    "'; DROP TABLE tickets; --",
    "99/99/9999 - 00/00/0000",
    "them 31/02/2026 25:00-26:00 " + "x" * 500,
)


@pytest.mark.parametrize("user", [CITIZEN, CHAIRMAN])
async def test_forged_command_arguments_are_answered_and_never_raise(
    chats: Chats, config: Config, errors: pytest.LogCaptureFixture, user: int
) -> None:
    await agree(chats, CITIZEN)
    if user != CITIZEN:
        await chats.say(user, "/start")
    for command in COMMANDS:
        for argument in ARGUMENTS:
            answer = await chats.say(user, f"/{command} {argument}".strip())
            assert answer, (command, argument)
            chats.app.bot_data.limiter.windows.clear()
            await chats.say(user, "/huy")
    assert failed(chats, errors) == []
    assert await rows(config, "SELECT count(*) FROM people WHERE external_id LIKE '%¹%'") == [(0,)]
