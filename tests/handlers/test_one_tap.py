"""A press costs one call to the citizen's chat (issue #19): the pressed message becomes the
answer and the next question while it is the chat's last message; otherwise the next question
is sent below, as before. Read as the citizen reads their chat."""

from __future__ import annotations

from bot.config import Config
from bot.services import Services
from bot.texts import t
from handlers.wiring.application import build_application
from tests.conftest import POSTGRESQL_ONLY, SQLITE_ONLY
from tests.handlers.test_citizen_flow import rows
from tests.support.chat import Chats
from tests.support.clock import FakeTimer

CITIZEN = 5301
NEIGHBOUR = 5302
LABELS = ("Đồng ý", "Gửi phản ánh", "Phản ánh", "Môi trường")
CONTENT = "Cống thoát nước trước nhà văn hóa thôn Đông bị tắc, nước tràn ra đường."


def chat_calls(chats: Chats, user: int, before: int) -> list[str]:
    """The Bot API calls made to this person's chat since `before`, and the presses answered
    (which name no chat)."""
    return [
        c.method
        for c in chats.request.calls[before:]
        if c.params.get("chat_id") == user or c.method == "answerCallbackQuery"
    ]


async def press(chats: Chats, user: int, label: str) -> list[str]:
    before = len(chats.request.calls)
    await chats.tap_shown(user, label)
    return chat_calls(chats, user, before)


def answered(label: str) -> str:
    return "\n\n" + t("render.answered", answer=label) + "\n\n"


@SQLITE_ONLY
async def test_each_press_is_one_edit_and_the_chat_reads_in_order(
    chats: Chats, config: Config
) -> None:
    one_call = ["answerCallbackQuery", "editMessageText"]
    await chats.say(CITIZEN, "/start")
    assert await press(chats, CITIZEN, "Đồng ý") == one_call
    [first] = chats.chat(CITIZEN)
    consent, agreed = first.text.split(answered("Đồng ý"))
    assert consent.endswith("Ông/bà có đồng ý không?")
    assert agreed.startswith(t("start.agreed"))
    for label in LABELS[1:]:
        assert await press(chats, CITIZEN, label) == one_call
    [first] = chats.chat(CITIZEN)  # one message: every answer in order, the question last
    chosen = [line for line in first.text.splitlines() if line.startswith("✅ Đã chọn: ")]
    assert [label in line for label, line in zip(LABELS, chosen, strict=True)] == [True] * 4
    assert first.text.endswith(t("intake.ask.content", kind="Phản ánh"))

    # What the citizen typed lies below, so the next question is a new message, last; the
    # location is asked with the phone's own keyboard: a new message, the pressed buttons off.
    await chats.say(CITIZEN, CONTENT)
    calls = await press(chats, CITIZEN, "Không có ảnh")
    assert calls == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    await chats.say(CITIZEN, "Bỏ qua")
    assert await press(chats, CITIZEN, "Không cần") == one_call
    assert await press(chats, CITIZEN, "Gửi") == one_call

    chat = chats.chat(CITIZEN)
    summary, receipt = chat[-1].text.split(answered("✅ Gửi"))
    assert CONTENT in summary
    assert receipt.startswith("✅ Đã gửi đơn thành công")
    assert receipt.endswith("Xin bấm một nút hoặc gõ số thứ tự:")
    assert [m.message_id for m in chat if m.buttons] == [first.message_id, chat[-1].message_id]
    # The content step, answered by typing, keeps its way back, as before.
    assert [label for label, _ in first.buttons] == [t("nav.back"), t("nav.cancel")]
    [(kind, category, content)] = await rows(
        config, "SELECT kind, category_id, content FROM tickets"
    )
    assert (kind, category, content) == ("feedback", "moi-truong", CONTENT)


@SQLITE_ONLY
async def test_a_press_above_something_newer_is_answered_below(
    chats: Chats, services: Services
) -> None:
    """Anything below the pressed message — a message the bot sent (a notice), one the citizen
    typed, or nothing known after a restart — and the next question is sent below it."""
    await chats.say(CITIZEN, "/start")
    await press(chats, CITIZEN, "Đồng ý")
    assert len(chats.chat(CITIZEN)) == 1
    await chats.app.bot.send_message(CITIZEN, "Thông báo của xã")
    calls = await press(chats, CITIZEN, "Gửi phản ánh")
    assert calls == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    assert [m.message_id for m in chats.chat(CITIZEN) if m.buttons] == [3]
    assert chats.chat(CITIZEN)[-1].text.startswith(t("intake.ask.kind"))

    await chats.say(NEIGHBOUR, "/start")
    await press(chats, NEIGHBOUR, "Đồng ý")
    await chats.say(NEIGHBOUR, "xin chào")  # answered with the menu, below
    await chats.deliver(chats.press_update(NEIGHBOUR, "menu|send", shown=chats.chat(NEIGHBOUR)[0]))
    assert chats.chat(NEIGHBOUR)[0].buttons == []
    assert chats.chat(NEIGHBOUR)[-1].text.startswith(t("intake.ask.kind"))

    restarted = build_application(services, request=chats.request, timer=FakeTimer())
    async with restarted:
        again = Chats(restarted, chats.request)
        before = len(chats.request.calls)
        await again.tap_shown(NEIGHBOUR, "Phản ánh")
        calls = chat_calls(again, NEIGHBOUR, before)
    assert calls == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    assert chats.chat(NEIGHBOUR)[-1].text.startswith(t("intake.ask.category"))


@POSTGRESQL_ONLY
async def test_on_a_shared_database_a_press_is_answered_below(chats: Chats) -> None:
    """Other processes send to the same chats unseen: nothing is known to be last."""
    await chats.say(CITIZEN, "/start")
    assert await press(chats, CITIZEN, "Đồng ý") == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]
